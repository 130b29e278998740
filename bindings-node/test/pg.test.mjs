// PostgreSQL from Node (#11), against the real server of TRUSTCORE_PG_URL
// (fresh databases with unique names, dropped at the end): concurrent
// appender processes, a writer killed mid-run, failing signers, a lost
// connection, tampering found from the table and from its JSONL export,
// the canonical-JSON vectors through jsonb and json payload columns, and
// tables in every built-in profile. `npx trustcore audit-verify` and the
// Rust binary read the same tables and must print the same `--json`.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as h from './pg-helpers.mjs';

const { tc } = h;
const target = h.pgTarget();
if (target.skip) console.log(target.skip);
const opts = { skip: target.skip, timeout: 900_000 };

const verifyArgs = (url, signers, more = []) => ['audit-verify', '--database-url', url, '--signers', signers, '--json', ...more];

/** Both front ends over the same input: the same stdout, stderr and exit code; returns Node's. */
async function bothAgree(args, input) {
  const [node, rust] = await Promise.all([h.runNode(args, { input }), h.runRust(args, { input })]);
  assert.equal(node.stdout, rust.stdout, `stdout of ${args.join(' ')}`);
  assert.equal(node.stderr, rust.stderr, `stderr of ${args.join(' ')}`);
  assert.equal(node.code, rust.code, `exit code of ${args.join(' ')}`);
  return node;
}

async function tableStats(c, table = 'audit_events') {
  const stats = (
    await c.query(
      `SELECT count(*)::int AS n, count(DISTINCT prev_hash)::int AS prevs, coalesce(min(seq), 0)::int AS lo,
              coalesce(max(seq), 0)::int AS hi, count(DISTINCT seq)::int AS seqs FROM ${table}`,
    )
  ).rows[0];
  // One chain: every row links to the row before it.
  const broken = (
    await c.query(
      `SELECT count(*)::int AS n FROM ${table} a JOIN ${table} b ON b.seq = a.seq - 1 WHERE a.prev_hash <> b.hash`,
    )
  ).rows[0].n;
  return { ...stats, broken };
}

async function lastRow(c, table = 'audit_events') {
  return (await c.query(`SELECT hash, seq::int AS seq FROM ${table} ORDER BY seq DESC LIMIT 1`)).rows[0];
}

test('pg: 8 appender processes, 2,000 events each: exactly 16,000 rows in one chain, no fork, and audit-verify says valid with the last row as head', opts, async () => {
  const db = await h.scratchDb(target.url, 'conc');
  const signers = h.signersFile(h.tmpdir('conc'));
  const c = await h.connect(db.url);
  try {
    await tc.migrate(c, {});
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, k) =>
        h.runProcess(process.execPath, [h.appender, db.url, 'audit_events', '2000', '--tag', `w${k}`]),
      ),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    for (const r of runs) assert.equal(JSON.parse(r.stdout.trim()).appended, 2000);
    assert.deepEqual(await tableStats(c), { n: 16000, prevs: 16000, lo: 1, hi: 16000, seqs: 16000, broken: 0 });
    // Each writer's events are all there, in its own order.
    const per = (
      await c.query(
        `SELECT payload->>'writer' AS w, count(*)::int AS n,
                bool_and(ok) AS ordered FROM (
                  SELECT payload, (payload->>'n')::int > coalesce(lag((payload->>'n')::int) OVER (PARTITION BY payload->>'writer' ORDER BY seq), 0) AS ok
                  FROM audit_events) x GROUP BY 1 ORDER BY 1`,
      )
    ).rows;
    assert.deepEqual(per, Array.from({ length: 8 }, (_, k) => ({ w: `w${k}`, n: 2000, ordered: true })));
    const node = await bothAgree(verifyArgs(db.url, signers));
    assert.equal(node.code, 0, node.stderr);
    const report = JSON.parse(node.stdout);
    const last = await lastRow(c);
    assert.equal(report.valid, true);
    assert.equal(report.count, 16000);
    assert.deepEqual([report.head.hash, report.head.seq], [last.hash, last.seq]);
  } finally {
    await c.end();
    await db.drop();
  }
});

