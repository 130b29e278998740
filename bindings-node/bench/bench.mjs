// Throughput of trustcore's canonicalization against the npm `canonicalize`
// package (RFC 8785, JSON.parse + canonicalize), on the shared corpus:
//   benches/corpus/events.jsonl  ≈700-byte audit events, one per line
//   benches/corpus/large.json    one document of ≥1 MB
// The corpus is made by `python3 benches/gen_corpus.py` (run here when
// missing). TRUSTCORE_CORPUS_DIR points at another folder; BENCH_SECONDS sets
// the time per contender and corpus (default 3), split into BENCH_ROUNDS
// interleaved rounds (default 5) of which the best is kept, so a busy machine
// disturbs the ratios less.
//
// Prints a markdown table: ops/s, MB/s of input, and the speed relative to
// npm canonicalize on the same corpus file.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, '..');
const repoDir = join(pkgDir, '..');
const require = createRequire(import.meta.url);
const trustcore = require('../index.js');
const npmCanonicalize = require('canonicalize');

const corpusDir = process.env.TRUSTCORE_CORPUS_DIR ?? join(repoDir, 'benches', 'corpus');
const eventsFile = join(corpusDir, 'events.jsonl');
const largeFile = join(corpusDir, 'large.json');

if (!existsSync(eventsFile) || !existsSync(largeFile)) {
  const script = join(repoDir, 'benches', 'gen_corpus.py');
  if (process.env.TRUSTCORE_CORPUS_DIR === undefined && existsSync(script)) {
    console.error('corpus missing; running python3 ../benches/gen_corpus.py');
    execFileSync('python3', ['../benches/gen_corpus.py'], { cwd: pkgDir, stdio: 'inherit' });
  }
  if (!existsSync(eventsFile) || !existsSync(largeFile)) {
    console.error(`corpus missing: need ${eventsFile} and ${largeFile} (python3 benches/gen_corpus.py)`);
    process.exit(1);
  }
}

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));

/** Runs `fn` (one op) repeatedly for about `seconds`; returns ops/s. */
function measure(fn, seconds) {
  // Warm up (JIT, caches), then time whole batches.
  const warmEnd = performance.now() + 100;
  let batch = 1;
  while (performance.now() < warmEnd) {
    for (let i = 0; i < batch; i++) fn();
    batch = Math.min(batch * 2, 1 << 16);
  }
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = performance.now();
    if (now - start < 50 && batch < 1 << 16) batch *= 2;
  }
  return (ops * 1000) / (now - start);
}

function corpus(name, file) {
  const text = readFileSync(file, 'utf8');
  if (name === 'events.jsonl') {
    const strings = text.split('\n').filter((l) => l.length > 0);
    return { name, strings };
  }
  return { name, strings: [text] };
}

const sets = [corpus('events.jsonl', eventsFile), corpus('large.json', largeFile)];

const rows = [];
for (const set of sets) {
  const strings = set.strings;
  const buffers = strings.map((s) => Buffer.from(s, 'utf8'));
  const bytesPerOp = buffers.reduce((a, b) => a + b.length, 0) / buffers.length;
  const n = strings.length;

  // Sanity: every contender gives the same bytes before anything is timed.
  for (let i = 0; i < n; i++) {
    const want = trustcore.canonicalizeText(buffers[i]);
    const got = [
      trustcore.canonicalizeText(strings[i]),
      trustcore.canonicalize(JSON.parse(strings[i])),
      Buffer.from(npmCanonicalize(JSON.parse(strings[i])), 'utf8'),
    ];
    for (const g of got) {
      if (!want.equals(g)) throw new Error(`contenders disagree on ${set.name} item ${i}`);
    }
  }

  let k = 0;
  const next = () => (k = k + 1 === n ? 0 : k + 1);
  const contenders = [
    ['trustcore canonicalizeText(Buffer)', () => trustcore.canonicalizeText(buffers[next()])],
    ['trustcore canonicalizeText(string)', () => trustcore.canonicalizeText(strings[next()])],
    ['trustcore canonicalize(JSON.parse(s))', () => trustcore.canonicalize(JSON.parse(strings[next()]))],
    ['npm canonicalize(JSON.parse(s))', () => npmCanonicalize(JSON.parse(strings[next()]))],
  ];
  const best = contenders.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    contenders.forEach(([, fn], i) => {
      best[i] = Math.max(best[i], measure(fn, seconds / rounds));
    });
  }
  const results = contenders.map(([label], i) => [label, best[i]]);
  const baseline = results[results.length - 1][1];
  for (const [label, opsPerSec] of results) {
    rows.push({
      corpus: `${set.name} (${Math.round(bytesPerOp).toLocaleString('en')} B/op)`,
      label,
      opsPerSec,
      mbPerSec: (opsPerSec * bytesPerOp) / 1e6,
      ratio: opsPerSec / baseline,
    });
  }
}

const fmt = (x, digits) => x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(
  `trustcore ${trustcore.VERSION}, Node ${process.version}, best of ${rounds} rounds, ${seconds}s per row`,
);
console.log('');
console.log('| corpus | implementation | ops/s | MB/s | vs npm canonicalize |');
console.log('|---|---|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.corpus} | ${r.label} | ${fmt(r.opsPerSec, 0)} | ${fmt(r.mbPerSec, 1)} | ${fmt(r.ratio, 2)}× |`);
}
