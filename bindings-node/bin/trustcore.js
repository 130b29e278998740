#!/usr/bin/env -S node --max-semi-space-size=1
'use strict';
// `npx trustcore audit-verify`: the runbook's integrity check, from the npm
// package.
//
// This file only does IO, exactly as the Rust binary (`cli/src/main.rs`)
// does: it reads the files (gunzipping `.gz`, multi-member), stdin or a
// PostgreSQL table through a server-side cursor (`pg` + `pg-cursor`, in one
// transaction, `SQL_FETCH_ROWS` rows per round trip), draws the progress
// line on a terminal, and hands every byte to the core (`cliParse`,
// `CliRun`), which defines the flags, the help, the output (human and
// `--json`), the one-line stderr messages (`cliFailure`) and the exit codes
// (0 valid, 1 broken, 2 usage or input error). No stack trace reaches the
// user: anything unexpected is one line and exit code 2.

let native;
try {
  native = require('../index.js');
} catch (e) {
  process.stderr.write(`trustcore audit-verify: the native addon did not load: ${String((e && e.message) || e).split('\n')[0]}\n`);
  process.exit(2);
}
const fs = require('node:fs');
const zlib = require('node:zlib');

// Bounded memory. Every chunk read (a file's, zlib's, the socket's) is a new
// Buffer whose bytes live outside the JS heap, and a table's rows are
// strings that outlive a young-generation collection while they are
// verified: the engine, seeing a small heap, lets them pile up (40-70 MB on
// a 1M-row read). A full collection every 4 MB read frees them (2-3 ms
// each over a heap this small: under 1 % of the run).
const collect = (() => {
  try {
    require('node:v8').setFlagsFromString('--expose-gc');
    const gc = require('node:vm').runInNewContext('gc');
    return () => gc();
  } catch {
    return () => {};
  }
})();
const COLLECT_EVERY = 4 << 20;
let sinceCollect = 0;
function consumed(bytes) {
  sinceCollect += bytes;
  if (sinceCollect >= COLLECT_EVERY) {
    sinceCollect = 0;
    collect();
  }
}

/** A failure to report: one line (the core's), exit code 2. */
class Fail extends Error {
  constructor(cliError) {
    super(cliError.line);
    this.cliError = cliError;
  }
}

/**
 * The system's or the server's own words for an error: an OS error as the
 * operating system says it (the words the Rust binary prints), a server
 * error as the server says it, anything else by its message.
 */
function detailOf(e) {
  if (e && Array.isArray(e.errors) && e.errors.length > 0 && !e.message) {
    return detailOf(e.errors[0]);
  }
  if (e && typeof e.errno === 'number' && e.errno < 0 && typeof e.syscall === 'string') {
    return native.osErrorText(-e.errno);
  }
  return String((e && e.message) || e);
}

function failure(kind, e, at) {
  return new Fail(native.cliFailure(kind, detailOf(e), at));
}

function readFlag(path, flag) {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw failure('readFlag', e, { flag, path });
  }
}

/** The progress line on stderr: on a terminal (or `--progress`), redrawn at most every 250 ms. */
class Meter {
  constructor(mode, total) {
    this.on = mode === 'always' || (mode === 'auto' && Boolean(process.stderr.isTTY));
    this.start = process.hrtime.bigint();
    this.last = this.start;
    this.total = total;
  }

  tick(events, bytes) {
    if (!this.on) return;
    const now = process.hrtime.bigint();
    if (now - this.last < 250_000_000n) return;
    this.last = now;
    const elapsed = Number(now - this.start) / 1e9;
    process.stderr.write(`\r${native.progressLine(events, bytes, this.total, elapsed)}\x1b[K`);
  }

  done() {
    if (this.on) process.stderr.write('\r\x1b[K');
  }
}

