// The value path's acceptance rules, argument checks and error shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './load.mjs';
import { assertThrows } from './vector-cases.mjs';

const text = (bytes) => new TextDecoder().decode(bytes);
const canonical = (code) => ({ name: 'CanonicalJsonError', code });

test('canonicalize: plain values, sorted by UTF-16 code units', () => {
  const value = { b: [1, 2.5, 'x\u00e9', true, null], a: { '\u{1F600}': 1, '\uFFFD': 2 }, '': -0 };
  const out = api.canonicalize(value);
  assert.ok(out instanceof Uint8Array);
  assert.equal(text(out), '{"":0,"a":{"\u{1F600}":1,"\uFFFD":2},"b":[1,2.5,"x\u00e9",true,null]}');
  assert.equal(text(api.canonicalize(Object.assign(Object.create(null), { z: 1e21, y: 1e-7 }))), '{"y":1e-7,"z":1e+21}');
});

test('canonicalize matches canonicalizeText and the digest functions agree', () => {
  const value = { id: '7f1c', amount: 1.5, note: 'caf\u00e9', tags: ['a', 'b'] };
  const fromValue = api.canonicalize(value);
  assert.deepEqual(fromValue, api.canonicalizeText(JSON.stringify(value)));
  assert.equal(api.canonicalDigest(value), api.digest(fromValue));
  assert.equal(api.canonicalDigest(value, 'blake3'), api.canonicalDigestText(JSON.stringify(value), 'blake3'));
  assert.match(api.canonicalDigest(value), /^sha256:[0-9a-f]{64}$/);
});

const rejected = [
  ['undefined', undefined, 'unsupported_type', ''],
  ['a function', () => 1, 'unsupported_type', ''],
  ['a symbol', Symbol('s'), 'unsupported_type', ''],
  ['a BigInt', 10n, 'unsupported_type', ''],
  ['NaN', NaN, 'non_finite_number', ''],
  ['Infinity', Infinity, 'non_finite_number', ''],
  ['-Infinity in an array', [1, -Infinity], 'non_finite_number', '/1'],
  ['a Date', new Date(0), 'unsupported_type', ''],
  ['a Map', new Map([['a', 1]]), 'unsupported_type', ''],
  ['a Set', new Set([1]), 'unsupported_type', ''],
  ['a Uint8Array', new Uint8Array([1]), 'unsupported_type', ''],
  ['a class instance', new (class Point { constructor() { this.x = 1; } })(), 'unsupported_type', ''],
  ['a boxed string', new String('x'), 'unsupported_type', ''],
  ['undefined in an array', [1, undefined], 'unsupported_type', '/1'],
  ['an array hole', [1, , 3], 'unsupported_type', '/1'], // eslint-disable-line no-sparse-arrays
  ['an undefined property', { a: { b: undefined } }, 'unsupported_type', '/a/b'],
  ['a lone surrogate in a value', { s: 'a\uD800b' }, 'lone_surrogate', '/s'],
  ['a lone low surrogate in a value', ['\uDC00'], 'lone_surrogate', '/0'],
  ['a lone surrogate in a key', { ['k\uDBFF']: 1 }, 'lone_surrogate', '/k\\udbff'],
  ['a symbol key', { [Symbol('k')]: 1 }, 'non_string_key', ''],
];

for (const [what, value, code, path] of rejected) {
  test(`canonicalize rejects ${what} (${code})`, () => {
    const e = assertThrows(() => api.canonicalize(value), canonical(code), what);
    if (path !== undefined) assert.equal(e.path, path);
    assert.throws(() => api.canonicalDigest(value), { code });
  });
}

test('canonicalize: a cycle ends at the depth limit', () => {
  const cyclic = { a: [] };
  cyclic.a.push(cyclic);
  assertThrows(() => api.canonicalize(cyclic), canonical('depth_limit'), 'cycle');
  const deep = [[[[1]]]];
  assertThrows(() => api.canonicalize(deep, { maxDepth: 3 }), canonical('depth_limit'), 'maxDepth 3');
  assert.equal(text(api.canonicalize(deep, { maxDepth: 4 })), '[[[[1]]]]');
});

