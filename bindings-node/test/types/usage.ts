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
  type SignerEntry,
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
  const info: SignerEntry | null = registry.get(signer);
  const until: string | undefined = info?.validUntil ?? info?.rotatedFrom;
  const entryKey: string | undefined = info?.publicKey;
  const key: PublicKey = registry.keyFor('kernel-signer', new Date(), 'ed25519');
  const report: EnvelopeReport = registry.verifyEnvelope(env, '2026-03-01T00:00:00Z');
  const verdict: SignatureVerdict = report.signatures[0];
  if (verdict.reason === 'signer_expired' || verdict.reason === undefined) {
    console.log(until, key, valid, entryKey);
  }
  const rotation: Rotation = registry.verifyRotation(Envelope.create(ROTATION_KIND, {}));
  const nextKey: PublicKey = PublicKey.fromBase64(rotation.next.publicKey);
  const set: ApprovalSet = ApprovalSet.fromJson('{}');
  const approval: ApprovalReport = set.verify(env, registry, new Date());
  const n: number = approval.threshold + set.threshold + registry.size;
  console.log(nextKey, n, registry.signerIds().join(), registry.toJwks(), JSON.stringify(sk));
}

// Audit chain, policy and Merkle checkpoints.
import {
  ChainWriter,
  ChainVerifier,
  PreparedEvent,
  verifyJsonl,
  verifyJsonlAsync,
  verifyFile,
  verifyEventInCheckpoint,
  replay,
  PolicySet,
  PolicyDeniedError,
  evaluate,
  evaluateToJson,
  enforceOrThrow,
  enforcePolicyOrThrow,
  evaluateWithDenial,
  explain,
  impact,
  canaryBucket,
  leafHash,
  MerkleTree,
  Frontier,
  Checkpoint,
  VerifierKey,
  openCheckpoint,
  checkAgainstCheckpoint,
  verifyInclusion,
  verifyConsistency,
  type Head,
  type Break,
  type ChainReport,
  type VerifierState,
  type ReplayReport,
  type Decision,
  type ImpactReport,
  type Explanation,
  type OpenedCheckpoint,
  type CheckpointStatus,
  type EventRow,
  type OptionsErrorCode,
} from '../../index.js';

export async function chainUsage(registry: SignerRegistry, sk: SecretKey): Promise<void> {
  const writer: ChainWriter = ChainWriter.create('kernel-signer', sk.publicKey(), { hashAlg: 'sha256', alg: 'ed25519' });
  const body = { id: '6f1c2a4e-0000-4000-8000-000000000001', ts: '2026-03-01T12:00:01Z', eventType: 'x', actor: 'a', payload: { n: 1 } };
  const row: string = writer.append(body, sk);
  const prepared: PreparedEvent = writer.prepare(body);
  const msg: Buffer = prepared.message;
  const row2: string = writer.attach(prepared, sk.sign(msg)) + prepared.event.hash;
  const row3: string = await writer.appendWith(body, async (m: Buffer) => sk.sign(m));
  const head: Head = writer.head;
  const resumed: ChainWriter = ChainWriter.create('kernel-signer', sk.publicKey(), { head });
  const v: ChainVerifier = ChainVerifier.create(registry, { stopAtFirst: false, trackIds: true, threads: 2, expectedHead: head, maxBreaks: 100, maxRowBytes: 1 << 20 });
  v.feed(Buffer.from(row));
  v.feed(row2);
  v.feedRow(row3);
  const state: VerifierState = v.state();
  const breaks: Break[] = v.breaks();
  const report: ChainReport = v.finish();
  if (report.breaks[0]?.reason === 'hash_mismatch' || breaks.length > 0) console.log(report.head.seq, report.merkle.root);
  const counted: number = report.breakCount + (report.breakCounts.hash_mismatch ?? 0) + report.count;
  const stateType: 'trustcore.chain-verifier-state/v2' = state.type;
  const pinned: { seq: number; hash: string } | null = state.pinned_head;
  console.log(counted, stateType, pinned, state.break_counts, state.hash_alg, state.check);
  const again: ChainVerifier = ChainVerifier.resume(registry, state, { hashAlg: 'blake3' });
  const r2: ChainReport = verifyJsonl(row, registry, { checkpoint: { size: 1, root: report.merkle.root } });
  const r3: ChainReport = await verifyJsonlAsync(Buffer.from(row), registry);
  const r4: ChainReport = verifyFile('/tmp/audit.jsonl', registry, { chunkSize: 1 << 20, trackIds: false });
  // @ts-expect-error chunkSize is a number
  verifyFile('/tmp/audit.jsonl', registry, { chunkSize: '64' });
  void r4;
  const eic = verifyEventInCheckpoint(row, 0, [], 'note', [], registry, { hashAlg: 'sha256' });
  const eventType: string | undefined = eic.event?.event_type;
  const stage: 'row' | 'inclusion' | undefined = eic.stage;
  const prevHash: string = prepared.event.prev_hash;
  void eventType, stage, prevHash;
  const rep: ReplayReport = replay([row, Buffer.from(row2)], head);
  const firstRow: EventRow | undefined = rep.events[0];
  if (firstRow) v.feedRow(firstRow);
  const again2: ReplayReport = replay(rep.events);
  void again2;
  console.log(again, resumed, r2.valid, r3.rows, rep.events.length, rep.forks[0]?.prevHash, rep.malformed[0]?.reason, state.merkle.hashes);
}

