// Verification speed under each built-in chain profile (#10), against
// trustcore/v1 on rows of the same size.
//
//   node bench/profiles.mjs     (BENCH_EVENTS, default 20000; BENCH_ROUNDS,
//                                default 5; BENCH_ROW_BYTES, default 720;
//                                BENCH_THREADS, default: every core)
//
// Each profile's chain is written with `ChainWriter.appendRow` in its own
// columns, the payload padded so that every row is BENCH_ROW_BYTES long
// (±2 bytes), then verified with `verifyJsonl` (bytes) BENCH_ROUNDS times;
// the best round counts. Prints events/s and the ratio to trustcore/v1.
import { createRequire } from 'node:module';
import os from 'node:os';

const require = createRequire(import.meta.url);
const t = require('../index.js');

const events = Number(process.env.BENCH_EVENTS ?? 20000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const target = Number(process.env.BENCH_ROW_BYTES ?? 720);
const threads = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;

const key = t.SecretKey.fromBytes(Buffer.alloc(32, 5));
const registry = t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 'kernel-signer', publicKey: key.publicKey().toBase64() }] }));

function body(doc, i, pad) {
  const c = doc.columns;
  const b = {
    [c.id]: `6f1c2a4e-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    [c.ts]: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString().replace('.000Z', 'Z'),
    [c.payload]: { allocation: `alloc-${i}`, amount: 1250.5 + (i % 97), division: 'research', note: 'x'.repeat(pad) },
  };
  if (c.eventType) b[c.eventType] = 'allocation.approved';
  if (c.actor) b[c.actor] = 'svc:kernel-api';
  return b;
}

/** A chain of `events` rows of about `target` bytes under `name`. */
function chain(name) {
  const doc = t.builtinProfiles()[name];
  // The padding that brings a middle row to the target length.
  const probe = t.ChainWriter.create('kernel-signer', key.publicKey(), { profile: name });
  probe.appendRow(body(doc, 1, 0), key);
  const bare = probe.appendRow(body(doc, 2, 0), key).length;
  const pad = Math.max(0, target - bare);
  const w = t.ChainWriter.create('kernel-signer', key.publicKey(), { profile: name });
  const rows = [];
  for (let i = 1; i <= events; i++) rows.push(w.appendRow(body(doc, i, pad), key));
  const text = Buffer.from(rows.join('\n') + '\n');
  return { text, rowBytes: text.length / events };
}

const names = Object.keys(t.builtinProfiles()).sort((a, b) => (a === 'trustcore/v1' ? -1 : b === 'trustcore/v1' ? 1 : a.localeCompare(b)));
const results = [];
for (const name of names) {
  const { text, rowBytes } = chain(name);
  const opts = { profile: name, ...(threads ? { threads } : {}) };
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    const report = t.verifyJsonl(text, registry, opts);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (!report.valid || report.count !== events) throw new Error(`${name}: ${JSON.stringify(report.breaks.slice(0, 2))}`);
    best = Math.min(best, s);
  }
  results.push({ name, rowBytes, rate: events / best });
}
const base = results.find((r) => r.name === 'trustcore/v1').rate;
console.log(`verifyJsonl, ${events} events, best of ${rounds}, threads ${threads ?? `all (${os.cpus().length})`}, Node ${process.version}`);
for (const r of results) {
  console.log(`${r.name.padEnd(16)} ${r.rowBytes.toFixed(0).padStart(5)} B/row  ${Math.round(r.rate).toString().padStart(7)} events/s  ${(r.rate / base).toFixed(3)}x trustcore/v1`);
}
