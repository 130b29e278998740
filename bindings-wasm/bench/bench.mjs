// Throughput of trustcore-wasm's canonicalizeText in Node (the pkg-node build)
// on the shared corpus benches/corpus/events.jsonl (≈700-byte audit events,
// one per line), made by `python3 benches/gen_corpus.py` (run here when
// missing; TRUSTCORE_CORPUS_DIR points at another folder).
//
// Measures two inputs per event, UTF-8 bytes (Uint8Array) and JS strings,
// in the full module (pkg-node) and the verify module (pkg-verify, the
// app's), against npm `canonicalize` with `JSON.parse` (#13's peer).
// BENCH_SECONDS sets the time per measurement (default 3), split into
// BENCH_ROUNDS rounds (default 5) of which the best is kept.
//
//   node bench/bench.mjs        (after ./build.sh)
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoDir = join(here, '..', '..');
const require = createRequire(import.meta.url);
const wasm = require('../pkg-node/trustcore_wasm.js');
const verify = await import('../pkg-verify/trustcore_wasm.js');
verify.initSync({ module: readFileSync(join(here, '..', 'pkg-verify', 'trustcore_wasm_bg.wasm')) });
const npm = await import('canonicalize');
const canonicalize = npm.default ?? npm;

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

const lines = readFileSync(eventsFile, 'utf8').split('\n').filter((l) => l.length > 0);
const encoder = new TextEncoder();
const asBytes = lines.map((l) => encoder.encode(l));
const totalBytes = asBytes.reduce((n, b) => n + b.length, 0);

/** Ops/s of calling `op(i)` over the events in order, best of `rounds`. */
function measure(op) {
  for (let i = 0; i < Math.min(lines.length, 200); i++) op(i); // warm up
  let best = 0;
  const perRound = (seconds * 1000) / rounds;
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    let i = 0;
    const start = performance.now();
    let now = start;
    while (now - start < perRound) {
      for (let k = 0; k < 100; k++) {
        op(i);
        i = i + 1 === lines.length ? 0 : i + 1;
      }
      ops += 100;
      now = performance.now();
    }
    best = Math.max(best, (ops * 1000) / (now - start));
  }
  return best;
}

const avgBytes = totalBytes / lines.length;
for (let i = 0; i < Math.min(lines.length, 256); i++) {
  const want = canonicalize(JSON.parse(lines[i]));
  for (const m of [wasm, verify]) {
    if (new TextDecoder().decode(m.canonicalizeText(lines[i])) !== want) throw new Error(`event ${i}: canonical forms differ`);
  }
}
const rows = [
  ['npm canonicalize(JSON.parse(string))', (i) => canonicalize(JSON.parse(lines[i]))],
  ['full: canonicalizeText(Uint8Array)', (i) => wasm.canonicalizeText(asBytes[i])],
  ['full: canonicalizeText(string)', (i) => wasm.canonicalizeText(lines[i])],
  ['verify: canonicalizeText(Uint8Array)', (i) => verify.canonicalizeText(asBytes[i])],
  ['verify: canonicalizeText(string)', (i) => verify.canonicalizeText(lines[i])],
];

console.log(`trustcore-wasm ${wasm.version()}, Node ${process.version}`);
console.log(`corpus: ${eventsFile} (${lines.length} events, ${avgBytes.toFixed(0)} bytes average)`);
console.log('');
console.log('| input | ops/s | MB/s | vs npm |');
console.log('|---|---:|---:|---:|');
let peer = 0;
for (const [name, op] of rows) {
  const opsPerSec = measure(op);
  peer ||= opsPerSec;
  const mbPerSec = (opsPerSec * avgBytes) / 1e6;
  console.log(`| ${name} | ${Math.round(opsPerSec).toLocaleString('en-US')} | ${mbPerSec.toFixed(1)} | ${(opsPerSec / peer).toFixed(2)}× |`);
}
