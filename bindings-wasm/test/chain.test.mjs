// The audit chain through the Node build (pkg-node): every case of
// test-vectors/chain.json (whole, in chunks, resumed), replay, verifyRow,
// and the binding's own argument and error behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, loadVectors } from './load.mjs';
import { chainChecks, tamperedRow, withoutMessages } from './chain-cases.mjs';

const { SignerRegistry, ChainVerifier, verifyJsonl, verifyRow, replay } = api;
const vectors = loadVectors('chain.json');
const registry = SignerRegistry.fromJson(vectors.registry);
const good = vectors.cases.find((c) => c.id === 'good/ten');
const rows = good.jsonl.split('\n').filter((l) => l);

for (const { id, run } of chainChecks(api, vectors)) test(id, run);

test('chain.json: every case was run', () => {
  assert.ok(vectors.cases.length >= 25);
  const whole = chainChecks(api, vectors).filter((c) => c.id.endsWith(': whole text'));
  assert.equal(whole.length, vectors.cases.length);
});

test('feedRow row by row gives the whole-text report', () => {
  for (const c of vectors.cases.filter((x) => !x.jsonl.includes('\r'))) {
    const v = ChainVerifier.create(registry, c.options);
    for (const line of c.jsonl.split('\n')) if (line) v.feedRow(line);
    assert.deepEqual(withoutMessages(v.finish()), c.expected, c.id);
  }
});

test('breaks() reports what was found so far', () => {
  const c = vectors.cases.find((x) => x.id === 'break/hash-mismatch');
  const v = ChainVerifier.create(registry);
  v.feed(c.jsonl);
  const found = v.breaks();
  assert.equal(found.length, 1);
  assert.equal(found[0].reason, 'hash_mismatch');
  assert.deepEqual(v.finish().breaks, found);
});

test('a finished verifier throws ChainError invalid_state', () => {
  const v = ChainVerifier.create(registry);
  v.feed(good.jsonl);
  v.finish();
  for (const call of [() => v.feed('x'), () => v.feedRow('x'), () => v.state(), () => v.breaks(), () => v.finish()]) {
    assert.throws(call, { name: 'ChainError', code: 'invalid_state' });
  }
});

test('a lone surrogate in a string chunk is a malformed row, also split across chunks', () => {
  const row = rows[0].replace('"actor":"', '"actor":"\uD800');
  const report = verifyJsonl(row, registry);
  assert.equal(report.breaks[0].reason, 'malformed_row');
  // A surrogate pair split across two chunks is one character.
  const pair = rows[0].replace('"payload":{', '"payload":{"x":"\uD83D\uDE00",');
  const i = pair.indexOf('\uDE00');
  const v = ChainVerifier.create(registry);
  v.feed(pair.slice(0, i));
  v.feed(pair.slice(i));
  const split = v.finish();
  assert.deepEqual(withoutMessages(split), withoutMessages(verifyJsonl(pair, registry)));
  assert.equal(split.breaks[0].reason, 'hash_mismatch'); // readable, but its hash is now wrong
});

test('options are checked', () => {
  assert.throws(() => verifyJsonl(good.jsonl, registry, 'fast'), { name: 'TypeError', code: 'invalid_argument' });
  assert.throws(() => verifyJsonl(good.jsonl, registry, { stopAtFirst: 1 }), { code: 'invalid_argument' });
  assert.throws(() => verifyJsonl(good.jsonl, registry, { hashAlg: 'md5' }), { name: 'DigestError', code: 'unknown_algorithm' });
  assert.throws(() => verifyJsonl(good.jsonl, registry, { expectedHead: { hash: 'ab', seq: 1 } }),
    { name: 'ChainError', code: 'invalid_state' });
  assert.throws(() => verifyJsonl(good.jsonl, registry, { checkpoint: { size: -1, root: '00'.repeat(32) } }),
    { name: 'ChainError', code: 'invalid_state' });
  assert.throws(() => verifyJsonl(good.jsonl, registry, { maxRowBytes: 0 }), { code: 'invalid_argument' });
  assert.throws(() => verifyJsonl(42, registry), { code: 'invalid_argument' });
  assert.throws(() => verifyJsonl(good.jsonl, {}), { code: 'invalid_argument' });
  assert.throws(() => ChainVerifier.resume(registry, { type: 'nope' }), { name: 'ChainError', code: 'invalid_state' });
  // blake3 is a different chain: every hash breaks.
  const b3 = verifyJsonl(good.jsonl, registry, { hashAlg: 'blake3' });
  assert.equal(b3.valid, false);
  assert.ok(b3.breaks.every((b) => b.reason === 'hash_mismatch'));
});

test('maxRowBytes turns long rows into malformed_row breaks', () => {
  const report = verifyJsonl(good.jsonl, registry, { maxRowBytes: 100 });
  assert.equal(report.breaks[0].reason, 'malformed_row');
  assert.equal(report.rows, 10);
});

test('verifyRow checks one row on its own', () => {
  const ok = verifyRow(rows[4], registry);
  assert.equal(ok.valid, true);
  assert.deepEqual(ok.event, JSON.parse(rows[4]));
  const bad = verifyRow(tamperedRow(rows[4]), registry);
  assert.deepEqual([bad.valid, bad.reason], [false, 'hash_mismatch']);
  assert.match(bad.message, /not the digest/);
  assert.equal(verifyRow('{', registry).reason, 'malformed_row');
  const sig = JSON.parse(rows[4]);
  sig.signature = JSON.parse(rows[5]).signature;
  assert.equal(verifyRow(JSON.stringify(sig), registry).reason, 'invalid_signature');
  assert.equal(verifyRow(new TextEncoder().encode(rows[4]), registry).valid, true);
});

test('replay orders shuffled rows and finds forks', () => {
  const shuffled = [rows[7], rows[2], rows[9], rows[0], rows[5], rows[1], rows[8], rows[3], rows[6], rows[4]];
  const r = replay(shuffled);
  assert.deepEqual(r.events, rows.map((l) => new TextDecoder().decode(api.canonicalizeText(l))));
  assert.deepEqual([r.forks, r.orphans, r.malformed], [[], [], []]);
  assert.equal(verifyJsonl(r.events.join('\n'), registry).valid, true);
  const fork = replay([...rows, tamperedRow(rows[3]).replace(/"hash":"[0-9a-f]{64}"/, `"hash":"${'ab'.repeat(32)}"`), '{']);
  assert.equal(fork.forks.length, 1);
  assert.equal(fork.forks[0].prevHash, JSON.parse(rows[3]).prev_hash);
  assert.equal(fork.forks[0].ids.length, 2);
  assert.deepEqual(fork.malformed, [{ position: 11, reason: 'malformed_row' }]);
  // From a later head.
  const head = JSON.parse(rows[4]);
  const tail = replay(rows.slice(5), { hash: head.hash, seq: head.seq, ts: head.ts });
  assert.equal(tail.events.length, 5);
  assert.throws(() => replay('rows'), { code: 'invalid_argument' });
  assert.throws(() => replay([1]), { code: 'invalid_argument' });
});
