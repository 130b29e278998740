'use strict';
// Appending to an audit table in PostgreSQL from Node (#11), through the
// caller's `pg` client. Every statement, the row, the retry rule and the
// table's migration are the core's (`AppendPlan`, `sqlRetryable`,
// `SQL_APPEND_ATTEMPTS`, `sqlMigration`); this file only runs them in one
// transaction and maps what the client reports.

const crypto = require('node:crypto');
const native = require('../native.js');

/**
 * An append the database refused or could not finish. Nothing was
 * committed (the transaction was rolled back), except possibly when
 * `stage` is `'commit'` and `code` is `'connection_lost'` (the server may
 * have committed before the connection went).
 */
class AppendError extends Error {
  constructor(code, message, details) {
    const { sqlstate = null, stage, attempts, cause } = details ?? {};
    super(typeof message === 'string' ? message : 'the append failed', { cause });
    this.name = 'AppendError';
    /**
     * `'database_error'` (the server refused a statement; `sqlstate` says
     * which) or `'connection_lost'` (no answer, or the server ended the
     * session).
     */
    this.code = typeof code === 'string' ? code : 'database_error';
    /** The server's SQLSTATE (`'22P05'`, `'23505'`, ...), or `null`. */
    this.sqlstate = sqlstate;
    /** Where it failed: `'begin' | 'lock' | 'head' | 'insert' | 'commit'`. */
    this.stage = stage;
    /** Transactions run (a retryable SQLSTATE runs it again, up to `SQL_APPEND_ATTEMPTS`). */
    this.attempts = attempts;
  }
}

function invalidArgument(message) {
  const e = new TypeError(message);
  e.code = 'invalid_argument';
  return e;
}

/** A server error (it has a SQLSTATE), as opposed to a client or connection failure. */
function sqlstateOf(e) {
  return e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string'
    ? e.code
    : null;
}

function databaseError(e, stage, attempts) {
  const sqlstate = sqlstateOf(e);
  // No SQLSTATE (the socket closed, the client gave up), or a FATAL one (the
  // server ended the session: 57P01 terminated by an administrator, ...).
  if (sqlstate === null || e.severity === 'FATAL' || e.severity === 'PANIC') {
    const what = String((e && e.message) || e);
    return new AppendError('connection_lost', `the connection failed during ${stage}: ${what}`, {
      sqlstate,
      stage,
      attempts,
      cause: e,
    });
  }
  const detail = e.detail ? ` (${e.detail})` : '';
  return new AppendError('database_error', `${e.message}${detail} [SQLSTATE ${sqlstate}]`, {
    sqlstate,
    stage,
    attempts,
    cause: e,
  });
}

function checkClient(client) {
  if (client === null || typeof client !== 'object' || typeof client.query !== 'function') {
    throw invalidArgument('client must be a connected pg.Client (or a client checked out of a pg.Pool)');
  }
}

// Plans per client and (table, profile): the columns query runs once.
const plans = new WeakMap();

function profileKey(profile) {
  if (profile === undefined || profile === null) return 'trustcore/v1';
  if (typeof profile === 'string') return profile;
  if (profile instanceof Uint8Array) return Buffer.from(profile).toString('latin1');
  return JSON.stringify(profile);
}

async function planFor(client, table, profile) {
  let perClient = plans.get(client);
  if (perClient === undefined) {
    perClient = new Map();
    plans.set(client, perClient);
  }
  const key = `${table}\u0000${profileKey(profile)}`;
  const cached = perClient.get(key);
  if (cached !== undefined) return cached;
  const t = native.sqlTable(table);
  let columns;
  try {
    columns = (await client.query({ text: t.columnsQuery, values: t.columnsParams, rowMode: 'array' })).rows;
  } catch (e) {
    throw databaseError(e, 'columns', 0);
  }
  const plan = native.AppendPlan.create(profile, table, columns);
  perClient.set(key, plan);
  return plan;
}

async function run(client, sql, values, stage, attempt) {
  try {
    return await client.query(values === undefined ? sql : { text: sql, values, rowMode: 'array' });
  } catch (e) {
    throw Object.assign(databaseError(e, stage, attempt), { retryable: native.sqlRetryable(sqlstateOf(e) || '') });
  }
}

