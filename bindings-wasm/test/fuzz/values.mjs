// Values for the boundary fuzzer (test/fuzz/run.mjs): hostile JS values of
// every kind, and well-formed values by declared parameter type (from the
// package's .d.ts) so that calls also get past the first argument check.
//
// Every generator takes the PRNG and returns `{ value, desc }`: `desc` is
// what a finding prints, so an input can be rebuilt from it (and from the
// seed and call number, which replay it exactly).
//
// Getters and Proxy traps here throw only the values in SENTINELS: an
// exception the caller's own code throws while an argument is read is
// thrown unchanged by the module (documented), so the harness recognises
// its own by identity. Traps never break the Proxy invariants (an engine
// TypeError for a broken trap is the caller's bug, not the module's).

/** A small seeded PRNG (mulberry32). */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

class FuzzError extends Error {
  constructor() {
    super('thrown by the fuzzer\'s own getter or trap');
    this.name = 'FuzzError';
  }
}

/** What the fuzzer's own getters and traps throw. */
export const SENTINEL_ERROR = new FuzzError();
export const SENTINEL_VALUE = Symbol.for('trustcore-fuzz-sentinel');
export const SENTINELS = new Set([SENTINEL_ERROR, SENTINEL_VALUE]);

function thrower(r) {
  return r.chance(0.5) ? SENTINEL_ERROR : SENTINEL_VALUE;
}

const v = (value, desc) => ({ value, desc });

/** A detached Uint8Array (its buffer transferred away). */
function detached() {
  const u = new Uint8Array(16);
  structuredClone(u.buffer, { transfer: [u.buffer] });
  return u;
}

function deepArray(depth) {
  let x = [1];
  for (let i = 0; i < depth; i += 1) x = [x];
  return x;
}

class Point {
  constructor() {
    this.x = 1;
  }
}

class LyingBytes extends Uint8Array {
  get length() {
    return 2 ** 31;
  }
  get byteLength() {
    return 2 ** 31;
  }
}

// Built once per worker: big values are shared (they are never changed).
let big;
function bigValues() {
  big ??= {
    mb16: 'a'.repeat(2 ** 24),
    mb4Lone: `${'b'.repeat(2 ** 22)}\uD800`,
    mb1Json: `[${'1,'.repeat(2 ** 19)}1]`,
    bytes4m: new Uint8Array(2 ** 22).fill(0x7b),
  };
  return big;
}