test('canonicalize: an exception thrown by a getter propagates unchanged', () => {
  const boom = new RangeError('boom');
  const value = { ok: 1, get bad() { throw boom; } };
  assert.throws(() => api.canonicalize(value), (e) => e === boom);
  // The module is still usable afterwards.
  assert.equal(text(api.canonicalize({ b: 2, a: 1 })), '{"a":1,"b":2}');
});

test('canonicalizeText: a JS string with a lone surrogate is lone_surrogate, never U+FFFD', () => {
  const e = assertThrows(() => api.canonicalizeText('{"a":"x\uD800"}'), canonical('lone_surrogate'), 'raw');
  assert.equal(e.offset, 7); // byte offset of the surrogate in the WTF-8 text
  assertThrows(() => api.canonicalizeText('["\\udc00"]'), canonical('lone_surrogate'), 'escaped');
  assertThrows(() => api.digest('\uD800'), canonical('lone_surrogate'), 'digest of a string');
  // A well-formed string with astral characters works and matches the bytes.
  const s = '{"\u{1F600}":"\u00e9"}';
  assert.deepEqual(api.canonicalizeText(s), api.canonicalizeText(new TextEncoder().encode(s)));
});

test('canonicalizeText: offsets count UTF-8 bytes for string input too', () => {
  const s = '{"\u00e9\u00e9":1,"\u00e9\u00e9":2}';
  const fromString = assertThrows(() => api.canonicalizeText(s), canonical('duplicate_key'), 'string');
  const fromBytes = assertThrows(() => api.canonicalizeText(new TextEncoder().encode(s)), canonical('duplicate_key'), 'bytes');
  assert.equal(fromString.offset, fromBytes.offset);
  assert.equal(fromString.offset, 10); // the second name starts at byte 10
});

test('errors: name, code, offset and message from the core', () => {
  const e = assertThrows(() => api.canonicalizeText('{"a":1,"a":2}'), canonical('duplicate_key'), 'dup');
  assert.equal(e.offset, 7);
  assert.equal(e.path, undefined);
  assert.ok(e instanceof Error);
  const d = assertThrows(() => api.parseDigest('md5:00'), { name: 'DigestError', code: 'unknown_algorithm' }, 'md5');
  assert.equal(typeof d.message, 'string');
  assertThrows(() => api.digest('x', 'sha1'), { name: 'DigestError', code: 'unknown_algorithm' }, 'sha1');
  assertThrows(() => api.canonicalDigestText('{}', 'md5'), { name: 'DigestError', code: 'unknown_algorithm' }, 'md5');
});

test('bad arguments: TypeError with code invalid_argument', () => {
  const bad = [
    () => api.canonicalizeText(42),
    () => api.canonicalizeText(undefined),
    () => api.canonicalizeText(new Uint16Array(2)),
    // Only a real Uint8Array is bytes: not a Proxy of one, not an object
    // with Uint8Array.prototype.
    () => api.canonicalizeText(new Proxy(new Uint8Array(2), {})),
    () => api.canonicalizeText(Object.create(Uint8Array.prototype)),
    () => api.digest({}),
    () => api.digest('x', 256),
    () => api.parseDigest(5),
  ];
  for (const fn of bad) {
    assert.throws(fn, (e) => e instanceof TypeError && e.code === 'invalid_argument');
  }
});

