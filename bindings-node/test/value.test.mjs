// The value path: canonicalize(value) and canonicalDigest(value).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustcore, assertCode } from './helpers.mjs';

const { canonicalize, canonicalDigest, canonicalizeText, digest } = trustcore;

const text = (v, o) => canonicalize(v, o).toString('utf8');

test('accepted values canonicalize like RFC 8785', () => {
  assert.equal(text(null), 'null');
  assert.equal(text(true), 'true');
  assert.equal(text(false), 'false');
  assert.equal(text(-0), '0');
  assert.equal(text(1e21), '1e+21');
  assert.equal(text(1e-7), '1e-7');
  assert.equal(text(0.1 + 0.2), '0.30000000000000004');
  assert.equal(text(Number.MAX_SAFE_INTEGER), '9007199254740991');
  assert.equal(text('\u2028"\\\n\u0001é😀'), '"\u2028\\"\\\\\\n\\u0001é😀"');
  assert.equal(text([1, [2, [3]], {}]), '[1,[2,[3]],{}]');
  // Keys sort by UTF-16 code units: U+1F600 (D83D DE00) sorts before U+E000,
  // unlike code point order.
  assert.equal(text({ '\ue000': 2, '😀': 1, a: 3, 10: 4, 9: 5 }), '{"10":4,"9":5,"a":3,"😀":1,"\ue000":2}');
  assert.equal(text(Object.assign(Object.create(null), { b: 1, a: 2 })), '{"a":2,"b":1}');
  assert.equal(text({ nested: { z: [null, 'x'], y: -1.5 } }), '{"nested":{"y":-1.5,"z":[null,"x"]}}');
  // Non-enumerable properties are not data, as in JSON.stringify.
  const o = { a: 1 };
  Object.defineProperty(o, 'hidden', { value: 2, enumerable: false });
  assert.equal(text(o), '{"a":1}');
  // Getters are read.
  assert.equal(text({ get g() { return 7; } }), '{"g":7}');
  assert.ok(Buffer.isBuffer(canonicalize({})));
});

test('value path agrees with the text path', () => {
  const value = {
    id: '7f1c', amount: 1.5, note: 'café', tags: ['a', 'b'], n: 123456789012345680000,
    small: 5e-324, big: 1.7976931348623157e308, neg: -0.000001, u: '\u0000\u001f\u007f',
  };
  const s = JSON.stringify(value);
  assert.deepEqual(canonicalize(value), canonicalizeText(s));
  assert.deepEqual(canonicalize(value), canonicalizeText(Buffer.from(s)));
  assert.equal(canonicalDigest(value), digest(canonicalize(value)));
  assert.equal(canonicalDigest(value, 'blake3'), digest(canonicalize(value), 'blake3'));
  assert.match(canonicalDigest(value, 'blake3'), /^blake3:[0-9a-f]{64}$/);
});

test('undefined is refused everywhere, never dropped', () => {
  assertCode(() => canonicalize(undefined), 'unsupported_type', { name: 'CanonicalJsonError', path: '' });
  assertCode(() => canonicalize({ a: 1, b: undefined }), 'unsupported_type', { path: '/b' });
  assertCode(() => canonicalize([1, undefined]), 'unsupported_type', { path: '/1' });
  // An array hole reads as undefined.
  assertCode(() => canonicalize([1, , 3]), 'unsupported_type', { path: '/1' }); // eslint-disable-line no-sparse-arrays
  assertCode(() => canonicalize(new Array(2)), 'unsupported_type', { path: '/0' });
});

test('types JSON cannot hold are refused with unsupported_type', () => {
  class Point { constructor() { this.x = 1; } }
  const cases = [
    ['function', () => {}],
    ['symbol', Symbol('s')],
    ['BigInt', 1n],
    ['Date', new Date(0)],
    ['Map', new Map([['a', 1]])],
    ['Set', new Set([1])],
    ['Buffer', Buffer.from('x')],
    ['Uint8Array', new Uint8Array(2)],
    ['Float64Array', new Float64Array(1)],
    ['ArrayBuffer', new ArrayBuffer(4)],
    ['RegExp', /x/],
    ['class instance', new Point()],
    ['boxed number', new Number(1)],
    ['boxed string', new String('s')],
    ['boxed boolean', new Boolean(false)],
    ['Error', new Error('e')],
    ['Promise', Promise.resolve(1)],
    ['WeakMap', new WeakMap()],
  ];
  for (const [label, value] of cases) {
    const err = assertCode(() => canonicalize(value), 'unsupported_type', { name: 'CanonicalJsonError', path: '' });
    assert.match(err.message, /cannot be represented in JSON/, label);
    // Nested, the path points at it.
    assertCode(() => canonicalize({ outer: [value] }), 'unsupported_type', { path: '/outer/0' });
  }
  assert.match(assertCode(() => canonicalize(new Map()), 'unsupported_type').message, /Map/);
  assert.match(assertCode(() => canonicalize(new Point()), 'unsupported_type').message, /Point/);
  assert.match(assertCode(() => canonicalize(1n), 'unsupported_type').message, /BigInt/);
});