function countLines(chunk) {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

const NEWLINE = Buffer.from('\n');
const READ_SIZE = 1 << 20;

/** Feeds a readable stream's bytes; a read error is `what`'s one line. */
async function feedStream(run, reader, meter, counted, what) {
  let lines = 0;
  try {
    for await (const chunk of reader) {
      if (meter.on) lines += countLines(chunk);
      run.feed(chunk);
      consumed(chunk.length);
      meter.tick(lines, counted.n);
    }
  } catch (e) {
    throw failure('readInput', e, { what });
  }
}

async function verifyFiles(run, files, progress) {
  let total = 0;
  for (const f of files) {
    try {
      total += fs.statSync(f).size;
    } catch {
      // As the Rust binary: a file that cannot be stat'ed adds nothing; opening it reports.
    }
  }
  const meter = new Meter(progress, total);
  const counted = { n: 0 };
  for (const path of files) {
    let fd;
    try {
      fd = fs.openSync(path, 'r');
    } catch (e) {
      throw failure('readInput', e, { what: path });
    }
    const file = fs.createReadStream(null, { fd, highWaterMark: READ_SIZE });
    file.on('data', (chunk) => {
      counted.n += chunk.length;
    });
    let reader = file;
    if (path.endsWith('.gz')) {
      // Every member of a multi-member gzip file (zlib's default in Node).
      reader = zlib.createGunzip({ chunkSize: READ_SIZE });
      file.on('error', (e) => reader.destroy(e));
      file.pipe(reader);
    }
    try {
      await feedStream(run, reader, meter, counted, path);
    } finally {
      file.destroy();
    }
    // A file that does not end with a newline still ends its last row.
    run.feed(NEWLINE);
  }
  meter.done();
}

async function verifyStdin(run, progress) {
  const meter = new Meter(progress, null);
  const counted = { n: 0 };
  const stdin = process.stdin;
  stdin.on('data', (chunk) => {
    counted.n += chunk.length;
  });
  await feedStream(run, stdin, meter, counted, 'stdin');
  meter.done();
}

/** A PostgreSQL error in the server's own words, else the client's. */
function dbDetail(e) {
  if (e && typeof e.code === 'string' && typeof e.severity === 'string') return String(e.message);
  return detailOf(e);
}

function dbFailure(kind, e, at) {
  return new Fail(native.cliFailure(kind, dbDetail(e), at));
}

async function verifyDatabase(run, cmd, plan, profileDoc, offset) {
  const table = cmd.databaseTable();
  let Client;
  let Cursor;
  try {
    ({ Client } = require('pg'));
    Cursor = require('pg-cursor');
  } catch (e) {
    // pg and pg-cursor are dependencies of the package: only a broken install lacks them.
    throw new Fail(native.cliFailure('missingClient', String((e && e.message) || e).split('\n')[0], { install: 'npm install pg pg-cursor' }));
  }
  // Knows whether the server accepted the query (its row description came)
  // before an error: before, the query failed; after, reading the rows did.
  class ReadCursor extends Cursor {
    handleRowDescription(msg) {
      this.described = true;
      return super.handleRowDescription(msg);
    }
  }
  const client = new Client({ connectionString: plan.url });
  // A connection lost between queries is reported by the query that meets it.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    throw dbFailure('connect', e);
  }
  try {
    let columns;
    try {
      const r = await client.query({ text: table.columnsQuery, values: table.columnsParams, rowMode: 'array' });
      columns = r.rows;
    } catch (e) {
      throw dbFailure('database', e);
    }
    const select = cmd.selectPlan(profileDoc, columns);
    const meterOn = plan.progress === 'always' || (plan.progress === 'auto' && Boolean(process.stderr.isTTY));
    let total = null;
    if (meterOn) {
      try {
        const r = await client.query({ text: select.countSql, rowMode: 'array' });
        total = Number(r.rows[0][0]);
      } catch {
        total = null;
      }
    }
    const meter = new Meter(plan.progress, total);
    try {
      await client.query('BEGIN');
    } catch (e) {
      throw dbFailure('database', e);
    }
    const cursor = client.query(new ReadCursor(select.sql, [String(offset)], { rowMode: 'array' }));
    let rows = 0;
    const texts = [];
    for (;;) {
      let batch;
      try {
        batch = await cursor.read(select.fetchRows);
      } catch (e) {
        throw cursor.described ? dbFailure('readTable', e, { table: table.sql }) : dbFailure('database', e);
      }
      if (batch.length === 0) break;
      texts.length = batch.length;
      let bytes = 0;
      for (let i = 0; i < batch.length; i++) {
        texts[i] = batch[i][0];
        bytes += texts[i].length;
      }
      run.feedTableRows(texts);
      rows += batch.length;
      // The batch is garbage from here: nothing keeps it past a collection.
      texts.length = 0;
      batch = null;
      consumed(bytes);
      meter.tick(rows, rows);
    }
    meter.done();
    try {
      await cursor.close();
      await client.query('COMMIT');
    } catch {
      // As the Rust binary: the rows are read; the end of the transaction is not checked.
    }
  } finally {
    await client.end().catch(() => {});
  }
}

async function auditVerify(cmd) {
  const plan = cmd.plan;
  const signers = readFlag(plan.signers, '--signers');
  const profileDoc = plan.profileIsBuiltin ? null : readFlag(plan.profile, '--profile');
  const checkpoint = plan.checkpoint === null ? null : readFlag(plan.checkpoint, '--checkpoint');
  const state = plan.fromState === null ? null : readFlag(plan.fromState, '--from-state');
  const run = cmd.start(signers, profileDoc, checkpoint, state);
  switch (plan.source) {
    case 'files':
      await verifyFiles(run, plan.files, plan.progress);
      break;
    case 'stdin':
      await verifyStdin(run, plan.progress);
      break;
    default:
      await verifyDatabase(run, cmd, plan, profileDoc, run.position);
  }
  const outcome = run.finish();
  if (plan.saveState !== null && outcome.state !== null) {
    try {
      fs.writeFileSync(plan.saveState, outcome.state);
    } catch (e) {
      throw failure('saveState', e, { path: plan.saveState });
    }
  }
  return { stdout: outcome.stdout, code: outcome.exitCode };
}

/** The one line for an error: the core's, or (unexpected) its message as one line. */
function errorLine(e) {
  const err = e instanceof Fail ? e.cliError : e;
  if (err && err.name === 'CliError' && typeof err.line === 'string') return err.line;
  try {
    return native.cliFailure('layout', detailOf(err)).line;
  } catch {
    return `trustcore audit-verify: ${String((err && err.message) || err).split('\n')[0]}`;
  }
}

let exiting = false;
function exit(stdout, code) {
  if (exiting) return;
  exiting = true;
  process.exitCode = code;
  if (stdout) {
    process.stdout.write(stdout, () => process.exit(code));
  } else {
    process.exit(code);
  }
}

function die(e) {
  if (exiting) return;
  try {
    process.stderr.write(`${errorLine(e)}\n`);
  } finally {
    exit('', native.CLI_EXIT_ERROR);
  }
}

process.on('uncaughtException', die);
process.on('unhandledRejection', die);
// A closed stdout (`| head`) is not an error to report.
process.stdout.on('error', () => process.exit(process.exitCode ?? 0));

(async () => {
  let cmd;
  try {
    cmd = native.cliParse(process.argv.slice(2));
  } catch (e) {
    die(e);
    return;
  }
  if (cmd.print !== null) {
    exit(cmd.print, native.CLI_EXIT_VALID);
    return;
  }
  try {
    const { stdout, code } = await auditVerify(cmd);
    exit(stdout, code);
  } catch (e) {
    die(e);
  }
})();
