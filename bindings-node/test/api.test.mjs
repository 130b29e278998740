// Text path, digests, error objects and argument checking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { trustcore, assertCode } from './helpers.mjs';

const {
  canonicalizeText,
  canonicalDigestText,
  canonicalDigest,
  digest,
  parseDigest,
  VERSION,
  version,
} = trustcore;

test('version matches package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(VERSION, pkg.version);
  assert.equal(version(), pkg.version);
  assert.equal(VERSION, '0.1.0');
});

test('canonicalizeText on strings and bytes', () => {
  const input = '{ "b": 1e3, "a": "\\u00e9", "c": [1.0, -0, 1E-7] }';
  const expected = Buffer.from('{"a":"é","b":1000,"c":[1,0,1e-7]}', 'utf8');
  assert.deepEqual(canonicalizeText(input), expected);
  assert.deepEqual(canonicalizeText(Buffer.from(input)), expected);
  assert.deepEqual(canonicalizeText(new TextEncoder().encode(input)), expected);
  // A Uint8Array view into a larger buffer is read at its own offset.
  const big = Buffer.from(`xx${input}yy`);
  assert.deepEqual(canonicalizeText(new Uint8Array(big.buffer, big.byteOffset + 2, big.length - 4)), expected);
  // Non-ASCII and a real U+FFFD in a string take the same route as bytes.
  const s = '{"k":"\ufffd café 😀"}';
  assert.deepEqual(canonicalizeText(s), canonicalizeText(Buffer.from(s)));
  assert.deepEqual(canonicalizeText(s), Buffer.from(s));
});

test('errors are Error objects with name, code, offset, message', () => {
  const err = assertCode(() => canonicalizeText('{"a":1,"a":2}'), 'duplicate_key', {
    name: 'CanonicalJsonError',
    offset: 7,
  });
  assert.ok(err instanceof Error);
  assert.equal(err.path, undefined);
  assert.match(err.message, /duplicate/);
  assert.match(err.message, /duplicate_key/);
  assertCode(() => canonicalizeText(Buffer.from('{"a":1,"a":2}')), 'duplicate_key', { offset: 7 });
  assertCode(() => canonicalizeText('[1] x'), 'trailing_data', { offset: 4 });
  assertCode(() => canonicalizeText('[NaN]'), 'non_finite_number', { offset: 1 });
  assertCode(() => canonicalizeText('[9007199254740993]'), 'number_out_of_range', { offset: 1 });
  assertCode(() => canonicalizeText(''), 'syntax', { offset: 0 });
  assertCode(() => canonicalizeText(Buffer.from([0x22, 0xff, 0x22])), 'invalid_utf8', { offset: 1 });
  assertCode(() => canonicalizeText('["\\ud800"]'), 'lone_surrogate', { offset: 2 });
  assertCode(() => canonicalizeText('[[1]]', { maxDepth: 1 }), 'depth_limit');
  assertCode(() => canonicalizeText('1', { maxDepth: 0 }), 'invalid_option');
});

