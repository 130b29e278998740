// Redaction with path rules from Node (#12), against npm `fast-redact` on
// the same paths and the same ~1 KB traces, while also producing the
// redaction record (salted commitments, digests of both documents).
//
//   node bench/redact.mjs       (BENCH_MS per contender, default 1500;
//                                BENCH_ROUNDS, default 3: the best counts)
//
// Contenders, each giving the redacted document as serialized text:
//   fast-redact          fastRedact({ paths })(trace): JSON.stringify of the
//                        censored object (it restores the object after)
//   redact(object)       trustcore redact of the JS object: canonical bytes
//                        + the record
//   redact(text)         the same from the trace's JSON text (a service that
//                        holds the text, as one reading a JSONL batch does)
// and, to show what limits the object path, the parts of it measured on
// their own: canonicalize(object) (the walk over the JS value through
// Node-API, which redact(object) does first), and canonicalizeText (the
// text path's parse).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const t = require('../index.js');
const fastRedact = require('fast-redact');

const ms = Number(process.env.BENCH_MS ?? 1500);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

/** A ~1 KB Reasoning Graph trace. */
function trace(i) {
  return {
    trace_id: `tr-${String(i).padStart(6, '0')}`,
    ts: '2026-03-01T12:00:00Z',
    user: { id: `u-${i}`, email: 'ann@example.com', phone: '+14155550123' },
    steps: [
      { tool: 'search', query: 'allocation history for division 4', results: [{ doc: 'doc-1', score: 0.92 }, { doc: 'doc-2', score: 0.81 }, { doc: 'doc-3', score: 0.44 }] },
      { tool: 'lookup', query: 'budget 2026 research', results: [{ doc: 'doc-9', score: 0.7 }] },
      { tool: 'answer', text: 'The approved allocations for the quarter are within the research budget. '.repeat(3) },
    ],
    auth: { token: 'eyJhbGciOiJFZERTQSJ9.payload.signature', scheme: 'bearer' },
    annotations: { reviewer: { name: 'Bo', email: 'rev@example.org' }, tags: ['ok', 'reviewed'], score: 0.875 },
  };
}

// The same paths in both syntaxes: JSON Pointer patterns for trustcore,
// fast-redact's dotted paths with [*].
const paths = [
  ['/user/email', 'user.email'],
  ['/user/phone', 'user.phone'],
  ['/steps/*/query', 'steps[*].query'],
  ['/auth/token', 'auth.token'],
  ['/annotations/reviewer/email', 'annotations.reviewer.email'],
  ['/annotations/reviewer/name', 'annotations.reviewer.name'],
];
const policy = t.loadRedactionPolicy({
  type: 'trustcore.redaction-policy/v1', id: 'bench', version: 1,
  rules: paths.map(([pointer], k) => ({ id: `r${k}`, select: { pointer }, action: 'replace', class: 'pii' })),
});
const keys = { saltKey: Buffer.alloc(32, 7) };
const fr = fastRedact({ paths: paths.map(([, p]) => p) });

const docs = Array.from({ length: 64 }, (_, i) => trace(i));
const texts = docs.map((d) => Buffer.from(JSON.stringify(d)));
const bytes = texts.reduce((n, b) => n + b.length, 0) / texts.length;

// The same fields are redacted by both.
{
  const ours = JSON.parse(t.redact(docs[0], policy, keys).document);
  const theirs = JSON.parse(fr(structuredClone(docs[0])));
  if (JSON.stringify(t.canonicalize(ours)) !== JSON.stringify(t.canonicalize(theirs))) throw new Error('the contenders do not redact the same fields');
  if (t.redact(docs[0], policy, keys).record.redactions.length !== 7) throw new Error('expected 7 redactions');
}

function bench(name, fn) {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const end = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
    const t0 = process.hrtime.bigint();
    let now;
    do {
      for (let k = 0; k < 64; k++) fn(k);
      n += 64;
      now = process.hrtime.bigint();
    } while (now < end);
    best = Math.max(best, n / (Number(now - t0) / 1e9));
  }
  return { name, rate: best };
}

let sink = 0;
const results = [
  bench('fast-redact (JSON.stringify output)', (k) => { sink += fr(docs[k]).length; }),
  bench('trustcore redact(object) + record', (k) => { sink += t.redact(docs[k], policy, keys).document.length; }),
  bench('trustcore redact(text) + record', (k) => { sink += t.redact(texts[k], policy, keys).document.length; }),
  bench('  part: canonicalize(object) (the walk)', (k) => { sink += t.canonicalize(docs[k]).length; }),
  bench('  part: canonicalizeText(text)', (k) => { sink += t.canonicalizeText(texts[k]).length; }),
];
const base = results[0].rate;
console.log(`${paths.length} path rules (7 values) on ~${bytes.toFixed(0)}-byte traces; best of ${rounds} x ${ms} ms; Node ${process.version}`);
for (const r of results) {
  console.log(`${r.name.padEnd(42)} ${Math.round(r.rate).toString().padStart(8)} docs/s  ${(1e6 / r.rate).toFixed(2).padStart(6)} µs  ${(r.rate / base).toFixed(2)}x fast-redact`);
}
if (sink === 0) console.log('');
