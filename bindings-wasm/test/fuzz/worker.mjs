// One batch of the boundary fuzzer, in its own process (started by
// test/fuzz/run.mjs, which watches it): loads pkg-node, enumerates every
// exported function, every static method, constructor, method and getter
// of every exported class, and calls them with random arguments.
//
//   node test/fuzz/worker.mjs <seed> <calls> [--replay <n>] [--list]
//
// Before each call it writes `CALL {n, target, args}` to stdout (pipes are
// synchronous on Linux, so the line is out before the call starts) and
// after it `DONE {n, ms, outcome}`; a finding is a `FINDING {...}` line.
// `--replay n` regenerates the batch and makes only call n (and prints the
// exception), `--list` prints the targets.
//
// A finding is: a thrown value that is not an Error with a string `code`
// (other than the fuzzer's own sentinel, which the module must pass through
// unchanged), a `WebAssembly.RuntimeError` (a trap: `unreachable`), a call
// slower than FUZZ_CALL_MS (default 2000), or a module that no longer
// works afterwards (checked every 25 calls and at the end).
import { createRequire } from 'node:module';
import { readFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hostile, makeGood, mutate, prng, SENTINELS } from './values.mjs';
import { signer, signersFile } from '../signer.mjs';

const require = createRequire(import.meta.url);
// FUZZ_PKG: another nodejs build of the module (a folder like pkg-node).
const pkgDir = process.env.FUZZ_PKG ?? fileURLToPath(new URL('../../pkg-node/', import.meta.url));
const api = require(`${pkgDir}/trustcore_wasm.js`);
const dts = readFileSync(`${pkgDir}/trustcore_wasm.d.ts`, 'utf8');
const vec = (name) => JSON.parse(readFileSync(new URL(`../../../test-vectors/${name}`, import.meta.url), 'utf8'));
const vectors = {
  chain: vec('chain.json'),
  signing: vec('signing.json'),
  merkle: vec('merkle.json'),
  policy: vec('policy.json'),
  fixture: JSON.parse(readFileSync(new URL('../fixtures/event-in-checkpoint.json', import.meta.url), 'utf8')),
  profiles: vec('profiles.json'),
  redactionPolicy: { type: 'trustcore.redaction-policy/v1', id: 'p', version: 1, rules: [{ id: 'e', select: { detect: 'email' }, action: 'replace', class: 'email' }] },
};

const CALL_MS = Number(process.env.FUZZ_CALL_MS ?? 2000);
const out = (kind, obj) => writeSync(1, `${kind} ${JSON.stringify(obj, (k, x) => (typeof x === 'bigint' ? `${x}n` : x))}\n`);

// ---------------------------------------------------------------------------
// Targets, enumerated from the module (parameter types from its .d.ts)
// ---------------------------------------------------------------------------

/** Splits a parameter list at top-level commas. */
function splitParams(list) {
  const parts = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if ('([{<'.includes(ch)) depth += 1;
    if (')]}>'.includes(ch)) depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  return parts.map((p) => {
    const m = /^\s*(\w+)(\?)?\s*:\s*(.*)$/s.exec(p);
    return m ? { name: m[1], optional: Boolean(m[2]), type: m[3].trim() } : { name: p.trim(), type: 'unknown' };
  });
}

/** Parameter lists from the .d.ts: `fn` → params, `Class.method` → params. */
function declaredParams() {
  const params = new Map();
  let cls = null;
  for (const line of dts.split('\n')) {
    const c = /^export class (\w+)/.exec(line);
    if (c) cls = c[1];
    if (/^}/.test(line)) cls = null;
    const f = /^export function (\w+)\((.*)\):/.exec(line);
    if (f) params.set(f[1], splitParams(f[2]));
    const m = cls && /^\s+(?:static\s+)?(\w+)\((.*)\):/.exec(line);
    if (m) params.set(`${cls}.${m[1]}`, splitParams(m[2]));
  }
  return params;
}

const isClass = (f) => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));

