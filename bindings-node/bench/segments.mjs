// verifyFileParallel (worker_threads, one byte range each, stitched on the
// main thread) against verifyFile on the same export (#14).
//
//   node bench/segments.mjs    (BENCH_EVENTS, default 100000; BENCH_ROUNDS,
//                               default 3; the file is cached under
//                               /tmp/trustcore-bench/)
//
// Prints events/s of: verifyFile with every core and with threads: 1;
// verifyFileParallel with 1 and 2 workers (threads: 1 each) and with 2
// workers on every core; the speed-up of 2 workers over 1, and the reports
// are checked to be equal. Best of BENCH_ROUNDS.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, openSync, writeSync, closeSync, renameSync, statSync } from 'node:fs';
import os from 'node:os';

const require = createRequire(import.meta.url);
const t = require('../index.js');
const events = Number(process.env.BENCH_EVENTS ?? 100000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const key = t.SecretKey.fromBytes(Buffer.alloc(32, 5));
const registry = t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 'kernel-signer', publicKey: key.publicKey().toBase64() }] }));
mkdirSync('/tmp/trustcore-bench', { recursive: true });
const file = `/tmp/trustcore-bench/segments-${events}.jsonl`;
if (!existsSync(file)) {
  const tmp = `${file}.${process.pid}`;
  const fd = openSync(tmp, 'w');
  const w = t.ChainWriter.create('kernel-signer', key.publicKey());
  let buf = [];
  for (let i = 1; i <= events; i++) {
    buf.push(w.append({ id: `6f1c2a4e-0000-4000-8000-${i.toString(16).padStart(12, '0')}`, ts: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(), eventType: 'allocation.approved', actor: 'svc:kernel-api', payload: { allocation: `alloc-${i}`, amount: 1250.5 + (i % 97), division: 'research', note: 'x'.repeat(380) } }, key));
    if (buf.length === 5000) { writeSync(fd, buf.join('\n') + '\n'); buf = []; }
  }
  if (buf.length) writeSync(fd, buf.join('\n') + '\n');
  closeSync(fd);
  renameSync(tmp, file);
}
const size = statSync(file).size;

async function best(run) {
  let s = Infinity;
  let report;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    report = await run();
    s = Math.min(s, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { rate: events / s, report };
}

const rows = [
  ['verifyFile, every core', () => t.verifyFile(file, registry)],
  ['verifyFile, threads 1', () => t.verifyFile(file, registry, { threads: 1 })],
  ['verifyFileParallel, 1 worker, threads 1', () => t.verifyFileParallel(file, registry, { workers: 1, threads: 1 })],
  ['verifyFileParallel, 2 workers, threads 1', () => t.verifyFileParallel(file, registry, { workers: 2, threads: 1 })],
  ['verifyFileParallel, 2 workers, every core', () => t.verifyFileParallel(file, registry, { workers: 2 })],
];
console.log(`${events} events, ${(size / events).toFixed(0)} B/row, ${(size / 1e6).toFixed(1)} MB; best of ${rounds}; ${os.cpus().length} cores, Node ${process.version}`);
const out = {};
let ref;
for (const [name, run] of rows) {
  const { rate, report } = await best(run);
  if (!report.valid || report.count !== events) throw new Error(`${name}: ${JSON.stringify(report.breaks.slice(0, 2))}`);
  ref ??= JSON.stringify(report);
  if (JSON.stringify(report) !== ref) throw new Error(`${name}: the report differs from verifyFile's`);
  out[name] = rate;
  console.log(`${name.padEnd(44)} ${Math.round(rate).toString().padStart(7)} events/s`);
}
console.log(`2 workers / 1 worker (threads 1 each): ${(out['verifyFileParallel, 2 workers, threads 1'] / out['verifyFileParallel, 1 worker, threads 1']).toFixed(2)}x; 2 workers / verifyFile every core: ${(out['verifyFileParallel, 2 workers, every core'] / out['verifyFile, every core']).toFixed(2)}x`);
