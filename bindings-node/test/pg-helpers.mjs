// Helpers of the PostgreSQL and CLI tests (#11): a scratch database per test
// on the server of TRUSTCORE_PG_URL, the two front ends run as processes
// (`bin/trustcore.js` and the Rust binary), and a JSONL export of a table
// read with the core's select plan. Not a test itself.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const tc = require('../index.js');
export const pg = require('pg');

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..');
export const repo = path.resolve(root, '..');
export const bin = path.join(root, 'bin', 'trustcore.js');
export const appender = path.join(here, 'pg-appender.mjs');
/** The Rust front end (`cargo build -p trustcore-cli`; ci.sh builds it). */
export const rustBin = process.env.TRUSTCORE_RUST_CLI || path.join(repo, 'target', 'debug', 'trustcore');

/** The key every test writer signs with (the appender's default). */
export const key = tc.SecretKey.fromSeed(Buffer.alloc(32, 4));
export const SIGNER = 'kernel-signer';

/**
 * `{url}` of the server, `{skip}` when TRUSTCORE_SKIP_PG=1 says to skip, or
 * an error saying how to set it.
 */
export function pgTarget() {
  const url = process.env.TRUSTCORE_PG_URL;
  if (url) return { url };
  if (process.env.TRUSTCORE_SKIP_PG === '1') return { skip: 'SKIPPED: TRUSTCORE_SKIP_PG=1 (no PostgreSQL)' };
  throw new Error('TRUSTCORE_PG_URL is not set: give the URL of a scratch PostgreSQL server (.ci/pg.sh starts one), or TRUSTCORE_SKIP_PG=1 to skip');
}

export function urlOf(admin, db) {
  const u = new URL(admin);
  u.pathname = `/${db}`;
  return u.toString();
}

/** A fresh database with a unique name; returns its URL and a function dropping it. */
export async function scratchDb(admin, label) {
  const name = `tc_node_${label}_${process.pid}_${Date.now() % 1e6}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const url = urlOf(admin, name);
  const drop = async () => {
    const d = new pg.Client({ connectionString: admin });
    await d.connect();
    try {
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await d.end();
    }
  };
  return { url, name, drop };
}

export async function connect(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

export function tmpdir(label) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tc-node-${label}-`));
}

/** The signers file of `key` (and `extra` entries). */
export function signersFile(dir, extra = []) {
  const p = path.join(dir, 'signers.json');
  fs.writeFileSync(
    p,
    JSON.stringify({ signers: [{ signerId: SIGNER, publicKey: key.publicKey().toBase64() }, ...extra] }),
  );
  return p;
}

/** Runs a program; resolves to `{code, signal, stdout, stderr}`. */
export function runProcess(file, args, { input, env, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: env || process.env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
    child.stdin.on('error', () => {});
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** `npx trustcore ...` as the package runs it: `bin/trustcore.js` through its shebang. */
export function runNode(args, opts) {
  return runProcess(bin, args, opts);
}

/** The Rust binary with the same arguments. */
export function runRust(args, opts) {
  if (!fs.existsSync(rustBin)) {
    throw new Error(`${rustBin} is missing: build it with cargo build -p trustcore-cli (ci.sh does), or set TRUSTCORE_RUST_CLI`);
  }
  return runProcess(rustBin, args, opts);
}

/** The table's rows as the verifier reads them (the core's select plan), as JSONL text. */
export async function exportJsonl(client, table = 'audit_events', profile = undefined) {
  const t = tc.sqlTable(table);
  const cols = (await client.query({ text: t.columnsQuery, values: t.columnsParams, rowMode: 'array' })).rows;
  const plan = tc.selectPlan(profile, table, cols);
  const r = await client.query({ text: plan.sql, values: ['0'], rowMode: 'array' });
  return r.rows.map((row) => `${row[0]}\n`).join('');
}

/** The body of a row under a profile document (its column names), payload `payload`. */
export function bodyFor(profileDoc, payload, extra = {}) {
  const c = profileDoc.columns;
  const body = { [c.payload]: payload, ...extra };
  if (c.eventType) body[c.eventType] = 'test.appended';
  if (c.actor) body[c.actor] = 'node:test';
  return body;
}

/** The profile documents of profiles.json that the core knows as built-ins. */
export function builtinProfiles() {
  const vectors = JSON.parse(fs.readFileSync(path.join(repo, 'test-vectors', 'profiles.json'), 'utf8'));
  return vectors.profiles.filter((doc) => {
    try {
      tc.sqlMigration(doc.name, 't');
      return true;
    } catch {
      return false;
    }
  });
}
