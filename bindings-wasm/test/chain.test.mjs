// The audit chain through the Node build (pkg-node): every case of
// test-vectors/chain.json (whole, in chunks, resumed), replay, verifyRow,
// and the binding's own argument and error behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, loadVectors } from './load.mjs';
import { chainChecks, jsChainReport, tamperedRow, withoutMessages } from './chain-cases.mjs';

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

test('feedRow row by row gives the whole-text report (lines, bytes, row objects)', () => {
  for (const c of vectors.cases.filter((x) => !x.jsonl.includes('\r'))) {
    const lines = c.jsonl.split('\n').filter((l) => l);
    const text = ChainVerifier.create(registry, c.options);
    for (const line of lines) text.feedRow(line);
    const report = text.finish();
    assert.deepEqual(withoutMessages(report), jsChainReport(c.expected), c.id);
    // Rows that are strict I-JSON objects can be fed as objects (as replay
    // returns them): canonicalized by the core, the same verdicts. (A row
    // with a duplicate member is not: JSON.parse would drop one.)
    const strict = (l) => { try { api.canonicalizeText(l); return typeof JSON.parse(l) === 'object'; } catch { return false; } };
    if (lines.every(strict)) {
      const objects = ChainVerifier.create(registry, c.options);
      for (const line of lines) objects.feedRow(JSON.parse(line));
      assert.deepEqual(withoutMessages(objects.finish()), withoutMessages(report), `${c.id} as objects`);
    }
  }
});

test('feedRow: a row object that JSON cannot hold throws the core\'s CanonicalJsonError', () => {
  const v = ChainVerifier.create(registry);
  assert.throws(() => v.feedRow({ ...JSON.parse(rows[0]), seq: 1n }), { name: 'CanonicalJsonError', code: 'unsupported_type', path: '/seq' });
  assert.throws(() => v.feedRow(42), { name: 'TypeError', code: 'invalid_argument' });
  v.feedRow(JSON.parse(rows[0]));
  assert.equal(v.finish().valid, true);
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
    assert.throws(call, {
      name: 'ChainError',
      code: 'invalid_state',
      // The core's sentence, the same in Node and Python.
      message: 'this ChainVerifier has finished (finish() was called); create or resume another [invalid_state]',
    });
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

test('options are read by the core (OptionsError), values with the canonicalize rules', () => {
  const options = (code) => ({ name: 'OptionsError', code });
  assert.throws(() => verifyJsonl(good.jsonl, registry, 'fast'), options('invalid_option'));
  assert.throws(() => verifyJsonl(good.jsonl, registry, [1]), options('invalid_option'));
  assert.throws(() => verifyJsonl(good.jsonl, registry, { stopAtFirst: 1 }), options('invalid_option'));
  assert.throws(() => verifyJsonl(good.jsonl, registry, { hashAlg: 'md5' }), options('invalid_option'));
  assert.throws(() => verifyJsonl(good.jsonl, registry, { maxRowBytes: 0 }), options('invalid_option'));
  assert.throws(() => verifyJsonl(good.jsonl, registry, { maxBreaks: -1 }), options('invalid_option'));
  assert.throws(() => verifyJsonl(good.jsonl, registry, { threads: 0 }), options('invalid_option'));
  assert.throws(() => verifyJsonl(good.jsonl, registry, { stop_at_first: true }), options('unknown_option'));
  assert.throws(() => verifyJsonl(good.jsonl, registry, { stop_at_first: true }), /did you mean "stopAtFirst"/);
  assert.throws(() => ChainVerifier.create(registry, { trackId: false }), options('unknown_option'));
  assert.throws(() => verifyRow(rows[0], registry, { hash_alg: 'sha256' }), options('unknown_option'));
  // `undefined` is not a JSON value: leave the key out (or pass null).
  assert.throws(() => verifyJsonl(good.jsonl, registry, { stopAtFirst: undefined }),
    { name: 'CanonicalJsonError', code: 'unsupported_type', path: '/stopAtFirst' });
  assert.equal(verifyJsonl(good.jsonl, registry, { stopAtFirst: null, hashAlg: null }).valid, true);
  assert.equal(verifyJsonl(good.jsonl, registry, null).valid, true);
  assert.throws(() => verifyJsonl(good.jsonl, registry, { expectedHead: { hash: 'ab', seq: 1 } }),
    { name: 'ChainError', code: 'invalid_state' });
  assert.throws(() => verifyJsonl(good.jsonl, registry, { checkpoint: { size: -1, root: '00'.repeat(32) } }),
    { name: 'ChainError', code: 'invalid_state' });
  assert.throws(() => verifyJsonl(42, registry), { code: 'invalid_argument' });
  assert.throws(() => verifyJsonl(good.jsonl, {}), { code: 'invalid_argument' });
  assert.throws(() => ChainVerifier.resume(registry, { type: 'nope' }), { name: 'ChainError', code: 'invalid_state' });
  // A state of a sha256 chain does not resume a blake3 one.
  const s = ChainVerifier.create(registry).state();
  assert.throws(() => ChainVerifier.resume(registry, s, { hashAlg: 'blake3' }), { name: 'ChainError', code: 'invalid_state' });
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

test('replay orders shuffled rows and finds forks; its events are row objects', () => {
  const shuffled = [rows[7], rows[2], rows[9], rows[0], rows[5], rows[1], rows[8], rows[3], rows[6], rows[4]];
  const r = replay(shuffled);
  assert.deepEqual(r.events, rows.map((l) => JSON.parse(l)));
  assert.deepEqual([r.forks, r.orphans, r.malformed], [[], [], []]);
  // The events feed a verifier as they are, and replay again as they are.
  const v = ChainVerifier.create(registry);
  for (const e of r.events) v.feedRow(e);
  assert.equal(v.finish().valid, true);
  assert.deepEqual(replay(r.events.slice().reverse()), r);
  assert.throws(() => replay([JSON.parse(rows[0]), { ...JSON.parse(rows[1]), payload: undefined }]),
    { name: 'CanonicalJsonError', code: 'unsupported_type', path: '/1/payload' });
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
