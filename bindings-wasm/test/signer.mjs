// Test signers: deterministic Ed25519 keys (a 32-byte seed) in Node's
// crypto, which plays the remote signer (KMS, signing proxy) for the full
// module's writers: the module prepares the exact bytes, Node signs them,
// and the module verifies the answer before it attaches it. The WASM module
// itself holds no secret key.
import crypto from 'node:crypto';

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A signer from a seed byte (or 32 bytes). */
export function signer(seed) {
  const bytes = typeof seed === 'number' ? Buffer.alloc(32, seed) : Buffer.from(seed);
  const privateKey = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, bytes]), format: 'der', type: 'pkcs8' });
  const spki = crypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const raw = new Uint8Array(spki.subarray(spki.length - 32));
  return {
    publicKeyRaw: raw,
    publicKeyBase64: Buffer.from(raw).toString('base64'),
    /** Pure Ed25519 over `message` (for `ed25519ph` the module hands over the SHA-512 prehash, which a KMS digest mode signs the same way). */
    sign: (message) => new Uint8Array(crypto.sign(null, message, privateKey)),
  };
}

/** A signers file (JSON text) for `{signerId: signer}` with optional extra fields per signer. */
export function signersFile(entries) {
  return JSON.stringify({
    signers: Object.entries(entries).map(([signerId, { key, ...rest }]) => ({ signerId, publicKey: key.publicKeyBase64, ...rest })),
  });
}

/**
 * Writes `count` rows with the full module's ChainWriter (remote signing
 * through `key.sign`) and returns the JSONL lines. `body(i)` gives row i's
 * body (trustcore terms, 1-based i).
 */
export function writeChain(api, { signerId, key, count, body, options }) {
  const writer = api.ChainWriter.create(signerId, api.PublicKey.fromBytes(key.publicKeyRaw), options ?? null);
  const lines = [];
  for (let i = 1; i <= count; i += 1) {
    const prepared = writer.prepare(body(i));
    lines.push(writer.attachLine(prepared, key.sign(prepared.message)));
    prepared.free();
  }
  writer.free();
  return lines;
}

/** A body like the audit events of benches/corpus (a ~500-byte payload). */
export function eventBody(i, { ts } = {}) {
  const sec = 1_700_000_000 + i;
  const when = ts ?? new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
  return {
    id: `6f1c2a4e-${String(Math.floor(i / 1e8)).padStart(4, '0')}-4000-8000-${String(i % 1e12).padStart(12, '0')}`,
    ts: when,
    eventType: ['manifest.signed', 'allocation.approved', 'policy.checked', 'snapshot.published'][i % 4],
    actor: `svc:kernel-${i % 7}`,
    payload: {
      n: i,
      amount: (i * 37) % 10000 / 4,
      division: ['ops', 'research', 'finance'][i % 3],
      note: `caf\u00e9 \u2705 event ${i}`,
      items: Array.from({ length: 4 }, (_, k) => ({ sku: `SKU-${(i + k) % 997}`, qty: (i + k) % 13, price: ((i * k) % 1000) / 8 })),
      tags: ['audit', `t${i % 11}`, `region-${i % 5}`],
      meta: { source: 'kernel-api', trace: `tr-${i.toString(16).padStart(8, '0')}`, retries: i % 3, ok: i % 17 !== 0 },
    },
  };
}