/** Spawns an appender and SIGKILLs it once it has printed `after` committed appends. */
function killedAppender(url, after) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [h.appender, url, 'audit_events', '100000', '--tag', 'killed', '--signer-delay', '5', '--lines']);
    let printed = 0;
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      printed += lines.filter(Boolean).length;
      if (printed >= after && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, printed }));
  });
}

test('pg: a writer killed with SIGKILL mid-run and signers that fail leave no partial row; the others carry on and the chain verifies', opts, async () => {
  const db = await h.scratchDb(target.url, 'fault');
  const signers = h.signersFile(h.tmpdir('fault'));
  const c = await h.connect(db.url);
  try {
    await tc.migrate(c, {});
    const [steady, killed, failing] = await Promise.all([
      h.runProcess(process.execPath, [h.appender, db.url, 'audit_events', '600', '--tag', 'steady']),
      killedAppender(db.url, 60),
      h.runProcess(process.execPath, [h.appender, db.url, 'audit_events', '200', '--tag', 'failing', '--signer-delay', '1', '--fail-every', '5']),
    ]);
    assert.equal(killed.signal, 'SIGKILL');
    assert.equal(steady.code, 0, steady.stderr);
    assert.equal(failing.code, 0, failing.stderr);
    const f = JSON.parse(failing.stdout.trim());
    assert.deepEqual([f.appended, f.failed], [160, 40]);
    const per = Object.fromEntries(
      (await c.query(`SELECT payload->>'writer' AS w, count(*)::int AS n, max((payload->>'n')::int) AS top FROM audit_events GROUP BY 1`)).rows.map(
        (r) => [r.w, r],
      ),
    );
    assert.equal(per.steady.n, 600);
    assert.equal(per.failing.n, 160);
    // The killed writer: every append it reported is there, at most one more
    // (committed before the kill, not yet printed), and nothing half-written.
    assert.ok(per.killed.n >= killed.printed && per.killed.n <= killed.printed + 1, JSON.stringify({ per, killed }));
    assert.equal(per.killed.top, per.killed.n, 'the killed writer has no gap in its own events');
    const total = 600 + 160 + per.killed.n;
    assert.deepEqual(await tableStats(c), { n: total, prevs: total, lo: 1, hi: total, seqs: total, broken: 0 });
    // Its lock died with its session: a new writer appends at once.
    const next = await tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, { event_type: 'after.kill', actor: 'node:test', payload: {} });
    assert.equal(next.seq, total + 1);
    const node = await bothAgree(verifyArgs(db.url, signers));
    assert.equal(node.code, 0, node.stdout);
    assert.equal(JSON.parse(node.stdout).head.hash, next.hash);
  } finally {
    await c.end();
    await db.drop();
  }
});

test('pg: appendEvent fails closed with typed errors: a rejecting signer, a wrong signature, a lost connection, a body the core refuses', opts, async () => {
  const db = await h.scratchDb(target.url, 'errors');
  const c = await h.connect(db.url);
  const admin = await h.connect(db.url);
  try {
    await tc.migrate(c, {});
    const base = { signerId: h.SIGNER, publicKey: h.key.publicKey() };
    const body = (n) => ({ event_type: 'x.y', actor: 'node:test', payload: { n } });
    await tc.appendEvent(c, { ...base, signer: async (m) => h.key.sign(m) }, body(1));
    const count = async () => (await admin.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n;
    const kmsDown = new Error('kms down');
    await assert.rejects(tc.appendEvent(c, { ...base, signer: async () => { throw kmsDown; } }, body(2)), (e) => {
      assert.equal(e.name, 'EnvelopeError');
      assert.equal(e.code, 'remote_signer_failed');
      assert.equal(e.cause.message, 'kms down');
      return true;
    });
    const other = tc.SecretKey.fromSeed(Buffer.alloc(32, 9));
    await assert.rejects(tc.appendEvent(c, { ...base, signer: async (m) => other.sign(m) }, body(3)), { name: 'EnvelopeError', code: 'remote_signature_invalid' });
    await assert.rejects(tc.appendEvent(c, { ...base, signer: async () => 'not bytes' }, body(4)), { name: 'TypeError', code: 'invalid_argument' });
    // The connection is cut while the signer works (inside the transaction).
    const victim = await h.connect(db.url);
    const pid = (await victim.query('SELECT pg_backend_pid() AS p')).rows[0].p;
    victim.on('error', () => {});
    const cut = async (m) => {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      return h.key.sign(m);
    };
    await assert.rejects(tc.appendEvent(victim, { ...base, signer: cut }, body(5)), (e) => {
      assert.equal(e.name, 'AppendError');
      assert.equal(e.code, 'connection_lost', e.message);
      assert.equal(e.stage, 'insert');
      return true;
    });
    await victim.end().catch(() => {});
    // The core refuses: a timestamp a timestamptz cannot keep, an id that is not a UUID.
    await assert.rejects(tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, { ...body(6), ts: '2030-01-01T00:00:00.0000001Z' }), { name: 'SqlError', code: 'unwritable_row' });
    await assert.rejects(tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, { ...body(7), id: 'nope' }), { name: 'ChainError' });
    await assert.rejects(tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, { ...body(8), ts: '2020-01-01T00:00:00Z' }), { name: 'ChainError', code: 'ts_regression' });
    // A missing table is the core's SqlError.
    await assert.rejects(tc.appendEvent(c, { table: 'nope', signerId: h.SIGNER, key: h.key }, body(9)), { name: 'SqlError', code: 'missing_table' });
    await assert.rejects(tc.appendEvent(c, { table: 'x; drop', signerId: h.SIGNER, key: h.key }, body(9)), { name: 'SqlError', code: 'invalid_table_name' });
    assert.equal(await count(), 1, 'no failed append left a row');
    const ok = await tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, body(10));
    assert.equal(ok.seq, 2, 'and no gap');
  } finally {
    await c.end();
    await admin.end();
    await db.drop();
  }
});