export function policyUsage(): void {
  const set: PolicySet = PolicySet.fromJson('{}');
  const other: PolicySet = PolicySet.fromObject({ type: 'trustcore.policy-set/v1' });
  set.checkUpdate(other);
  const d: Decision = evaluate(set, { action: 'POST /kernel/allocate' });
  const verdict: 'allow' | 'deny' = d.decision;
  const text: string = evaluateToJson(set, '{"action":"x"}');
  const withDenial = evaluateWithDenial(set, text);
  const message: string | null = withDenial.denialMessage;
  const same: Decision = withDenial.decision;
  void message, same;
  try {
    enforceOrThrow(set, Buffer.from(text));
    enforcePolicyOrThrow(set, { action: 'POST /kernel/sign' });
  } catch (e) {
    if (e instanceof PolicyDeniedError) {
      const code: 'policy_denied' = e.code;
      console.log(code, e.decision.determinedBy[0]?.policyId, e.decision.policyChecks[0]?.rationale);
    }
  }
  const x: Explanation = explain(d.policyChecks[0], set);
  const imp: ImpactReport = impact(set, other, [{ action: 'a' }, '{"action":"b"}']);
  const bucket: number = canaryBucket('u1');
  console.log(verdict, x.summary, imp.changed, imp.changes[0]?.responsible[0]?.policyVersion, bucket);
}

export function merkleUsage(sk: SecretKey): void {
  const leaves: Buffer[] = [Buffer.alloc(32)];
  const tree: MerkleTree = MerkleTree.fromLeafData(leaves);
  const proof: Buffer[] = tree.inclusionProof(0, 1);
  const ok: boolean = verifyInclusion(leafHash(leaves[0]), 0, 1n, proof, tree.root());
  const ok2: boolean = verifyConsistency(1, 1, tree.root(), tree.rootAt(1), tree.consistencyProof(1, 1));
  const f: Frontier = new Frontier();
  f.pushData(leaves[0]);
  const cp: Checkpoint = Checkpoint.create('log', f.size, f.root());
  const note: string = cp.sign([{ name: 'log', secretKey: sk }]);
  const vkey: VerifierKey = VerifierKey.parse(VerifierKey.create('log', sk.publicKey()).toString());
  const opened: OpenedCheckpoint = openCheckpoint(note, [vkey]);
  const status: CheckpointStatus = checkAgainstCheckpoint(opened.checkpoint, Frontier.fromParts(f.size, f.hashes()));
  const sizes: number | bigint = status.chainSize;
  const root: string = opened.checkpoint.root;
  const size: number | bigint = opened.checkpoint.size;
  const againstBody: CheckpointStatus = checkAgainstCheckpoint(cp, f);
  const code: OptionsErrorCode = 'unknown_option';
  if (status.status === 'consistent') console.log(ok, ok2, opened.signers, opened.unknown[0]?.keyHash, vkey.keyHash, sizes, root, size, againstBody, code);
}
