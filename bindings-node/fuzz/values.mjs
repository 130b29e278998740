// Random JavaScript values for the binding fuzzer: the hostile ones the
// issue lists (sparse arrays, `new Array(2 ** 32 - 1)`, getters and Proxy
// traps that throw, cyclic objects, huge strings, lone surrogates, BigInt,
// symbols, typed arrays of every kind, class instances, null/undefined,
// NaN/-0/1e308, ...) and plausible ones (real instances of the package's
// classes, valid texts, keys, rows, options objects), so calls get past the
// first argument check often enough to reach the deeper conversions.
//
// Every value gets a printable label when it is made (`label(v)`), so a
// failure can be reported without touching the value again (no getter, no
// trap runs while printing).

import { types } from 'node:util';

/** Errors that fuzz values throw on purpose (getters, traps, callbacks). */
export class PlantedError extends Error {
  constructor(where) {
    super(`planted by the fuzzer: ${where}`);
    this.name = 'PlantedError';
    this.planted = true;
  }
}

/** A small seeded PRNG (mulberry32), so a batch can be replayed. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (list) => list[int(list.length)], chance: (p) => next() < p };
}

const labels = new WeakMap();

/** The printable form recorded when `v` was made. */
export function label(v) {
  switch (typeof v) {
    case 'string': {
      const head = [...v.slice(0, 48)].map((c) => {
        const u = c.charCodeAt(0);
        return c.length === 1 && u >= 0xd800 && u <= 0xdfff ? `\\u${u.toString(16)}` : c;
      });
      return JSON.stringify(head.join('')).slice(0, 80) + (v.length > 48 ? `…(${v.length} units)` : '');
    }
    case 'bigint':
      return `${v}n`;
    case 'symbol':
      return v.toString();
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(v);
    case 'object':
    case 'function':
      if (v === null) return 'null';
      if (labels.has(v)) return labels.get(v);
      if (types.isProxy(v)) return 'Proxy(…)';
      if (Array.isArray(v)) return `[${v.length} items]`;
      return `<${Object.getPrototypeOf(v)?.constructor?.name ?? 'null-prototype'}>`;
    default:
      return typeof v;
  }
}

/** An own enumerable data member (a key `__proto__` included, as JSON.parse makes it). */
function define(o, k, v) {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function named(v, text) {
  labels.set(v, text);
  return v;
}

const TYPED = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
];

const NUMBERS = [
  0, -0, 1, -1, 2, 3, 7, 31, 32, 64, 1.5, -2.5, NaN, Infinity, -Infinity, 1e308, -1e308, 5e-324,
  2 ** 31, 2 ** 32, 2 ** 32 - 1, 2 ** 53, 2 ** 53 - 1, 2 ** 53 + 2, 2 ** 63, 2 ** 64, -(2 ** 53), 1e21, 1024, 1025, 1 << 30,
];

const BIGINTS = [0n, 1n, -1n, 7n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 63n)];

const STRINGS = [
  '', 'a', 'sha256', 'blake3', 'md5', 'ed25519', 'ed25519ph', 'kernel-signer', 's', '\uD800', 'a\uDC00b',
  '\uD83D', '\uD83D\uDE00', 'caf\u00e9', '\u0000', '\n', '{', '[1,2]', '{"a":1,"a":2}', '{"a":1}', 'null', '1e400',
  '9007199254740993', '2026-03-01T12:00:00Z', '2026-03-01 12:00:00Z', 'not a date', '6f1c2a4e-0000-4000-8000-000000000001',
  'sha256:' + 'ab'.repeat(32), '0'.repeat(64), 'AAAA', '=', 'x'.repeat(300), 'POST /kernel/allocate', '__proto__',
  'constructor', 'toJSON', 'trustcore.signer-rotation', 'trustcore.audit-event', 'log', 'audit.example/kernel',
  '— log AAAA\n', 'log\n1\n' + 'A'.repeat(43) + '=\n', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
];