test('pg: a unique-violation race is retried from a fresh head, not surfaced as a fork', opts, async () => {
  const db = await h.scratchDb(target.url, 'retry');
  const c = await h.connect(db.url);
  const rogue = await h.connect(db.url);
  try {
    await tc.migrate(c, {});
    await tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, { event_type: 'x', actor: 'a', payload: 0 });
    // While our writer waits for its signer, another writer that skips the
    // lock inserts the same successor: our INSERT meets the unique prev_hash
    // (23505), the transaction runs again from the new head.
    let raced = false;
    // (appendEvent would wait for our lock: the rogue inserts without it.)
    const t = tc.sqlTable('audit_events');
    const cols = (await c.query({ text: t.columnsQuery, values: t.columnsParams, rowMode: 'array' })).rows;
    const plan = tc.AppendPlan.create('trustcore/v1', 'audit_events', cols);
    const lockless = async (m) => {
      if (!raced) {
        raced = true;
        const head = (await rogue.query({ text: plan.headSql, rowMode: 'array' })).rows[0];
        const p = plan.prepare(head[0], head[1], h.SIGNER, h.key.publicKey(), { event_type: 'rogue', actor: 'a', payload: 1 }, { now: new Date().toISOString(), newId: '6f1c2a4e-0000-4000-8000-00000000abcd' });
        await rogue.query(plan.insertSql, p.sign(h.key).params);
      }
      return h.key.sign(m);
    };
    const r = await tc.appendEvent(c, { signerId: h.SIGNER, publicKey: h.key.publicKey(), signer: lockless }, { event_type: 'x', actor: 'a', payload: 2 });
    assert.equal(r.attempts, 2);
    assert.equal(r.seq, 3);
    assert.deepEqual(await tableStats(c), { n: 3, prevs: 3, lo: 1, hi: 3, seqs: 3, broken: 0 });
  } finally {
    await c.end();
    await rogue.end();
    await db.drop();
  }
});

test('pg: a clock behind the head (another writer\'s microseconds, a clock stepped back) stamps the head\'s time instead of failing with ts_regression', opts, async () => {
  const db = await h.scratchDb(target.url, 'stamp');
  const c = await h.connect(db.url);
  try {
    await tc.migrate(c, {});
    const ahead = (ms) => new Date(Date.now() + ms).toISOString().replace('Z', '007Z');
    // The head as a microsecond writer left it, a second ahead of this clock (7 µs into
    // its millisecond), then an hour ahead (this clock stepped back).
    for (const ts of [ahead(1000), ahead(3_600_000)]) {
      const head = await tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, { event_type: 'py', actor: 'a', payload: 1, ts });
      const next = await tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, { event_type: 'node', actor: 'a', payload: 2 });
      assert.equal(next.seq, head.seq + 1);
      assert.equal(JSON.parse(next.row).ts, ts, 'the stamped row takes the head\'s time');
    }
    // A time the caller gives itself is still refused when it goes back.
    await assert.rejects(tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, { event_type: 'x', actor: 'a', payload: 3, ts: new Date().toISOString() }), { name: 'ChainError', code: 'ts_regression' });
    const r = await h.runRust(verifyArgs(db.url, h.signersFile(h.tmpdir('stamp'))));
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await c.end();
    await db.drop();
  }
});