/** Makes a live instance of each class (every exported class needs one). */
const factories = {
  SignerRegistry: () => api.SignerRegistry.fromJson(vectors.chain.registry),
  Envelope: () => api.Envelope.fromJson(vectors.signing.envelopes[0].envelope),
  PublicKey: () => api.PublicKey.fromBase64(vectors.signing.keys[0].publicKey.base64),
  VerifierKey: () => api.VerifierKey.parse(vectors.fixture.vkey),
  MerkleTree: () => api.MerkleTree.fromLeafData(vectors.merkle.leaves.slice(0, 7)),
  ChainVerifier: () => {
    const v = api.ChainVerifier.create(api.SignerRegistry.fromJson(vectors.chain.registry));
    v.feed(vectors.chain.cases[0].jsonl.slice(0, 900));
    return v;
  },
  PolicySet: () => api.PolicySet.fromJson(JSON.stringify(vectors.policy.policySets.kernel)),
  ApprovalSet: () => api.ApprovalSet.fromJson(vectors.signing.approvals[0].set),
  SegmentVerifier: () => {
    const v = api.SegmentVerifier.forBytes(api.SignerRegistry.fromJson(vectors.chain.registry), 0, 2000);
    v.pushBytes(vectors.chain.cases[0].jsonl.slice(0, 900));
    return v;
  },
  Segment: () => segment(),
  Stitcher: () => api.Stitcher.create([segment().summary()], [], null),
  Snapshot: () => snapshot().snap,
  SnapshotVerifier: () => api.SnapshotVerifier.create(snapshot().snap, api.SignerRegistry.fromJson(snapshot().signers)),
  ChainWriter: () => api.ChainWriter.create('s1', api.PublicKey.fromBytes(fuzzKey.publicKeyRaw)),
  PreparedEvent: () => api.ChainWriter.create('s1', api.PublicKey.fromBytes(fuzzKey.publicKeyRaw)).prepare(body),
  RedactionPolicy: () => api.RedactionPolicy.fromJson(vectors.redactionPolicy),
  SnapshotBuilder: () => api.SnapshotBuilder.create(),
  UnsignedSnapshot: () => snapshot().unsigned(),
  PreparedSnapshot: () => snapshot().unsigned().prepare('s1'),
};

const fuzzKey = signer(51);
const body = { id: '6f1c2a4e-0000-4000-8000-000000000001', ts: '2026-03-01T12:00:00Z', eventType: 'x.y', actor: 'a', payload: { n: 1 } };
function segment() {
  const v = api.SegmentVerifier.create(api.SignerRegistry.fromJson(vectors.chain.registry));
  v.pushBytes(vectors.chain.cases[0].jsonl);
  return v.finish();
}
let snap = null;
function snapshot() {
  const unsigned = () => {
    const b = api.SnapshotBuilder.create();
    b.push({ trace_id: 't1', ts: '2026-03-01T12:00:00Z', email: 'a@example.com' });
    return b.finish('snap-fuzz', '2026-03-01T13:00:00Z');
  };
  if (!snap) {
    const p = unsigned().prepare('s1');
    snap = {
      snap: p.attach(fuzzKey.sign(p.message), api.PublicKey.fromBytes(fuzzKey.publicKeyRaw)),
      signers: signersFile({ s1: { key: fuzzKey } }),
    };
  }
  return { ...snap, snap: api.Snapshot.fromJson(snap.snap.toJson()), unsigned };
}

function targets() {
  const params = declaredParams();
  const list = [];
  for (const [name, value] of Object.entries(api)) {
    if (typeof value !== 'function') continue;
    if (!isClass(value)) {
      list.push({ id: name, kind: 'function', params: params.get(name), call: (args) => value(...args) });
      continue;
    }
    if (!factories[name]) throw new Error(`fuzz: no factory for the exported class ${name}: add one to test/fuzz/worker.mjs`);
    list.push({ id: `new ${name}`, kind: 'constructor', params: params.get(`${name}.constructor`) ?? [], call: (args) => new value(...args) });
    for (const key of Object.getOwnPropertyNames(value)) {
      if (['length', 'name', 'prototype'].includes(key) || key.startsWith('__')) continue;
      const f = value[key];
      if (typeof f === 'function') list.push({ id: `${name}.${key}`, kind: 'static', params: params.get(`${name}.${key}`), call: (args) => f.apply(value, args) });
    }
    for (const key of [...Object.getOwnPropertyNames(value.prototype), ...Object.getOwnPropertySymbols(value.prototype)]) {
      if (key === 'constructor' || (typeof key === 'string' && key.startsWith('__'))) continue;
      const desc = Object.getOwnPropertyDescriptor(value.prototype, key);
      const label = `${name}#${String(key)}`;
      if (desc.get) {
        list.push({ id: label, kind: 'getter', params: [], self: name, call: (args, self) => desc.get.call(self) });
      } else if (typeof desc.value === 'function') {
        list.push({ id: label, kind: 'method', params: params.get(`${name}.${String(key)}`), self: name, call: (args, self) => desc.value.apply(self, args) });
      }
    }
  }
  return list;
}

// ---------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------

