// An appender process for the PostgreSQL tests (and the joint Node + Python
// test): appends N events to a trustcore/v1 table through `appendEvent`, one
// transaction each, and prints what it did.
//
//   node bindings-node/test/pg-appender.mjs URL TABLE N [options]
//
//   --tag T            the writer's name, in every payload ({writer: T, n: i}) and
//                      the actor (node:T); default node-<pid>
//   --seed-byte B      the signing key is SecretKey.fromSeed(32 bytes of B), default 4
//                      (signers file: {"signers":[{"signerId":ID,"publicKey":<its base64>}]})
//   --signer-id ID     default kernel-signer
//   --signer-delay MS  sign through an async remote signer that answers after MS ms
//                      (a KMS round trip) instead of the local key
//   --fail-every K     with --signer-delay: every K-th signing fails (alternately the
//                      signer rejects and answers a wrong signature); the event is
//                      not written, the writer carries on
//   --lines            print {"seq":...,"n":i} after each committed append
//
// At the end it prints one JSON line {"writer","appended","failed","attempts",
// "seconds"} and exits 0; any other error is one line on stderr and exit 1.
// Without arguments (as `node --test test/` runs every file here) it prints
// this usage and exits 0.

import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);

const args = process.argv.slice(2);
if (args.length < 3) {
  console.log('usage: node test/pg-appender.mjs URL TABLE N [--tag T] [--seed-byte B] [--signer-id ID] [--signer-delay MS] [--fail-every K] [--lines]');
  process.exit(0);
}

const tc = require('../index.js');
const pg = require('pg');

const [url, table, countText] = args;
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1];
};
const n = Number(countText);
const tag = opt('--tag', `node-${process.pid}`);
const seedByte = Number(opt('--seed-byte', '4'));
const signerId = opt('--signer-id', 'kernel-signer');
const delay = opt('--signer-delay', null);
const failEvery = Number(opt('--fail-every', '0'));
const lines = args.includes('--lines');

const key = tc.SecretKey.fromSeed(Buffer.alloc(32, seedByte));
const wrong = tc.SecretKey.fromSeed(Buffer.alloc(32, (seedByte + 1) % 256));
let signings = 0;
const options = { table, signerId };
if (delay === null) {
  options.key = key;
} else {
  options.publicKey = key.publicKey();
  options.signer = async (message) => {
    await sleep(Number(delay));
    signings++;
    if (failEvery > 0 && signings % failEvery === 0) {
      if ((signings / failEvery) % 2 === 1) throw new Error('the KMS is unavailable');
      return wrong.sign(message);
    }
    return key.sign(message);
  };
}

const client = new pg.Client({ connectionString: url });
await client.connect();
const start = process.hrtime.bigint();
let appended = 0;
let failed = 0;
let attempts = 0;
try {
  for (let i = 1; i <= n; i++) {
    const body = { event_type: 'test.appended', actor: `node:${tag}`, payload: { writer: tag, n: i } };
    try {
      const r = await tc.appendEvent(client, options, body);
      appended++;
      attempts += r.attempts;
      if (lines) process.stdout.write(`${JSON.stringify({ seq: r.seq, n: i })}\n`);
    } catch (e) {
      // A failing signer is expected with --fail-every: no row, carry on.
      if (e.name === 'EnvelopeError' && failEvery > 0) {
        failed++;
        continue;
      }
      throw e;
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${JSON.stringify({ writer: tag, appended, failed, attempts, seconds })}\n`);
  await client.end();
} catch (e) {
  process.stderr.write(`pg-appender ${tag}: ${e.name} ${e.code}: ${e.message}\n`);
  process.exit(1);
}