test('a JS string holding a lone surrogate is lone_surrogate at its UTF-8 byte offset', () => {
  // "é" is 2 bytes, so the surrogate (3 bytes in WTF-8) starts at byte 9.
  assertCode(() => canonicalizeText('{"é":"ab\ud800"}'), 'lone_surrogate', {
    name: 'CanonicalJsonError',
    offset: 9,
  });
  // The same position as the Rust parser gives for the WTF-8 bytes.
  const wtf8 = Buffer.concat([Buffer.from('{"é":"ab'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
  assertCode(() => canonicalizeText(wtf8), 'lone_surrogate', { offset: 9 });
  assertCode(() => canonicalizeText('["\udc00"]'), 'lone_surrogate', { offset: 2 });
  assertCode(() => canonicalizeText('"x\ud83d"'), 'lone_surrogate', { offset: 2 });
  // Outside a string literal too, and with a real U+FFFD before it.
  assertCode(() => canonicalizeText('["\ufffd", \ud800]'), 'lone_surrogate', { offset: 8 });
  assertCode(() => canonicalDigestText('"\ud800"'), 'lone_surrogate', { offset: 1 });
  // A well-formed pair is fine.
  assert.deepEqual(canonicalizeText('"\ud83d\ude00"'), Buffer.from('"😀"'));
});

test('digest', () => {
  const abc = 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  assert.equal(digest('abc'), abc);
  assert.equal(digest('abc', 'sha256'), abc);
  assert.equal(digest(Buffer.from('abc')), abc);
  assert.equal(digest(new Uint8Array([0x61, 0x62, 0x63])), abc);
  assert.equal(digest(''), 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(
    digest('', 'blake3'),
    'blake3:af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262',
  );
  // Strings are digested as UTF-8.
  assert.equal(digest('é😀\ufffd'), digest(Buffer.from('é😀\ufffd', 'utf8')));
  assertCode(() => digest('a\ud800'), 'lone_surrogate');
  assertCode(() => digest('abc', 'md5'), 'unknown_algorithm', { name: 'DigestError' });
  assertCode(() => digest('abc', 'SHA256'), 'unknown_algorithm');
});

test('canonical digests', () => {
  const d = canonicalDigestText('{"b":2,"a":1}');
  assert.equal(d, digest('{"a":1,"b":2}'));
  assert.equal(canonicalDigestText(Buffer.from('{"b":2,"a":1}'), 'blake3'), digest('{"a":1,"b":2}', 'blake3'));
  assert.equal(canonicalDigest({ b: 2, a: 1 }), d);
  assertCode(() => canonicalDigest({ a: 1 }, 'md5'), 'unknown_algorithm');
  assertCode(() => canonicalDigestText('[1,]', 'sha256'), 'syntax', { offset: 3 });
  assertCode(() => canonicalDigestText('[[1]]', 'sha256', { maxDepth: 1 }), 'depth_limit');
  assertCode(() => canonicalDigest([[1]], 'sha256', { maxDepth: 1 }), 'depth_limit');
});

test('parseDigest', () => {
  const hex = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  assert.deepEqual({ ...parseDigest(`sha256:${hex}`) }, { algorithm: 'sha256', hex });
  assert.deepEqual({ ...parseDigest(`blake3:${hex}`) }, { algorithm: 'blake3', hex });
  assertCode(() => parseDigest(`SHA256:${hex}`), 'unknown_algorithm', { name: 'DigestError' });
  assertCode(() => parseDigest(`sha256:${hex.toUpperCase()}`), 'malformed_digest', { name: 'DigestError' });
  assertCode(() => parseDigest(hex), 'malformed_digest');
  assertCode(() => parseDigest('sha256:abc'), 'malformed_digest');
  assertCode(() => parseDigest(`sha256:${hex.slice(1)}\ud800`), 'malformed_digest');
});

test('wrong argument types throw invalid_argument TypeErrors', () => {
  const bad = [
    () => canonicalizeText(42),
    () => canonicalizeText(undefined),
    () => canonicalizeText(null),
    () => canonicalizeText({ a: 1 }),
    () => canonicalizeText(new Uint16Array(2)),
    () => canonicalizeText([1]),
    () => canonicalDigestText('1', 5),
    () => canonicalDigest(1, {}),
    () => digest(42),
    () => digest(new Float32Array(1)),
    () => digest('x', 256),
    () => parseDigest(42),
    () => parseDigest(Buffer.from('sha256:00')),
  ];
  for (const fn of bad) {
    const err = assertCode(fn, 'invalid_argument');
    assert.ok(err instanceof TypeError);
    assert.ok(err.message.length > 10, err.message);
  }
  assert.match(assertCode(() => canonicalizeText(42), 'invalid_argument').message, /string or a Uint8Array.*number/);
});

test('options are read by the core: not an object, unknown keys', () => {
  assertCode(() => canonicalizeText('1', 'options'), 'invalid_option', { name: 'OptionsError' });
  assertCode(() => canonicalDigestText('1', 'sha256', { maxDepht: 3 }), 'unknown_option', { name: 'OptionsError' });
  assertCode(() => canonicalDigest(1, undefined, { depth: 3 }), 'unknown_option');
  assert.equal(canonicalizeText('[1]', { maxDepth: 1 }).toString(), '[1]');
});

test('an exception thrown by an options getter propagates unchanged', () => {
  const boom = new Error('options boom');
  const options = { get maxDepth() { throw boom; } };
  assert.throws(() => canonicalizeText('1', options), (err) => err === boom);
});

test('AppendPlan: a head count that is no row count is the core\'s SqlError invalid_count, whatever integer type carries it', () => {
  const cols = [['id', 'uuid'], ['seq', 'bigint'], ['ts', 'timestamp with time zone'], ['event_type', 'text'], ['actor', 'text'], ['payload', 'jsonb'], ['prev_hash', 'text'], ['hash', 'text'], ['signer_id', 'text'], ['signature', 'text']];
  const plan = trustcore.AppendPlan.create('trustcore/v1', 'audit_events', cols);
  const key = trustcore.SecretKey.fromSeed(Buffer.alloc(32, 7));
  const prepare = (count) => plan.prepare(null, count, 's1', key.publicKey(), { event_type: 'x', actor: 'a', payload: 0 }, { now: '2026-12-07T00:00:00Z', newId: '6f1c2a4e-0000-4000-8000-000000000001' });
  for (const count of [-1, '-1', -1n, 2n ** 63n, String(2n ** 63n), 2n ** 64n + 8n, -(2n ** 200n), 2n ** 200n]) {
    assert.throws(() => prepare(count), (e) => e.name === 'SqlError' && e.code === 'invalid_count' && /row count/.test(e.message), String(count));
  }
  for (const count of [0, '0', 0n, 2n ** 63n - 1n]) assert.equal(typeof prepare(count), 'object');
  for (const count of [1.5, 2 ** 60, '1e3', null]) assertCode(() => prepare(count), 'invalid_argument');
});
