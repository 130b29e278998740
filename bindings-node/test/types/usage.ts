// Type-checks the committed index.d.ts against typical use (`npm run typecheck`,
// run by ci.sh). Never executed; a wrong declaration fails `tsc --strict`.
import {
  ApprovalSet,
  Envelope,
  PublicKey,
  SecretKey,
  SignerRegistry,
  ROTATION_KIND,
  sign,
  verify,
  signEd25519phDigest,
  type ApprovalReport,
  type EnvelopeReport,
  type PreparedSigning,
  type Rotation,
  type SignatureVerdict,
  type SignerInfo,
} from '../../index.js';
import { webcrypto } from 'node:crypto';

export async function usage(): Promise<void> {
  const sk: SecretKey = SecretKey.generate();
  const pk: PublicKey = sk.publicKey();
  const same: PublicKey = PublicKey.fromJwk(JSON.parse(pk.toJwk('kid')) as object);
  const fromNode: SecretKey = SecretKey.fromJwk({ kty: 'OKP', crv: 'Ed25519', d: 'x', x: 'y' } satisfies webcrypto.JsonWebKey);
  const eq: boolean = same.equals(pk) && fromNode.publicKey().equals(pk);
  const sig: Buffer = sign(sk, 'message');
  const ok: boolean = verify(pk.toBytes(), new Uint8Array([1, 2]), sig) && eq;
  const pem: string = sk.exportPem() + pk.toPem() + sk.exportJwk('k') + pk.toHex() + pk.toBase64();
  const der: Buffer = pk.toDer();

  const env: Envelope = Envelope.create('upgrade.applied', { version: '2.4.1', ok, pem, der: der.length });
  const fromText: Envelope = Envelope.fromText('upgrade.applied', Buffer.from('{"a":1}'));
  const prepared: PreparedSigning = env.prepare('kms-digest', 'ed25519ph');
  const alg: 'ed25519' | 'ed25519ph' = prepared.alg;
  env.attach('kms-digest', signEd25519phDigest(sk, prepared.message), pk, alg);
  env.sign(sk, 'kernel-signer');
  await env.signWith('remote', pk, async (message: Buffer) => sk.sign(message));
  await env.signWith('sync', pk, (message) => new Uint8Array(sk.sign(message)), 'ed25519');
  await env.signWith('webcrypto', pk, (message) => webcrypto.subtle.sign('Ed25519', {} as webcrypto.CryptoKey, message));
  const signer: string = env.signatures[0].signer + env.kind + env.payload + fromText.toJson();
  const valid: boolean = env.verify(0, pk);

  const registry: SignerRegistry = SignerRegistry.fromJson('{"signers":[]}');
  const info: SignerInfo | null = registry.get(signer);
  const until: string | undefined = info?.validUntil;
  const key: PublicKey = registry.keyFor('kernel-signer', new Date(), 'ed25519');
  const report: EnvelopeReport = registry.verifyEnvelope(env, '2026-03-01T00:00:00Z');
  const verdict: SignatureVerdict = report.signatures[0];
  if (verdict.reason === 'signer_expired' || verdict.reason === undefined) {
    console.log(until, key, valid);
  }
  const rotation: Rotation = registry.verifyRotation(Envelope.create(ROTATION_KIND, {}));
  const nextKey: PublicKey = rotation.next.publicKey;
  const set: ApprovalSet = ApprovalSet.fromJson('{}');
  const approval: ApprovalReport = set.verify(env, registry, new Date());
  const n: number = approval.threshold + set.threshold + registry.size;
  console.log(nextKey, n, registry.signerIds().join(), registry.toJwks(), JSON.stringify(sk));
}
