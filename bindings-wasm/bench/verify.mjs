// Ed25519 verification throughput of trustcore-wasm in Node (the pkg-node
// build): raw `verify` on 64-byte and ≈700-byte messages, and envelope
// verification through the signer registry (parsed once, and parsed from
// text on every call as the control panel does). Node's own `crypto.verify`
// (OpenSSL) on the same inputs is printed for scale.
//
// The WASM module has no secret keys, so the signatures are made here with
// Node's `crypto.sign` (pure Ed25519, same bytes) and attached to the
// envelope with `Envelope.attach`, which verifies them first.
//
// ≈700-byte messages are the audit events of benches/corpus/events.jsonl
// (`python3 benches/gen_corpus.py`, run here when missing). BENCH_SECONDS
// sets the time per measurement (default 3), split into BENCH_ROUNDS rounds
// (default 5) of which the best is kept.
//
//   node bench/verify.mjs        (after ./build.sh)
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoDir = join(here, '..', '..');
const require = createRequire(import.meta.url);
const wasm = require('../pkg-node/trustcore_wasm.js');

const corpusDir = process.env.TRUSTCORE_CORPUS_DIR ?? join(repoDir, 'benches', 'corpus');
const eventsFile = join(corpusDir, 'events.jsonl');
if (!existsSync(eventsFile)) {
  const script = join(repoDir, 'benches', 'gen_corpus.py');
  if (process.env.TRUSTCORE_CORPUS_DIR === undefined && existsSync(script)) {
    console.error('corpus missing; running python3 benches/gen_corpus.py');
    execFileSync('python3', [script], { cwd: repoDir, stdio: 'inherit' });
  }
  if (!existsSync(eventsFile)) {
    console.error(`corpus missing: need ${eventsFile} (python3 benches/gen_corpus.py)`);
    process.exit(1);
  }
}

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const N = 256; // distinct inputs per measurement, cycled

// A deterministic key (seed = 32 bytes of 0x2a) in Node's KeyObject form.
const seed = Buffer.alloc(32, 0x2a);
const privateKey = crypto.createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
  format: 'der',
  type: 'pkcs8',
});
const publicKeyObject = crypto.createPublicKey(privateKey);
const publicKeyRaw = new Uint8Array(publicKeyObject.export({ format: 'der', type: 'spki' }).subarray(12));
const sign = (message) => new Uint8Array(crypto.sign(null, message, privateKey));

const lines = readFileSync(eventsFile, 'utf8').split('\n').filter((l) => l.length > 0).slice(0, N);
const encoder = new TextEncoder();
const small = Array.from({ length: N }, (_, i) => new Uint8Array(crypto.createHash('sha512').update(`m${i}`).digest()));
const large = lines.map((l) => encoder.encode(l));
const smallSigs = small.map(sign);
const largeSigs = large.map(sign);

// Envelopes around the events, signed as "bench-signer", and the registry.
const at = '2026-06-01T00:00:00Z';
const registry = wasm.SignerRegistry.fromJson(JSON.stringify({
  signers: [{ signerId: 'bench-signer', publicKey: Buffer.from(publicKeyRaw).toString('base64'), validFrom: '2026-01-01T00:00:00Z' }],
}));
const key = registry.keyFor('bench-signer', at);
const envelopes = lines.map((line) => {
  const env = wasm.Envelope.fromText('audit.event', line);
  env.attach('bench-signer', sign(env.prepare('bench-signer').message), key);
  return env;
});
const envelopeTexts = envelopes.map((e) => e.toJson());
for (const e of envelopes) {
  if (!registry.verifyEnvelope(e, at).valid) throw new Error('bench envelope does not verify');
}

/** Ops/s of calling `op(i)` over the inputs in order, best of `rounds`. */
function measure(op) {
  for (let i = 0; i < N; i++) op(i); // warm up
  let best = 0;
  const perRound = (seconds * 1000) / rounds;
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    let i = 0;
    const start = performance.now();
    let now = start;
    while (now - start < perRound) {
      for (let k = 0; k < 50; k++) {
        op(i);
        i = i + 1 === N ? 0 : i + 1;
      }
      ops += 50;
      now = performance.now();
    }
    best = Math.max(best, (ops * 1000) / (now - start));
  }
  return best;
}

function check(result) {
  if (result !== true) throw new Error('a benchmark verification failed');
}

const avg = (arr) => arr.reduce((n, b) => n + b.length, 0) / arr.length;
const rows = [
  [`wasm verify, 64-byte message`, (i) => check(wasm.verify(publicKeyRaw, small[i], smallSigs[i]))],
  [`wasm verify, ${avg(large).toFixed(0)}-byte message`, (i) => check(wasm.verify(publicKeyRaw, large[i], largeSigs[i]))],
  ['wasm registry.verifyEnvelope(envelope, at)', (i) => check(registry.verifyEnvelope(envelopes[i], at).valid)],
  [`wasm Envelope.fromJson(${avg(envelopeTexts).toFixed(0)} chars) + verifyEnvelope`, (i) => {
    const env = wasm.Envelope.fromJson(envelopeTexts[i]);
    check(registry.verifyEnvelope(env, at).valid);
    env.free();
  }],
  ['node:crypto verify (OpenSSL), 64-byte message', (i) => check(crypto.verify(null, small[i], publicKeyObject, smallSigs[i]))],
  [`node:crypto verify (OpenSSL), ${avg(large).toFixed(0)}-byte message`, (i) => check(crypto.verify(null, large[i], publicKeyObject, largeSigs[i]))],
];

console.log(`trustcore-wasm ${wasm.version()}, Node ${process.version}, ${seconds}s per row (best of ${rounds})`);
console.log('');
console.log('| operation | verifications/s | µs each |');
console.log('|---|---:|---:|');
for (const [name, op] of rows) {
  const perSec = measure(op);
  console.log(`| ${name} | ${Math.round(perSec).toLocaleString('en-US')} | ${(1e6 / perSec).toFixed(1)} |`);
}