/** Hostile values, by family. */
const HOSTILE = [
  // primitives
  () => v(undefined, 'undefined'),
  () => v(null, 'null'),
  (r) => { const b = r.chance(0.5); return v(b, String(b)); },
  (r) => { const n = r.pick([0, -0, NaN, Infinity, -Infinity, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 53 + 2, -1, 1.5, 2 ** 32, 2 ** 32 - 1, 2 ** 31, -(2 ** 63), 1e21]); return v(n, Object.is(n, -0) ? '-0' : String(n)); },
  (r) => { const n = r.int(2 ** 31) - 2 ** 30; return v(n, String(n)); },
  (r) => { const n = r.pick([0n, -1n, 1n, 2n ** 63n - 1n, 2n ** 64n, -(2n ** 64n)]); return v(n, `${n}n`); },
  (r) => r.pick([v(Symbol('x'), "Symbol('x')"), v(Symbol.iterator, 'Symbol.iterator')]),
  // strings
  (r) => { const s = r.pick(['', 'a', '\uD800', '\uDC00x', 'x\uD83D', '\uD83D\uDE00', '\u0000', '{}', '[]', '[1]', 'null', '{"a":1,"a":2}', '{"a":', '1e400', '9007199254740993', '00'.repeat(32), 'AA'.repeat(32), `sha256:${'0'.repeat(64)}`, 'md5:00', '2026-03-01T00:00:00Z', '2026-03-01', '-----BEGIN PUBLIC KEY-----\n', 'a+b+c', '\n\n\n', 'ed25519ph', 'sha256', 'blake3']); return v(s, JSON.stringify(s)); },
  (r) => { const n = r.pick([1e3, 1e5, 1e6]); const c = r.pick(['x', '\u00e9', '\uD800', '\n', '{', '"']); return v(c.repeat(n), `${JSON.stringify(c)}.repeat(${n})`); },
  () => v(bigValues().mb16, "'a'.repeat(2 ** 24)"),
  () => v(bigValues().mb4Lone, "'b'.repeat(2 ** 22) + '\\uD800'"),
  () => v(bigValues().mb1Json, 'a JSON array of 2^19 + 1 ones'),
  // arrays
  () => v([], '[]'),
  () => v(new Array(2 ** 32 - 1), 'new Array(2 ** 32 - 1)'),
  () => v(new Array(2 ** 27), 'new Array(2 ** 27)'),
  // eslint-disable-next-line no-sparse-arrays
  () => v([1, , 3], '[1, , 3]'),
  () => v([undefined], '[undefined]'),
  () => v([[new Array(1e9)]], '[[new Array(1e9)]]'),
  () => v(new Array(2e5).fill(0), 'new Array(2e5).fill(0)'),
  () => v(new Array(3e4).fill('00'.repeat(32)), "new Array(3e4).fill('00'.repeat(32))"),
  () => v(deepArray(5000), '5000 nested arrays'),
  (r) => { const a = [1, 2, 3]; Object.defineProperty(a, 1, { get() { throw thrower(r); } }); return v(a, '[1, <getter that throws>, 3]'); },
  (r) => v(new Proxy([1, 2], { get() { throw thrower(r); } }), 'Proxy([1, 2], get throws)'),
  () => v(new Proxy([], { get: (t, k) => (k === 'length' ? 2 ** 32 - 1 : undefined), has: () => false }), 'Proxy([]) claiming length 2^32 - 1'),
  () => { const a = []; a.push(a); return v(a, 'a cyclic array'); },
  () => v(Array(3).fill(bigValues().mb16), "Array(3).fill('a'.repeat(2 ** 24)) (48 MB of text)"),
  // objects
  () => v({}, '{}'),
  () => v(Object.create(null), 'Object.create(null)'),
  () => { const o = { a: 1 }; o.self = o; return v(o, 'a cyclic object'); },
  (r) => v({ ok: 1, get bad() { throw thrower(r); } }, '{ok, get bad() throws}'),
  (r) => v(new Proxy({}, { ownKeys() { throw thrower(r); } }), 'Proxy({}, ownKeys throws)'),
  (r) => v(new Proxy({ a: 1 }, { get() { throw thrower(r); } }), 'Proxy({a: 1}, get throws)'),
  (r) => v(new Proxy({}, { getPrototypeOf() { throw thrower(r); } }), 'Proxy({}, getPrototypeOf throws)'),
  (r) => v(new Proxy({}, { has() { throw thrower(r); }, getOwnPropertyDescriptor() { throw thrower(r); } }), 'Proxy({}, has/getOwnPropertyDescriptor throw)'),
  () => { const p = Proxy.revocable({}, {}); p.revoke(); return v(p.proxy, 'a revoked Proxy'); },
  () => { const p = Proxy.revocable([], {}); p.revoke(); return v(p.proxy, 'a revoked Proxy of an array'); },
  () => v(new Point(), 'new Point() (a class instance)'),
  (r) => v({ toString() { throw thrower(r); }, valueOf() { throw thrower(r); }, toJSON() { throw thrower(r); } }, '{toString, valueOf, toJSON throw}'),
  () => v(Object.fromEntries(Array.from({ length: 5e4 }, (_, i) => [`k${i}`, i])), 'an object of 5e4 members'),
  () => v({ __proto__: null, ['\uD800']: 1 }, '{"\\uD800": 1}'),
  () => v({ [Symbol('k')]: 1 }, '{[Symbol(k)]: 1}'),
  (r) => { const s = r.pick([new String('x'), new Number(1), Object(1n), Object(Symbol('s')), new Boolean(false)]); return v(s, `a boxed ${typeof s.valueOf()}`); },
  (r) => { const d = r.pick([new Date(0), new Date(NaN), new Date(8.64e15), new Date('2026-03-01T00:00:00Z')]); return v(d, `new Date(${d.getTime()})`); },
  () => v(Object.create(Date.prototype), 'Object.create(Date.prototype)'),
  (r) => { const x = r.pick([new Map([['a', 1]]), new Set([1]), /re/g, new Error('e'), Promise.resolve(1), new WeakMap(), () => 1, function named() {}, async () => 1, Math, JSON, globalThis]); return v(x, `a ${Object.prototype.toString.call(x)}`); },
  // bytes of every kind
  (r) => {
    const kinds = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
    const K = r.pick(kinds);
    const n = r.pick([0, 1, 31, 32, 33, 64, 1000]);
    const a = new K(n);
    if (K !== BigInt64Array && K !== BigUint64Array) for (let i = 0; i < n; i += 1) a[i] = r.int(256);
    return v(a, `new ${K.name}(${n})`);
  },
  (r) => { const n = r.pick([0, 8, 32]); return r.pick([v(new ArrayBuffer(n), `new ArrayBuffer(${n})`), v(new DataView(new ArrayBuffer(n)), `new DataView(${n})`), v(new SharedArrayBuffer(n), `new SharedArrayBuffer(${n})`), v(Buffer.alloc(n, 0x61), `Buffer.alloc(${n})`)]); },
  () => v(new LyingBytes([0x7b, 0x7d]), 'a Uint8Array subclass whose length says 2^31'),
  () => { const u = new Uint8Array([0x5b, 0x5d]); Object.defineProperty(u, 'length', { value: 1e9 }); return v(u, 'a Uint8Array with an own length of 1e9'); },
  () => v(detached(), 'a detached Uint8Array'),
  () => v(new Proxy(new Uint8Array(32), {}), 'Proxy(new Uint8Array(32))'),
  () => v(Object.create(Uint8Array.prototype), 'Object.create(Uint8Array.prototype)'),
  () => v(bigValues().bytes4m, 'new Uint8Array(2 ** 22)'),
  () => v(new Uint8Array(new SharedArrayBuffer(64)), 'a Uint8Array over a SharedArrayBuffer'),
];