test('pg: tampering in the table (UPDATE of a payload, DELETE of a row, a forged signature) is found at the right row with the right reason, from the table and from its JSONL export', opts, async () => {
  const db = await h.scratchDb(target.url, 'tamper');
  const dir = h.tmpdir('tamper');
  const signers = h.signersFile(dir);
  const c = await h.connect(db.url);
  try {
    await tc.migrate(c, {});
    for (let i = 1; i <= 60; i++) {
      await tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, { event_type: 'x.y', actor: 'node:test', payload: { n: i, note: 'café' } });
    }
    const forger = tc.SecretKey.fromSeed(Buffer.alloc(32, 7));
    const cases = [
      { table: 't_update', tamper: `UPDATE t_update SET payload = '{"n": 999}' WHERE seq = 10`, position: 9, seq: 10, reason: 'hash_mismatch' },
      { table: 't_delete', tamper: 'DELETE FROM t_delete WHERE seq = 20', position: 19, seq: 21, reason: 'seq_gap' },
      { table: 't_forged', forge: true, position: 60, seq: 61, reason: 'invalid_signature' },
    ];
    const registry = tc.SignerRegistry.fromJson(fs.readFileSync(signers, 'utf8'));
    for (const k of cases) {
      await c.query(`CREATE TABLE ${k.table} (LIKE audit_events INCLUDING ALL); INSERT INTO ${k.table} SELECT * FROM audit_events`);
      if (k.tamper) await c.query(k.tamper);
      // A row signed by another key under our signer id, linked correctly.
      if (k.forge) await tc.appendEvent(c, { table: k.table, signerId: h.SIGNER, key: forger }, { event_type: 'x.y', actor: 'node:test', payload: { forged: true } });
      const fromDb = await bothAgree(verifyArgs(db.url, signers, ['--table', k.table]));
      assert.equal(fromDb.code, 1, `${k.table}: ${fromDb.stdout}`);
      const report = JSON.parse(fromDb.stdout);
      assert.equal(report.breaks[0].position, k.position, k.table);
      assert.equal(report.breaks[0].seq, k.seq, k.table);
      assert.equal(report.breaks[0].reason, k.reason, k.table);
      // Human output names it too, the same from both.
      const human = await bothAgree(['audit-verify', '--database-url', db.url, '--table', k.table, '--signers', signers]);
      assert.match(human.stdout, new RegExp(`^BROKEN: .*\\n[\\s\\S]*${k.reason}`));
      // The JSONL export of the same table: the same report (but its source).
      const jsonl = await h.exportJsonl(c, k.table);
      const file = path.join(dir, `${k.table}.jsonl`);
      fs.writeFileSync(file, jsonl);
      const fromFile = await bothAgree(['audit-verify', file, '--signers', signers, '--json']);
      assert.equal(fromFile.code, 1);
      const fileReport = JSON.parse(fromFile.stdout);
      assert.deepEqual(fileReport.source, { files: [file] });
      assert.deepEqual({ ...fileReport, source: report.source }, report);
      // And the library's own verifier agrees with both.
      const lib = tc.verifyJsonl(jsonl, registry);
      assert.deepEqual(
        lib.breaks.map((b) => [b.position, b.reason]),
        report.breaks.map((b) => [b.position, b.reason]),
      );
    }
  } finally {
    await c.end();
    await db.drop();
  }
});

/**
 * The canonical-JSON vectors whose input is a valid JSON value under the
 * default options, and that fit in a row as its payload (a value at the
 * depth limit does not fit one level down: the core says so).
 */