/**
 * Appends one row to an audit table in ONE transaction: locks the chain's
 * head (`pg_advisory_xact_lock` of the table), reads the head, builds and
 * signs the next row with the core's writer (a local key, or an async
 * remote signer whose answer must verify: fail closed), inserts it and
 * commits. Concurrent appenders (threads, processes, machines) serialize on
 * the lock, and the table's unique `prev_hash` refuses a fork from a writer
 * that skips it; a retryable SQLSTATE (`sqlRetryable`: another writer
 * inserted first, a serialization failure, a deadlock) runs the transaction
 * again from a fresh head, up to `SQL_APPEND_ATTEMPTS` times. Anything else
 * rolls back and throws, leaving no row and no gap: `AppendError`
 * (`database_error` with the `sqlstate`, or `connection_lost`), the
 * signer's `EnvelopeError` (`remote_signer_failed`, with the signer's
 * error as `cause`, or `remote_signature_invalid`), or the core's
 * `ChainError` / `SqlError` / `ProfileError` / `CanonicalJsonError`.
 *
 * `body` is the row's own columns by name (`id`, `ts`, `event_type`,
 * `actor`, `payload` under `trustcore/v1`); `id` and the timestamp may be
 * left out: a random UUID, and the clock read after the lock (so it is
 * never before the head's).
 *
 * @returns {Promise<{row: string, hash: string, seq: number, attempts: number}>}
 */
async function appendEvent(client, options, body) {
  checkClient(client);
  if (options === null || typeof options !== 'object') {
    throw invalidArgument('options must be an object {table?, profile?, signerId, key | signer, publicKey?, alg?}');
  }
  const { table = 'audit_events', profile, signerId, key, signer, alg } = options;
  if (typeof signerId !== 'string') throw invalidArgument('options.signerId must be a string');
  if ((key === undefined) === (signer === undefined)) {
    throw invalidArgument('give one of options.key (a SecretKey) and options.signer (async (message) => signature)');
  }
  if (key !== undefined && !(key instanceof native.SecretKey)) {
    throw invalidArgument('options.key must be a SecretKey');
  }
  if (signer !== undefined && typeof signer !== 'function') {
    throw invalidArgument('options.signer must be a function (message: Buffer) => signature');
  }
  const publicKey = options.publicKey !== undefined ? options.publicKey : key !== undefined ? key.publicKey() : undefined;
  if (!(publicKey instanceof native.PublicKey)) {
    throw invalidArgument('options.publicKey (the signer\'s registered key) is required with options.signer');
  }
  const plan = await planFor(client, table, profile);
  const attempts = native.SQL_APPEND_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    let open = false;
    try {
      await run(client, 'BEGIN', undefined, 'begin', attempt);
      open = true;
      await run(client, plan.lockSql, [plan.lockKey], 'lock', attempt);
      const head = await run(client, plan.headSql, [], 'head', attempt);
      const [headRow, count] = head.rows[0];
      const prepareOptions = { now: new Date().toISOString(), newId: crypto.randomUUID() };
      if (alg !== undefined) prepareOptions.alg = alg;
      const prepared = plan.prepare(headRow, count, signerId, publicKey, body, prepareOptions);
      const appended = key !== undefined ? prepared.sign(key) : await prepared.attachWith(signer);
      await run(client, plan.insertSql, appended.params, 'insert', attempt);
      open = false;
      await run(client, 'COMMIT', undefined, 'commit', attempt);
      return { row: appended.row, hash: appended.hash, seq: appended.seq, attempts: attempt };
    } catch (e) {
      if (open) await client.query('ROLLBACK').catch(() => {});
      if (e instanceof AppendError && e.retryable && attempt < attempts) continue;
      if (e instanceof AppendError) delete e.retryable;
      throw e;
    }
  }
}

/**
 * Creates the table of a profile if it does not exist (the core's
 * `sqlMigration`: UUID primary key, unique `seq`, unique `prev_hash` so a
 * fork cannot be inserted, `jsonb` payload). Idempotent.
 */
async function migrate(client, options = {}) {
  checkClient(client);
  const { table = 'audit_events', profile } = options || {};
  const sql = native.sqlMigration(profile, table);
  try {
    await client.query(sql);
  } catch (e) {
    throw databaseError(e, 'migrate', 1);
  }
  return sql;
}

module.exports = { appendEvent, migrate, AppendError };