test('canonicalize options are read by the core: OptionsError', () => {
  const options = (code) => ({ name: 'OptionsError', code });
  assertThrows(() => api.canonicalize(1, { maxDepth: 0 }), options('invalid_option'), 'maxDepth 0');
  assertThrows(() => api.canonicalize(1, { maxDepth: 1.5 }), options('invalid_option'), 'maxDepth 1.5');
  assertThrows(() => api.canonicalize(1, { maxDepth: 2000 }), options('invalid_option'), 'maxDepth 2000');
  assertThrows(() => api.canonicalizeText('{}', { maxDepth: '3' }), options('invalid_option'), 'maxDepth "3"');
  assertThrows(() => api.canonicalizeText('{}', 'deep'), options('invalid_option'), 'a string');
  assertThrows(() => api.canonicalize({}, 7), options('invalid_option'), 'a number');
  const e = assertThrows(() => api.canonicalize({}, { max_depth: 3 }), options('unknown_option'), 'snake_case');
  assert.match(e.message, /did you mean "maxDepth"/);
  assertThrows(() => api.canonicalDigest({}, 'sha256', { depth: 3 }), options('unknown_option'), 'canonicalDigest');
  assertThrows(() => api.canonicalDigestText('{}', null, { maxDepth: 0 }), options('invalid_option'), 'canonicalDigestText');
  assert.equal(text(api.canonicalize([[1]], { maxDepth: 2 })), '[[1]]');
  assert.equal(text(api.canonicalize([[1]], null)), '[[1]]');
});

test('a typed array subclass with a lying length is read by its real length', () => {
  class Liar extends Uint8Array { get length() { return 2 ** 31; } get byteLength() { return 2 ** 31; } }
  const liar = new Liar([0x5b, 0x31, 0x5d]);
  assert.equal(text(api.canonicalizeText(liar)), '[1]');
  assert.equal(api.digest(liar), api.digest(new Uint8Array([0x5b, 0x31, 0x5d])));
  const shadowed = new Uint8Array([0x5b, 0x5d]);
  Object.defineProperty(shadowed, 'length', { value: 1e9 });
  assert.equal(text(api.canonicalizeText(shadowed)), '[]');
});

test('digest and parseDigest', () => {
  const abc = 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  assert.equal(api.digest('abc'), abc);
  assert.equal(api.digest(new Uint8Array([0x61, 0x62, 0x63]), 'sha256'), abc);
  assert.equal(api.digest(Buffer.from('abc'), null), abc);
  assert.deepEqual({ ...api.parseDigest(abc) }, { algorithm: 'sha256', hex: abc.slice(7) });
  assertThrows(() => api.parseDigest('sha256:\uD800'), { name: 'DigestError', code: 'malformed_digest' }, 'surrogate');
});

test('version and the package exports map (node condition)', async () => {
  assert.equal(api.version(), '0.1.0');
  const viaExports = await import('trustcore-wasm');
  assert.equal(viaExports.version(), '0.1.0');
  assert.equal(typeof viaExports.canonicalize, 'function');
  assert.equal(text(viaExports.canonicalizeText('[ 1 ]')), '[1]');
});

test('nesting up to maxDepth 1024 works on both paths (no stack overflow)', () => {
  let value = 1;
  for (let i = 0; i < 1024; i++) value = [value];
  const textForm = '['.repeat(1024) + '1' + ']'.repeat(1024);
  assert.equal(text(api.canonicalize(value, { maxDepth: 1024 })), textForm);
  assert.equal(text(api.canonicalizeText(textForm, { maxDepth: 1024 })), textForm);
  assertThrows(() => api.canonicalize([value], { maxDepth: 1024 }), canonical('depth_limit'), 'value 1025');
  const e = assertThrows(() => api.canonicalizeText(`[${textForm}]`, { maxDepth: 1024 }), canonical('depth_limit'), 'text 1025');
  assert.equal(e.offset, 1024);
});

test('Proxy traps that throw propagate and leave the module usable', () => {
  const keysTrap = new Proxy({}, { ownKeys() { throw new Error('ownKeys trap'); } });
  assert.throws(() => api.canonicalize(keysTrap), { message: 'ownKeys trap' });
  const getTrap = new Proxy([1], { get() { throw new Error('get trap'); } });
  assert.throws(() => api.canonicalize(getTrap), { message: 'get trap' });
  const protoTrap = new Proxy({}, { getPrototypeOf() { throw new Error('proto trap'); } });
  assert.throws(() => api.canonicalizeText(protoTrap), { code: 'invalid_argument' });
  assert.throws(() => api.canonicalize(protoTrap), { message: 'proto trap' });
  for (let i = 0; i < 1000; i++) assert.throws(() => api.canonicalize(getTrap));
  assert.equal(text(api.canonicalize({ z: [1], a: 'x' })), '{"a":"x","z":[1]}');
});
