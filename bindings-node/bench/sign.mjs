// Ed25519 signing and verification throughput: trustcore (this addon)
// against Node's own crypto (OpenSSL, `crypto.sign(null, …)` with a
// KeyObject) and @noble/ed25519 (pure JS, sync API with SHA-512 from
// node:crypto), on ~64-byte and ~700-byte messages, plus trustcore's signed
// envelopes around a ~700-byte audit event.
//
//   npm run bench:sign          (BENCH_SECONDS per row, default 2;
//                                BENCH_ROUNDS interleaved rounds, default 5)
//
// Prints a markdown table. Every contender's signature is checked against
// the others before anything is timed (Ed25519 is deterministic).
// Note: @noble/ed25519 verifies with ZIP-215 rules by default, a looser rule
// than trustcore / OpenSSL / Go on crafted edge cases (docs/); the timing
// comparison is about speed only.
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ed from '@noble/ed25519';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const trustcore = require('../index.js');

ed.hashes.sha512 = (m) => new Uint8Array(crypto.createHash('sha512').update(m).digest());

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));

/** Runs `fn` (one op) repeatedly for about `seconds`; returns ops/s. */
function measure(fn, seconds) {
  const warmEnd = performance.now() + 100;
  let batch = 1;
  while (performance.now() < warmEnd) {
    for (let i = 0; i < batch; i++) fn();
    batch = Math.min(batch * 2, 1 << 12);
  }
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = performance.now();
    if (now - start < 50 && batch < 1 << 12) batch *= 2;
  }
  return (ops * 1000) / (now - start);
}

/** Deterministic bytes of length n. */
function bytes(n, label) {
  const out = Buffer.alloc(n);
  let block = Buffer.from(label);
  for (let i = 0; i < n; i += 64) {
    block = crypto.createHash('sha512').update(block).digest();
    block.copy(out, i);
  }
  return out;
}

// A real audit event from the shared corpus when it is there.
const eventsFile = join(here, '..', '..', 'benches', 'corpus', 'events.jsonl');
const eventText = existsSync(eventsFile)
  ? readFileSync(eventsFile, 'utf8').split('\n').find((l) => l.length > 0)
  : JSON.stringify({ id: '7f1c', actor: 'kernel', action: 'upgrade.applied', detail: bytes(300, 'event').toString('hex') });
const event = trustcore.canonicalizeText(eventText);

const seed = bytes(32, 'bench seed');
const sk = trustcore.SecretKey.fromSeed(seed);
const pk = sk.publicKey();
const pkBytes = pk.toBytes();
const keyObject = crypto.createPrivateKey(sk.exportPem());
const pubObject = crypto.createPublicKey(pk.toPem());
const noblePk = ed.getPublicKey(new Uint8Array(seed));
if (!Buffer.from(noblePk).equals(pkBytes)) throw new Error('noble derived another public key');

const messages = [
  ['64 B', bytes(64, 'short message')],
  [`${event.length} B`, event],
];

const rows = [];
function run(operation, size, contenders) {
  const best = contenders.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    contenders.forEach(([, fn], i) => {
      best[i] = Math.max(best[i], measure(fn, seconds / rounds));
    });
  }
  const baseline = best[contenders.findIndex(([label]) => label.startsWith('node:crypto'))] ?? best[0];
  contenders.forEach(([label], i) => {
    rows.push({ operation, size, label, opsPerSec: best[i], ratio: best[i] / baseline });
  });
}

for (const [size, msg] of messages) {
  const sig = trustcore.sign(sk, msg);
  // Sanity: the same signature from every signer, valid for every verifier.
  if (!sig.equals(crypto.sign(null, msg, keyObject))) throw new Error('node:crypto signature differs');
  if (!sig.equals(Buffer.from(ed.sign(msg, new Uint8Array(seed))))) throw new Error('noble signature differs');
  if (!trustcore.verify(pkBytes, msg, sig) || !crypto.verify(null, msg, pubObject, sig) || !ed.verify(sig, msg, noblePk)) {
    throw new Error('a verifier refused a valid signature');
  }
  const nobleSeed = new Uint8Array(seed);
  run('sign', size, [
    ['trustcore sign(secretKey, msg)', () => trustcore.sign(sk, msg)],
    ['node:crypto crypto.sign(null, msg, keyObject)', () => crypto.sign(null, msg, keyObject)],
    ['@noble/ed25519 sign(msg, seed)', () => ed.sign(msg, nobleSeed)],
  ]);
  run('verify', size, [
    ['trustcore verify(pk, msg, sig)', () => trustcore.verify(pkBytes, msg, sig)],
    ['node:crypto crypto.verify(null, msg, keyObject, sig)', () => crypto.verify(null, msg, pubObject, sig)],
    ['@noble/ed25519 verify(sig, msg, pk)', () => ed.verify(sig, msg, noblePk)],
  ]);
}

// Envelopes: canonicalize the payload, build the typed signing input, sign;
// and check every signature through the registry.
const registry = trustcore.SignerRegistry.fromJson(JSON.stringify({
  signers: [{ signerId: 'kernel-signer', publicKey: pk.toBase64() }],
}));
const signed = trustcore.Envelope.fromText('audit.event', eventText);
signed.sign(sk, 'kernel-signer');
const signedJson = signed.toJson();
const at = '2026-03-01T00:00:00Z';
if (!registry.verifyEnvelope(trustcore.Envelope.fromJson(signedJson), at).valid) throw new Error('envelope does not verify');
run('envelope', `${event.length} B event`, [
  ['trustcore Envelope.fromText + sign', () => trustcore.Envelope.fromText('audit.event', eventText).sign(sk, 'kernel-signer')],
  ['trustcore Envelope.fromJson + verifyEnvelope', () => registry.verifyEnvelope(trustcore.Envelope.fromJson(signedJson), at)],
]);

const fmt = (x, digits) => x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(
  `trustcore ${trustcore.VERSION}, Node ${process.version} (OpenSSL ${process.versions.openssl}), ` +
    `@noble/ed25519 ${require('@noble/ed25519/package.json').version}, best of ${rounds} rounds, ${seconds}s per row`,
);
console.log('');
console.log('| operation | message | implementation | ops/s | vs node:crypto |');
console.log('|---|---|---|---:|---:|');
for (const r of rows) {
  const ratio = r.operation === 'envelope' ? '' : `${fmt(r.ratio, 2)}×`;
  console.log(`| ${r.operation} | ${r.size} | ${r.label} | ${fmt(r.opsPerSec, 0)} | ${ratio} |`);
}