function payloadVectors() {
  const v = JSON.parse(fs.readFileSync(path.join(h.repo, 'test-vectors', 'canonical-json.json'), 'utf8'));
  return v.cases.filter((k) => {
    if (typeof k.expected !== 'string' || k.max_depth !== undefined) return false;
    try {
      tc.canonicalize({ payload: JSON.parse(k.input) });
      return true;
    } catch (e) {
      assert.equal(e.code, 'depth_limit', k.id);
      return false;
    }
  });
}

/**
 * The vectors split by what a jsonb column does to them, asked of the
 * server and the core (nothing listed by hand): `nul` (jsonb refuses
 * U+0000 in strings), `rewritten` (jsonb gives a number back as an integer
 * the core's strict reader refuses: 1e+21 as 1000000000000000000000) and
 * `kept` (the rest); and `nullPayload` (the JSON null, appended on its own
 * below: the core's `AppendPlan.params` sends it as jsonb's null, which the
 * migration's NOT NULL payload column takes, not as SQL NULL).
 */
async function splitByJsonb(c, vectors) {
  const out = { nul: [], rewritten: [], kept: [], nullPayload: [] };
  for (const v of vectors) {
    if (JSON.parse(v.input) === null) {
      out.nullPayload.push(v);
      continue;
    }
    let text;
    try {
      text = (await c.query('SELECT $1::jsonb::text AS t', [v.expected])).rows[0].t;
    } catch (e) {
      assert.equal(e.code, '22P05', `${v.id}: ${e.message}`);
      assert.ok(v.expected.includes('\\u0000'), v.id);
      out.nul.push(v);
      continue;
    }
    try {
      assert.equal(tc.canonicalizeText(text).toString(), v.expected, `${v.id}: jsonb changed the value`);
      out.kept.push(v);
    } catch (e) {
      if (e.code !== 'number_out_of_range') throw e;
      out.rewritten.push(v);
    }
  }
  return out;
}

const vectorBody = (v) => ({ event_type: 'vector', actor: v.id, payload: JSON.parse(v.input) });

test('pg: every canonical-JSON vector payload survives a jsonb column (numbers rewritten included) and verifies; jsonb refuses \\u0000 with a typed error and no row; a json column keeps every one', opts, async () => {
  const db = await h.scratchDb(target.url, 'vectors');
  const signers = h.signersFile(h.tmpdir('vectors'));
  const c = await h.connect(db.url);
  try {
    await tc.migrate(c, {});
    await tc.migrate(c, { table: 'audit_json' });
    await c.query('ALTER TABLE audit_json ALTER COLUMN payload TYPE json');
    const vectors = payloadVectors();
    assert.ok(vectors.length > 100, `${vectors.length} vectors`);
    const split = await splitByJsonb(c, vectors);
    assert.ok(split.nul.length > 0 && split.kept.length > 100, JSON.stringify({ nul: split.nul.length, kept: split.kept.length }));
    for (const v of vectors) {
      // The payload reaches the table as the core canonicalizes it.
      assert.equal(tc.canonicalize(JSON.parse(v.input)).toString(), v.expected, v.id);
    }
    // jsonb rewrites some numbers (1e+21 comes back as 1000000000000000000000):
    // the core reads table rows with JSON's spelling of them (sql::table_row).
    assert.ok(split.rewritten.length > 0, 'the vectors have numbers jsonb rewrites');
    const inJsonb = [...split.kept, ...split.rewritten];
    for (const v of inJsonb) await tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, vectorBody(v));
    for (const v of split.nul) {
      await assert.rejects(tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, vectorBody(v)), (e) => {
        assert.equal(e.name, 'AppendError', v.id);
        assert.equal(e.code, 'database_error');
        assert.equal(e.sqlstate, '22P05');
        assert.equal(e.stage, 'insert');
        assert.match(e.message, /\\u0000/);
        return true;
      });
    }
    assert.equal((await c.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n, inJsonb.length, 'no row from a refused payload');
    // A json column keeps the text as written: every vector, U+0000 included.
    const inJson = vectors.filter((v) => !split.nullPayload.includes(v));
    for (const v of inJson) await tc.appendEvent(c, { table: 'audit_json', signerId: h.SIGNER, key: h.key }, vectorBody(v));
    for (const [table, count] of [['audit_events', inJsonb.length], ['audit_json', inJson.length]]) {
      const node = await bothAgree(verifyArgs(db.url, signers, ['--table', table]));
      const report = JSON.parse(node.stdout);
      assert.equal(node.code, 0, `${table}: ${JSON.stringify(report.breaks.slice(0, 3))}`);
      assert.equal(report.count, count);
    }
    const back = (await c.query('SELECT actor, payload::text AS p FROM audit_json ORDER BY seq')).rows;
    for (const [i, v] of inJson.entries()) {
      assert.equal(back[i].actor, v.id);
      assert.equal(tc.canonicalizeText(back[i].p).toString(), v.expected, v.id);
    }
  } finally {
    await c.end();
    await db.drop();
  }
});