test('non-finite numbers are refused', () => {
  for (const v of [NaN, Infinity, -Infinity]) {
    assertCode(() => canonicalize(v), 'non_finite_number', { name: 'CanonicalJsonError' });
    assertCode(() => canonicalize({ x: [v] }), 'non_finite_number', { path: '/x/0' });
  }
});

test('lone surrogates in values and keys are refused', () => {
  assertCode(() => canonicalize('\ud800'), 'lone_surrogate', { path: '' });
  assertCode(() => canonicalize(['ok', 'a\udc00b']), 'lone_surrogate', { path: '/1' });
  assertCode(() => canonicalize({ '\ud800': 1 }), 'lone_surrogate', { path: '/\\ud800' });
  assertCode(() => canonicalize({ a: { 'x\udfff': 1 } }), 'lone_surrogate');
  // A well-formed pair is fine, and U+FFFD itself is ordinary text.
  assert.equal(text({ '\ud83d\ude00': '\ud83d\ude00' }), '{"😀":"😀"}');
  assert.equal(text('\ufffd'), '"\ufffd"');
});

test('symbol keys are refused, not dropped', () => {
  assertCode(() => canonicalize({ a: 1, [Symbol('k')]: 2 }), 'non_string_key');
});

test('cycles and deep nesting end in depth_limit', () => {
  const cyclic = { name: 'loop' };
  cyclic.self = cyclic;
  assertCode(() => canonicalize(cyclic), 'depth_limit', { name: 'CanonicalJsonError' });
  const arr = [];
  arr.push(arr);
  assertCode(() => canonicalize(arr), 'depth_limit');

  let deep = 0;
  for (let i = 0; i < 128; i++) deep = [deep];
  assert.equal(text(deep).length, 128 * 2 + 1);
  assertCode(() => canonicalize([deep]), 'depth_limit');
});

test('maxDepth option', () => {
  assert.equal(text([[1]], { maxDepth: 2 }), '[[1]]');
  assertCode(() => canonicalize([[1]], { maxDepth: 1 }), 'depth_limit', { path: '/0' });
  assertCode(() => canonicalize({ a: {} }, { maxDepth: 1 }), 'depth_limit', { path: '/a' });
  let deep = 0;
  for (let i = 0; i < 500; i++) deep = [deep];
  assertCode(() => canonicalize(deep), 'depth_limit');
  assert.equal(text(deep, { maxDepth: 500 }).length, 1001);
  assert.equal(text(1, {}), '1');
  assert.equal(text(1, null), '1');
  // Options are read by the core (OptionsError), after the value rules of
  // canonicalize: an undefined member is refused, never taken as absent
  // (a trusted head that is accidentally undefined must not switch a check
  // off); null is absent.
  assert.equal(text(1, { maxDepth: null }), '1');
  assertCode(() => canonicalize(1, { maxDepth: undefined }), 'unsupported_type', { name: 'CanonicalJsonError', path: '/maxDepth' });
  assertCode(() => canonicalize(1, { maxDepth: 0 }), 'invalid_option', { name: 'OptionsError' });
  assertCode(() => canonicalize(1, { maxDepth: 1025 }), 'invalid_option');
  assertCode(() => canonicalize(1, { maxDepth: 2.5 }), 'invalid_option');
  assertCode(() => canonicalize(1, { maxDepth: -1 }), 'invalid_option');
  assertCode(() => canonicalize(1, { maxDepth: '3' }), 'invalid_option');
  assertCode(() => canonicalize(1, 5), 'invalid_option', { name: 'OptionsError' });
  assertCode(() => canonicalize(1, { max_depth: 3 }), 'unknown_option', { name: 'OptionsError' });
  assert.match(assertCode(() => canonicalize(1, { maxdepth: 3 }), 'unknown_option').message, /did you mean "maxDepth"/);
});

test('an exception thrown while reading a value propagates unchanged', () => {
  const boom = new RangeError('boom');
  const value = { get bad() { throw boom; } };
  assert.throws(() => canonicalize(value), (err) => err === boom);
  const proxy = new Proxy({}, { ownKeys() { throw boom; } });
  assert.throws(() => canonicalize({ p: proxy }), (err) => err === boom);
});
