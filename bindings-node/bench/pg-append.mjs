// Appends per second through `appendEvent` (#11): 1 and 8 concurrent Node
// writer processes (test/pg-appender.mjs), with a local key and with an
// async signer that takes 5 ms (a KMS round trip).
//
//   TRUSTCORE_PG_URL=postgres://... node bench/pg-append.mjs [EVENTS_PER_WRITER=1000]
//
// Each case appends into a fresh table of a fresh database (the core's
// migration); events/s is rows in the table over the wall time from the
// first spawn to the last exit (process start-up included: about 0.1 s).

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const tc = require('../index.js');
const pg = require('pg');

const here = path.dirname(fileURLToPath(import.meta.url));
const appender = path.join(here, '..', 'test', 'pg-appender.mjs');
const admin = process.env.TRUSTCORE_PG_URL;
if (!admin) {
  console.error('set TRUSTCORE_PG_URL (a scratch PostgreSQL server)');
  process.exit(2);
}
const perWriter = Number(process.argv[2] || 1000);
const dbName = `tc_node_bench_append_${process.pid}`;
const url = (() => {
  const u = new URL(admin);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [appender, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(err))));
  });
}

const a = new pg.Client({ connectionString: admin });
await a.connect();
await a.query(`CREATE DATABASE ${dbName}`);
await a.end();
const db = new pg.Client({ connectionString: url });
await db.connect();
try {
  const cases = [
    ['local key', 1, []],
    ['local key', 8, []],
    ['5 ms signer', 1, ['--signer-delay', '5']],
    ['5 ms signer', 8, ['--signer-delay', '5']],
  ];
  for (const [how, writers, extra] of cases) {
    const table = `bench_${writers}_${extra.length ? 'kms' : 'local'}`;
    await tc.migrate(db, { table });
    // A smaller run for the slow signer keeps the bench short.
    const n = extra.length ? Math.max(50, Math.floor(perWriter / 4)) : perWriter;
    const t0 = process.hrtime.bigint();
    const results = await Promise.all(Array.from({ length: writers }, (_, k) => run([url, table, String(n), '--tag', `w${k}`, ...extra])));
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const count = (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    if (count !== n * writers) throw new Error(`${table}: ${count} rows, expected ${n * writers}`);
    const retries = results.reduce((s, r) => s + r.attempts - r.appended, 0);
    console.log(`${how.padEnd(12)} ${String(writers).padStart(2)} writer${writers > 1 ? 's' : ' '}  ${String(count).padStart(6)} events  ${secs.toFixed(2).padStart(6)} s  ${String(Math.round(count / secs)).padStart(5)} appends/s  (${retries} retries)`);
  }
} finally {
  await db.end();
  const d = new pg.Client({ connectionString: admin });
  await d.connect();
  await d.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await d.end();
}