test('pg: the null payload of the canonical-JSON vectors appends (as the JSON null, not SQL NULL) and verifies', opts, async () => {
  const db = await h.scratchDb(target.url, 'nullpayload');
  const signers = h.signersFile(h.tmpdir('nullpayload'));
  const c = await h.connect(db.url);
  try {
    const split = await splitByJsonb(c, payloadVectors());
    assert.ok(split.nullPayload.length > 0);
    await tc.migrate(c, {});
    for (const v of split.nullPayload) await tc.appendEvent(c, { signerId: h.SIGNER, key: h.key }, vectorBody(v));
    const node = await bothAgree(verifyArgs(db.url, signers));
    assert.equal(node.code, 0, node.stdout);
    assert.equal(JSON.parse(node.stdout).count, split.nullPayload.length);
    const kinds = (await c.query("SELECT jsonb_typeof(payload) AS t FROM audit_events")).rows.map((r) => r.t);
    assert.deepEqual([...new Set(kinds)], ['null'], 'a jsonb null, never SQL NULL');
  } finally {
    await c.end();
    await db.drop();
  }
});

test('pg: tables in every built-in profile (the core migration) verify with the same report as their JSONL export, also when tampered', opts, async () => {
  const db = await h.scratchDb(target.url, 'profiles');
  const dir = h.tmpdir('profiles');
  const signers = h.signersFile(dir);
  const c = await h.connect(db.url);
  try {
    const profiles = h.builtinProfiles();
    assert.ok(profiles.length >= 4, profiles.map((p) => p.name).join(', '));
    for (const [i, doc] of profiles.entries()) {
      const table = `p_${i}`;
      await tc.migrate(c, { table, profile: doc.name });
      const cols = doc.columns;
      for (let n = 1; n <= 25; n++) {
        // Timestamps one second apart (a table ordered by its timestamp reads rows in (ts, id) order).
        const ts = new Date(Date.UTC(2026, 2, 1, 12, 0, n, (n * 37) % 1000)).toISOString();
        await tc.appendEvent(c, { table, profile: doc.name, signerId: h.SIGNER, key: h.key }, h.bodyFor(doc, { n, note: 'café', amount: 12.5 }, { [cols.ts]: ts }));
      }
      const args = ['--database-url', db.url, '--table', table, '--signers', signers, '--profile', doc.name, '--json'];
      const check = async (valid) => {
        const fromDb = await bothAgree(['audit-verify', ...args]);
        assert.equal(fromDb.code, valid ? 0 : 1, `${doc.name}: ${fromDb.stdout}${fromDb.stderr}`);
        const report = JSON.parse(fromDb.stdout);
        assert.equal(report.profile, doc.name);
        const file = path.join(dir, `${table}.jsonl`);
        fs.writeFileSync(file, await h.exportJsonl(c, table, doc.name));
        const fromFile = await bothAgree(['audit-verify', file, '--signers', signers, '--profile', doc.name, '--json']);
        assert.deepEqual({ ...JSON.parse(fromFile.stdout), source: report.source }, report, doc.name);
        return report;
      };
      const good = await check(true);
      assert.equal(good.count, 25, doc.name);
      await c.query(`UPDATE ${table} SET "${cols.payload}" = '{"n": 999}' WHERE "${cols.id}" = (SELECT "${cols.id}" FROM ${table} ORDER BY "${cols.ts}" OFFSET 6 LIMIT 1)`);
      const bad = await check(false);
      assert.equal(bad.breaks[0].position, 6, doc.name);
      assert.equal(bad.breaks[0].reason, 'hash_mismatch', doc.name);
    }
  } finally {
    await c.end();
    await db.drop();
  }
});