const all = targets();
if (process.argv.includes('--list')) {
  for (const t of all) console.log(`${t.kind.padEnd(11)} ${t.id}(${(t.params ?? []).map((p) => `${p.name}: ${p.type}`).join(', ')})`);
  process.exit(0);
}

const kinds = Object.create(null);
for (const t of all) kinds[t.kind] = (kinds[t.kind] ?? 0) + 1;
out('TARGETS', { count: all.length, kinds });

const seed = Number(process.argv[2] ?? 1);
const calls = Number(process.argv[3] ?? 100);
const replayAt = process.argv.includes('--replay') ? Number(process.argv[process.argv.indexOf('--replay') + 1]) : -1;
const r = prng(seed);
const good = makeGood(api, vectors);

function argument(p) {
  const g = p && r.chance(0.7) ? good(r, p.type, p.name) : null;
  if (g && r.chance(0.25)) return mutate(r, g);
  return g ?? hostile(r);
}

function plan(n) {
  const t = all[r.int(all.length)];
  const declared = t.params ?? [];
  // Mostly the declared arity; sometimes fewer or one more.
  let count = declared.length;
  if (r.chance(0.15)) count = r.int(declared.length + 1);
  else if (r.chance(0.1)) count += 1;
  const args = Array.from({ length: count }, (_, i) => argument(declared[i]));
  // The receiver of a method or getter: a live instance, mostly; sometimes
  // a freed one or an object that only has the class's prototype.
  let self = null;
  let selfDesc;
  if (t.self) {
    const roll = r.next();
    if (roll < 0.85) {
      self = factories[t.self]();
      selfDesc = `a ${t.self}`;
    } else if (roll < 0.95) {
      self = factories[t.self]();
      self.free();
      selfDesc = `a freed ${t.self}`;
    } else {
      self = Object.create(api[t.self].prototype);
      selfDesc = `Object.create(${t.self}.prototype)`;
    }
  }
  return { n, t, args, self, desc: { n, target: t.id, self: selfDesc, args: args.map((a) => a.desc) } };
}

/** Whether a thrown value is acceptable, and why not. */
function judge(e) {
  if (SENTINELS.has(e)) return null; // the caller's own exception, unchanged
  if (e instanceof WebAssembly.RuntimeError) return `WebAssembly trap: ${e.message}`;
  if (!(e instanceof Error)) return `threw a non-Error: ${typeof e} ${String(e).slice(0, 100)}`;
  if (typeof e.code !== 'string' || e.code === '') return `code-less ${e.name}: ${String(e.message).slice(0, 200)}`;
  return null;
}

const utf8 = new TextDecoder();
const sanityRows = vectors.chain.cases[0].jsonl;
function sane() {
  try {
    if (utf8.decode(api.canonicalize({ b: 1, a: [2, '\u00e9'] })) !== '{"a":[2,"é"],"b":1}') return 'canonicalize gives other bytes';
    const registry = api.SignerRegistry.fromJson(vectors.chain.registry);
    const v = api.ChainVerifier.create(registry);
    v.feed(sanityRows);
    if (v.finish().valid !== true) return 'a good chain no longer verifies';
    return null;
  } catch (e) {
    return `the module no longer works: ${e?.name} ${e?.message}`;
  }
}

let findings = 0;
for (let n = 0; n < calls; n += 1) {
  const p = plan(n);
  if (replayAt >= 0 && n !== replayAt) continue;
  out('CALL', p.desc);
  const start = performance.now();
  let thrown;
  let threw = false;
  try {
    p.t.call(p.args.map((a) => a.value), p.self);
  } catch (e) {
    threw = true;
    thrown = e;
  }
  const ms = Math.round(performance.now() - start);
  let problem = threw ? judge(thrown) : null;
  if (!problem && ms > CALL_MS) problem = `slow: ${ms} ms (limit ${CALL_MS})`;
  if (!problem && (n % 25 === 24 || n === calls - 1)) {
    const bad = sane();
    if (bad) problem = `after this call: ${bad}`;
  }
  if (replayAt >= 0) console.log(threw ? thrown : 'returned', problem ?? '');
  if (problem) {
    findings += 1;
    out('FINDING', { seed, ...p.desc, problem });
    if (problem.startsWith('WebAssembly trap') || problem.startsWith('after this call')) process.exit(3);
  }
  out('DONE', { n, ms, target: p.t.id, outcome: threw ? (thrown?.code ?? 'sentinel') : 'returned' });
  try {
    p.self?.free?.();
  } catch {
    // already freed (the freed-receiver case)
  }
}
process.exit(findings ? 1 : 0);