const OPTION_KEYS = [
  'maxDepth', 'max_depth', 'hashAlg', 'hash_alg', 'stopAtFirst', 'stop_at_first', 'trackIds', 'expectedHead',
  'expected_head', 'checkpoint', 'maxRowBytes', 'maxBreaks', 'threads', 'chunkSize', 'head', 'alg', 'id', 'ts',
  'eventType', 'event_type', 'actor', 'payload', 'action', 'subject', 'body', 'type', 'policies', 'signers',
  'signerId', 'publicKey', 'size', 'root', 'hash', 'seq', 'name', 'secretKey', 'kty', 'crv', 'x', 'd', '__proto__',
];

/**
 * A generator of values over `r` (from `rng`) with a pool of plausible
 * values (`plausible`: real instances, valid texts, ...).
 */
export function generator(r, plausible) {
  const hugeStrings = new Map();
  const hugeString = (n) => {
    if (!hugeStrings.has(n)) hugeStrings.set(n, 'x'.repeat(n));
    return hugeStrings.get(n);
  };

  function hostileObject(depth) {
    switch (r.int(24)) {
      case 0:
        return named(new Array(2 ** 32 - 1), 'new Array(2 ** 32 - 1)');
      case 1: {
        const n = r.pick([10, 300, 1 << 16, 2 ** 27]);
        return named(new Array(n), `new Array(${n})`);
      }
      case 2: {
        const a = [value(depth + 1), value(depth + 1)];
        a[r.pick([3, 500, 2 ** 20, 2 ** 31])] = 1;
        return named(a, `sparse [${label(a[0])}, ${label(a[1])}, …hole…, 1] (length ${a.length})`);
      }
      case 3: {
        const o = { a: 1 };
        Object.defineProperty(o, r.pick(OPTION_KEYS), { enumerable: true, get() { throw new PlantedError('getter'); } });
        return named(o, '{ a: 1, get <key>() { throw } }');
      }
      case 4: {
        const trap = r.pick(['get', 'ownKeys', 'getPrototypeOf', 'has', 'getOwnPropertyDescriptor']);
        const target = r.chance(0.5) ? {} : [];
        return named(new Proxy(target, { [trap]() { throw new PlantedError(`Proxy ${trap} trap`); } }), `Proxy(${Array.isArray(target) ? '[]' : '{}'}, ${trap} throws)`);
      }
      case 5:
        return named(new Proxy(new Array(2 ** 32 - 1), {}), 'Proxy(new Array(2 ** 32 - 1))');
      case 6: {
        const o = { a: [1] };
        o.self = o;
        o.a.push(o);
        return named(o, 'cyclic { a: [1, <self>], self: <self> }');
      }
      case 7: {
        const a = [];
        a.push(a, a);
        return named(a, 'cyclic [<self>, <self>]');
      }
      case 8: {
        const T = r.pick(TYPED);
        const n = r.pick([0, 1, 31, 32, 33, 64, 100]);
        return named(new T(n), `new ${T.name}(${n})`);
      }
      case 9: {
        const n = r.pick([31, 32, 33, 64, 65, 1 << 20]);
        const b = Buffer.alloc(n, r.int(256));
        return named(b, `Buffer(${n})`);
      }
      case 10:
        return r.pick([
          named(new Date(NaN), 'new Date(NaN)'),
          named(new Date(8.64e15), 'new Date(8.64e15)'),
          named(new Date('2026-03-01T00:00:00Z'), 'new Date(2026-03-01)'),
          named(new Map([['a', 1]]), 'new Map'),
          named(new Set([1]), 'new Set'),
          named(/x/g, '/x/g'),
          named(new Error('e'), 'new Error'),
          named(Promise.resolve(1), 'Promise.resolve(1)'),
          named(new WeakMap(), 'new WeakMap'),
          named(new ArrayBuffer(32), 'new ArrayBuffer(32)'),
          named(new SharedArrayBuffer(32), 'new SharedArrayBuffer(32)'),
          named(new DataView(new ArrayBuffer(8)), 'new DataView'),
          named(new String('x'), 'new String("x")'),
          named(new Number(1), 'new Number(1)'),
          named(new Boolean(false), 'new Boolean(false)'),
          named(Object(Symbol('boxed')), 'Object(Symbol())'),
          named(new (class Foo { constructor() { this.a = 1; } })(), 'new Foo()'),
        ]);
      case 11:
        return named(Object.create(null), 'Object.create(null)');
      case 12: {
        const o = Object.create(null);
        const v = value(depth + 1);
        define(o, r.pick(OPTION_KEYS), v);
        return named(o, `null-prototype { <key>: ${label(v)} }`);
      }
      case 13: {
        const o = { [Symbol('k')]: 1, a: 2 };
        return named(o, '{ [Symbol(k)]: 1, a: 2 }');
      }
      case 14: {
        const fail = r.chance(0.5);
        const v = value(depth + 1);
        return named(
          fail
            ? () => {
                throw new PlantedError('callback');
              }
            : () => v,
          fail ? '() => { throw }' : `() => ${label(v)}`,
        );
      }
      case 15: {
        const n = r.pick([1 << 20, 1 << 24]);
        return hugeString(n);
      }
      case 16: {
        const a = [1, 2, 3];
        Object.defineProperty(a, 1, { enumerable: true, get() { throw new PlantedError('index getter'); } });
        return named(a, '[1, get 1() { throw }, 3]');
      }
      case 17: {
        const a = [];
        Object.setPrototypeOf(a, new Proxy([], { get: () => 1 }));
        a.length = 2 ** 32 - 1;
        return named(a, 'holes filled by a prototype Proxy (length 2^32 - 1)');
      }
      case 18: {
        let deep = 0;
        for (let i = 0; i < 2000; i++) deep = [deep];
        return named(deep, '2000 nested arrays');
      }
      case 19:
        return named(Object.freeze({ a: [1, { b: null }] }), 'frozen { a: [1, { b: null }] }');
      case 20: {
        const o = {};
        o['\uD800'] = 1;
        return named(o, '{ "\\ud800": 1 }');
      }
      case 21: {
        const keys = r.int(4);
        const o = {};
        for (let i = 0; i < keys; i++) define(o, r.pick(OPTION_KEYS), value(depth + 1));
        define(o, r.pick(OPTION_KEYS), undefined);
        return named(o, `{ …${keys} members, <key>: undefined }`);
      }
      case 22:
        return named(new Array(5).fill(undefined), '[undefined × 5]');
      default:
        return named(Symbol.iterator, 'Symbol.iterator');
    }
  }

  function plainObject(depth) {
    const o = {};
    const n = r.int(5);
    const parts = [];
    for (let i = 0; i < n; i++) {
      const k = r.chance(0.7) ? r.pick(OPTION_KEYS) : r.pick(STRINGS);
      const v = value(depth + 1);
      define(o, k, v);
      parts.push(`${JSON.stringify(k)}: ${label(v)}`);
    }
    return named(o, `{ ${parts.join(', ')} }`.slice(0, 400));
  }

  function array(depth) {
    const n = r.int(6);
    const a = [];
    for (let i = 0; i < n; i++) a.push(value(depth + 1));
    return named(a, `[${a.map(label).join(', ')}]`.slice(0, 400));
  }

  /** One random value. */
  function value(depth = 0) {
    if (depth > 3) return r.pick(NUMBERS);
    const k = r.int(100);
    if (k < 40 && plausible.length > 0) return r.pick(plausible)();
    if (k < 48) return r.pick(NUMBERS);
    if (k < 56) return r.pick(STRINGS);
    if (k < 59) return r.pick(BIGINTS);
    if (k < 62) return r.pick([undefined, null, true, false]);
    if (k < 64) return Symbol('s');
    if (k < 74) return plainObject(depth);
    if (k < 82) return array(depth);
    return hostileObject(depth);
  }

  return { value };
}