/** One hostile value. */
export function hostile(r) {
  return r.pick(HOSTILE)(r);
}

/** A value of the same shape as `good` with one part replaced by a hostile one. */
export function mutate(r, good) {
  const h = hostile(r);
  const x = good.value;
  if (Array.isArray(x)) {
    const out = x.slice();
    const i = r.int(out.length + 2);
    if (r.chance(0.2)) {
      out.length = i + 1; // a hole before the end
      return v(out, `${good.desc} with length ${i + 1}`);
    }
    out[i] = h.value;
    return v(out, `${good.desc} with [${i}] = ${h.desc}`);
  }
  if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    const keys = Object.keys(x);
    const k = keys.length && r.chance(0.7) ? r.pick(keys) : r.pick(['extra', 'maxBreaks', 'expected_head', 'payload', 'seq', 'hashAlg', 'maxDepth']);
    return v({ ...x, [k]: h.value }, `${good.desc} with .${k} = ${h.desc}`);
  }
  return h;
}

/**
 * Well-formed values for a declared parameter (its TypeScript type and
 * name), built from the shared vectors. Returns null when nothing fits.
 */
export function makeGood(api, vectors) {
  const { chain, signing, merkle, policy, fixture } = vectors;
  const rows = chain.cases.find((c) => c.id === 'good/ten').jsonl.split('\n').filter((l) => l);
  const registry = () => api.SignerRegistry.fromJson(chain.registry);
  const envelopeText = signing.envelopes[0].envelope;
  const policyText = JSON.stringify(policy.policySets.kernel);
  const request = policy.cases.find((c) => c.kind === 'evaluate' && c.request).request;
  const set = () => api.PolicySet.fromJson(policyText);
  const record = () => api.evaluate(set(), request).policyChecks[0];
  const texts = [rows.join('\n'), chain.registry, envelopeText, policyText, fixture.checkpoint.note, signing.approvals[0].set];
  const state = () => { const cv = api.ChainVerifier.create(registry()); cv.feed(rows.slice(0, 4).map((l) => `${l}\n`).join('')); return cv.state(); };
  const head = () => { const d = JSON.parse(rows[4]); return { hash: d.hash, seq: d.seq, ts: d.ts }; };
  const verifyOptions = (r) => r.pick([
    {}, { stopAtFirst: true }, { maxBreaks: 0 }, { maxBreaks: 3, trackIds: false }, { hashAlg: 'blake3' },
    { expectedHead: head() }, { checkpoint: { size: fixture.checkpoint.size, root: fixture.checkpoint.root } },
    { maxRowBytes: 100, threads: 2 },
  ]);
  const profileDocs = vectors.profiles?.profiles ?? [];
  const segment = () => { const sv = api.SegmentVerifier.create(registry()); sv.pushBytes(rows.join('\n')); return sv.finish(); };
  const table = [
    [/ProfileInput/, (r) => (r.chance(0.5) ? v(r.pick(['trustcore/v1', 'kernel/v1', 'row-digest/v1', 'payload-sig/v1']), 'a built-in name') : v(r.pick(profileDocs), 'a profile document'))],
    [/RowOptions/, (r) => v(r.pick([{}, { profile: 'kernel/v1' }, { hashAlg: 'blake3' }, { profile: profileDocs[4] }]), '{profile?, hashAlg?}')],
    [/DuplicateRow\[\]/, (r) => v(r.pick([[], [[0, 3]], [[1, 0], [0, 2]]]), 'duplicates')],
    [/^Segment\[\]$/, () => v([segment(), segment()], 'two segments')],
    [/^Uint8Array\[\]$/, (r) => v(r.pick([[], [new Uint8Array(28)], [new Uint8Array(56), new Uint8Array(0)]]), 'id buckets')],
    [/RecheckInput\[\]/, () => v([rows[0], rows[1]], 'two rows')],
    [/SnapshotOptions/, (r) => v(r.pick([{}, { hashAlg: 'blake3' }, { traceId: '/id', ts: '/at' }]), 'snapshot options')],
    [/WriterOptions/, (r) => v(r.pick([{}, { profile: 'kernel/v1' }, { alg: 'ed25519ph' }, { head: head() }]), 'writer options')],
    [/EventBody/, () => v({ id: '6f1c2a4e-0000-4000-8000-000000000001', ts: '2026-03-01T12:00:00Z', eventType: 'x.y', actor: 'a', payload: { n: 1 } }, 'an event body')],
    [/SignerRegistry/, () => v(registry(), 'SignerRegistry.fromJson(chain.registry)')],
    [/PolicySet/, () => v(set(), 'PolicySet(kernel)')],
    [/^Envelope$/, () => v(api.Envelope.fromJson(envelopeText), 'Envelope.fromJson(signing.envelopes[0])')],
    [/^PublicKey$/, () => v(api.PublicKey.fromBase64(signing.keys[0].publicKey.base64), 'PublicKey(keys[0])')],
    [/VerifierKey \| string\)\[\]/, (r) => v(r.chance(0.5) ? [fixture.vkey] : [api.VerifierKey.parse(fixture.vkey)], '[fixture.vkey]')],
    [/HashInput\[\]/, (r) => { const i = r.int(10); return v(fixture.inclusion[i], `fixture.inclusion[${i}]`); }],
    [/HashInput/, (r) => r.pick([v(fixture.checkpoint.root, 'fixture.checkpoint.root'), v(new Uint8Array(32), 'new Uint8Array(32)')])],
    [/SizeInput/, (r) => { const n = r.int(12); return r.chance(0.3) ? v(BigInt(n), `${n}n`) : v(n, String(n)); }],
    [/EventRow/, (r) => { const i = r.int(rows.length); return r.chance(0.5) ? v(rows[i], `rows[${i}]`) : v(JSON.parse(rows[i]), `rows[${i}] as an object`); }],
    [/VerifyOptions/, (r) => v(verifyOptions(r), 'verify options')],
    [/EventCheckOptions/, (r) => v(r.pick([{}, { hashAlg: 'sha256' }, { hashAlg: 'blake3' }]), '{hashAlg}')],
    [/CanonicalizeOptions/, (r) => v(r.pick([{}, { maxDepth: 1 }, { maxDepth: 1024 }]), '{maxDepth}')],
    [/VerifierState/, () => v(state(), 'a state after 4 rows')],
    [/^Head/, () => v(head(), 'the head at seq 5')],
    [/^Algorithm/, (r) => v(r.pick(['sha256', 'blake3']), 'an algorithm')],
    [/SignatureAlgorithm/, (r) => v(r.pick(['ed25519', 'ed25519ph']), 'a signature algorithm')],
    [/Instant/, (r) => r.pick([v('2026-03-01T12:00:05Z', "'2026-03-01T12:00:05Z'"), v(new Date('2026-03-01T12:00:05Z'), 'a Date')])],
    [/\(object \| string \| Uint8Array\)\[\]/, () => v([request, JSON.stringify(request), { action: 'GET /x' }], 'three requests')],
    [/object \| string \| Uint8Array/, (r) => r.pick([v(request, 'a request'), v(record(), 'a policyCheck record'), v(JSON.stringify(request), 'request text')])],
    [/string \| object/, () => v(signing.keys[0].publicKey.jwk, 'a JWK')],
    [/(string \| Uint8Array\)\[\]|Uint8Array \| string\)\[\])/, () => v(merkle.leaves.slice(0, 5), 'merkle.leaves.slice(0, 5)')],
    [/string \| Uint8Array|Uint8Array \| string/, (r) => { const i = r.int(texts.length); return r.chance(0.3) ? v(new TextEncoder().encode(texts[i]), `texts[${i}] as bytes`) : v(texts[i], `texts[${i}]`); }],
    [/^Uint8Array$/, (r) => { const n = r.pick([32, 64]); return v(new Uint8Array(n), `new Uint8Array(${n})`); }],
    [/^number$/, (r) => { const n = r.int(3); return v(n, String(n)); }],
    [/^unknown$/, (r) => r.pick([v(request, 'a request'), v({ b: [1, 2.5, 'x'], a: null }, 'a JSON object'), v('x', "'x'")])],
    [/^string$/, (r, name) => {
      const byName = {
        kind: 'upgrade.applied', signer: 'kernel-signer', signerId: 'kernel-signer', vkey: fixture.vkey, name: 'audit.example/log',
        pem: signing.keys[0].publicKey.spkiPem, kid: 'k1', text: r.pick([signing.keys[0].publicKey.base64, signing.keys[0].publicKey.hex, `sha256:${'0'.repeat(64)}`]),
      };
      const s = byName[name] ?? 'x';
      return v(s, JSON.stringify(s));
    }],
  ];
  return (r, type, name) => {
    for (const [re, gen] of table) if (re.test(type)) return gen(r, name);
    return null;
  };
}
