// `npx trustcore audit-verify` over a large table in PostgreSQL and over the
// same rows as .jsonl and .jsonl.gz, against the Rust binary (#11).
//
//   TRUSTCORE_PG_URL=postgres://... node bench/pg-verify.mjs [ROWS=1000000]
//
// Builds a trustcore/v1 chain of ROWS events with the writer (one key),
// loads it into a fresh database (the core's migration; rows inserted in
// batches through json_populate_recordset), exports it as the verifier reads
// it, then runs each front end once per input under /usr/bin/time -v and
// prints events/s and peak RSS. The database and files are removed at the
// end (KEEP=1 keeps them).

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const tc = require('../index.js');
const pg = require('pg');

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'trustcore.js');
const rustBin = process.env.TRUSTCORE_RUST_CLI || path.join(here, '..', '..', 'target', 'release', 'trustcore');
const admin = process.env.TRUSTCORE_PG_URL;
if (!admin) {
  console.error('set TRUSTCORE_PG_URL (a scratch PostgreSQL server)');
  process.exit(2);
}
const rows = Number(process.argv[2] || 1_000_000);
const dbName = `tc_node_bench_${process.pid}`;
const url = (() => {
  const u = new URL(admin);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-node-bench-'));
const key = tc.SecretKey.fromSeed(Buffer.alloc(32, 4));
const signers = path.join(dir, 'signers.json');
fs.writeFileSync(signers, JSON.stringify({ signers: [{ signerId: 'kernel-signer', publicKey: key.publicKey().toBase64() }] }));

function timed(file, args) {
  const r = spawnSync('/usr/bin/time', ['-v', file, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] || 0);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(r.stderr)?.[1] || '0';
  const secs = wall.split(':').reduce((a, x) => a * 60 + Number(x), 0);
  let count = null;
  try {
    count = JSON.parse(r.stdout).count;
  } catch {
    // not JSON
  }
  return { code: r.status, secs, rssMb: rss / 1024, count, stderr: r.stderr.split('\n').slice(0, 2).join(' ') };
}

const c = new pg.Client({ connectionString: admin });
await c.connect();
await c.query(`CREATE DATABASE ${dbName}`);
await c.end();
const db = new pg.Client({ connectionString: url });
await db.connect();
try {
  await tc.migrate(db, {});
  let t0 = Date.now();
  const w = tc.ChainWriter.create('kernel-signer', key.publicKey());
  const batch = [];
  const flush = async () => {
    await db.query('INSERT INTO audit_events SELECT * FROM json_populate_recordset(null::audit_events, $1::json)', [`[${batch.join(',')}]`]);
    batch.length = 0;
  };
  for (let i = 1; i <= rows; i++) {
    const s = String(i).padStart(12, '0');
    const ms = i * 3;
    batch.push(
      w.append(
        {
          id: `6f1c2a4e-0000-4000-8000-${s}`,
          // As a timestamptz gives it back (AppendPlan's body_ts): no trailing fraction zeros.
          ts: new Date(Date.UTC(2026, 2, 1) + ms).toISOString().replace(/\.?0+Z$/, 'Z'),
          eventType: 'manifest.signed',
          actor: 'svc:kernel-api',
          payload: { n: i, amount: 12.5, note: 'café', tags: ['a', 'b'], ok: true },
        },
        key,
      ),
    );
    if (batch.length === 10_000) await flush();
  }
  if (batch.length) await flush();
  await db.query('VACUUM ANALYZE audit_events');
  console.log(`loaded ${rows} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  t0 = Date.now();
  // The export as the verifier reads the table.
  const t = tc.sqlTable('audit_events');
  const cols = (await db.query({ text: t.columnsQuery, values: t.columnsParams, rowMode: 'array' })).rows;
  const plan = tc.selectPlan('trustcore/v1', 'audit_events', cols);
  const Cursor = require('pg-cursor');
  const plain = path.join(dir, 'export.jsonl');
  const out = fs.openSync(plain, 'w');
  const cursor = db.query(new Cursor(plan.sql, ['0'], { rowMode: 'array' }));
  for (;;) {
    const b = await cursor.read(plan.fetchRows);
    if (b.length === 0) break;
    fs.writeSync(out, b.map((r) => `${r[0]}\n`).join(''));
  }
  await cursor.close();
  fs.closeSync(out);
  const gz = `${plain}.gz`;
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(plain), { level: 6 }));
  console.log(`exported in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${(fs.statSync(plain).size / 1e6).toFixed(0)} MB plain, ${(fs.statSync(gz).size / 1e6).toFixed(0)} MB gzip`);

  const inputs = [
    ['postgres', ['--database-url', url]],
    ['jsonl', [plain]],
    ['jsonl.gz', [gz]],
  ];
  // The bin as npx runs it: through its shebang (node with its V8 flags).
  const fronts = [['node (npx trustcore)', bin, []]];
  if (fs.existsSync(rustBin)) fronts.push(['rust (trustcore)', rustBin, []]);
  else console.log(`(no ${rustBin}: cargo build --release -p trustcore-cli for the Rust row)`);
  const results = {};
  for (const [name, file, pre] of fronts) {
    for (const [input, args] of inputs) {
      const r = timed(file, [...pre, 'audit-verify', ...args, '--signers', signers, '--json']);
      if (r.code !== 0 || r.count !== rows) throw new Error(`${name} ${input}: exit ${r.code}, count ${r.count}: ${r.stderr}`);
      const rate = rows / r.secs;
      results[`${name} ${input}`] = rate;
      console.log(`${name.padEnd(22)} ${input.padEnd(9)} ${String(Math.round(rate)).padStart(7)} events/s  ${r.secs.toFixed(2).padStart(6)} s  peak RSS ${r.rssMb.toFixed(0)} MB`);
    }
  }
  const n = (k) => results[`node (npx trustcore) ${k}`];
  console.log(`node: jsonl.gz at ${((100 * n('jsonl.gz')) / n('jsonl')).toFixed(0)} % of plain jsonl`);
  if (results['rust (trustcore) postgres']) {
    for (const input of ['postgres', 'jsonl', 'jsonl.gz']) {
      console.log(`node / rust ${input}: ${(n(input) / results[`rust (trustcore) ${input}`]).toFixed(2)}`);
    }
  }
} finally {
  await db.end();
  if (!process.env.KEEP) {
    const d = new pg.Client({ connectionString: admin });
    await d.connect();
    await d.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await d.end();
    fs.rmSync(dir, { recursive: true, force: true });
  } else {
    console.log(`kept ${url} and ${dir}`);
  }
}
