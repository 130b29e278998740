// A regression test per finding of issue #15 that reaches the WASM
// binding (verify side: the forged chains and rotation records are the
// shared vectors', signed by their generators), through the Node build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { api, loadVectors } from './load.mjs';
import { jsChainReport, withoutMessages } from './chain-cases.mjs';

const { SignerRegistry, ChainVerifier, verifyJsonl } = api;
const chain = loadVectors('chain.json');
const signing = loadVectors('signing.json');
const policy = loadVectors('policy.json');
const registry = () => SignerRegistry.fromJson(chain.registry);
const caseOf = (id) => chain.cases.find((c) => c.id === id);
const good = caseOf('good/ten');
const rows = good.jsonl.split('\n').filter((l) => l);
const utf8 = new TextDecoder();

/** Runs `fn`, asserting it takes less than `ms`. */
function fast(ms, fn, what) {
  const start = performance.now();
  const out = fn();
  const took = performance.now() - start;
  assert.ok(took < ms, `${what}: took ${took.toFixed(0)} ms (limit ${ms})`);
  return out;
}

/** The module still works (nothing trapped, nothing poisoned). */
function stillWorks() {
  assert.equal(utf8.decode(api.canonicalize({ b: 1, a: 2 })), '{"a":2,"b":1}');
  assert.equal(verifyJsonl(good.jsonl, registry()).valid, true);
}

// ---------------------------------------------------------------------------
// 1. A trusted head pins history
// ---------------------------------------------------------------------------

test('#15.1: a history rewritten before the trusted head and extended past it is refused', () => {
  const c = caseOf('anchor/rewritten-before-head-and-extended');
  const report = verifyJsonl(c.jsonl, registry(), c.options);
  assert.equal(report.valid, false);
  assert.deepEqual(withoutMessages(report), jsChainReport(c.expected));
  assert.equal(report.breaks[0].reason, 'head_mismatch');
  // Also streaming, and row by row.
  const v = ChainVerifier.create(registry(), c.options);
  for (const line of c.jsonl.split('\n')) if (line) v.feedRow(line);
  assert.equal(v.finish().valid, false);
  // The genuine rows up to the head, extended: valid.
  const ok = caseOf('anchor/extended-after-head');
  assert.equal(verifyJsonl(ok.jsonl, registry(), ok.options).valid, true);
  // A state saved past the head by a run that did not check it cannot
  // stand in for it.
  const lines = c.jsonl.split('\n').filter((l) => l);
  const unchecked = ChainVerifier.create(registry());
  unchecked.feed(lines.map((l) => `${l}\n`).join(''));
  assert.throws(() => ChainVerifier.resume(registry(), unchecked.state(), c.options), { name: 'ChainError', code: 'invalid_state' });
  // A checkpoint pins every row it covers.
  const cp = caseOf('anchor/rewritten-inside-checkpoint');
  assert.equal(verifyJsonl(cp.jsonl, registry(), cp.options).breaks[0].reason, 'checkpoint_mismatch');
});

// ---------------------------------------------------------------------------
// 2. Revocation reaches successors; rotations cannot reach back
// ---------------------------------------------------------------------------

test('#15.2: the rotation thief (back-dated, far-future overlap) is refused, and a successor is revoked with its predecessor', () => {
  const reg = () => SignerRegistry.fromJson(signing.registries['rotation-revoked']);
  for (const c of signing.rotations.filter((x) => x.id.startsWith('rotation/revoked/') && x.error)) {
    const r = reg();
    const before = r.toJson();
    assert.throws(() => r.applyRotation(api.Envelope.fromJson(c.envelope)), { name: 'RegistryError', code: c.error }, c.id);
    assert.throws(() => r.verifyRotation(api.Envelope.fromJson(c.envelope)), { name: 'RegistryError', code: c.error }, c.id);
    assert.equal(r.toJson(), before, `${c.id}: a refused rotation changes nothing`);
  }
  const ok = signing.rotations.find((x) => x.id === 'rotation/revoked/inside-window');
  const r = reg();
  const applied = r.applyRotation(api.Envelope.fromJson(ok.envelope));
  assert.equal(r.toJson(), ok.after);
  assert.equal(applied.next.rotatedFrom, 'kernel-signer');
  assert.equal(r.get('kernel-signer-2').rotatedFrom, 'kernel-signer');
  // Before the predecessor's revocation the successor vouches; at and after it, not.
  assert.ok(r.keyFor('kernel-signer-2', '2026-06-10T00:00:00Z'));
  assert.throws(() => r.keyFor('kernel-signer-2', '2026-06-20T00:00:00Z'), { name: 'RegistryError', code: 'signer_revoked' });
  assert.throws(() => r.keyFor('kernel-signer-2', new Date('2027-01-01T00:00:00Z')), { name: 'RegistryError', code: 'signer_revoked' });
});

// ---------------------------------------------------------------------------
// 3. Huge and sparse arrays: refused fast, nothing allocated from `length`
// ---------------------------------------------------------------------------

test('#15.3: huge and sparse arrays into every array argument fail fast at the first hole, without trapping', () => {
  const reg = registry();
  const set = api.PolicySet.fromJson(JSON.stringify(policy.policySets.kernel));
  const fixtureRow = rows[0];
  const h = '00'.repeat(32);
  const huge = () => new Array(2 ** 32 - 1);
  const typeError = { name: 'TypeError', code: 'invalid_argument' };
  const unsupported = (path) => ({ name: 'CanonicalJsonError', code: 'unsupported_type', path });
  const calls = [
    ['replay', () => api.replay(huge()), typeError],
    ['replay (a hole after rows)', () => { const a = huge(); a[0] = rows[0]; return api.replay(a); }, /rows\[1\]/],
    ['canonicalize', () => api.canonicalize(huge()), unsupported('/0')],
    ['canonicalize (2^27, sparse)', () => api.canonicalize(new Array(2 ** 27)), unsupported('/0')],
    ['canonicalize (nested)', () => api.canonicalize({ a: [[1, huge()]] }), unsupported('/a/0/1/0')],
    ['canonicalize (a hole late)', () => { const a = new Array(1e6).fill(1); delete a[999999]; return api.canonicalize(a); }, unsupported('/999999'), 5000],
    ['canonicalDigest', () => api.canonicalDigest(huge()), unsupported('/0')],
    ['canaryBucket', () => api.canaryBucket({ v: huge() }), unsupported('/v/0')],
    ['MerkleTree.fromLeafData', () => api.MerkleTree.fromLeafData(huge()), typeError],
    ['verifyInclusion proof', () => api.verifyInclusion(h, 0, 1, huge(), h), typeError],
    ['verifyConsistency proof', () => api.verifyConsistency(1, 2, h, h, huge()), typeError],
    ['openCheckpoint keys', () => api.openCheckpoint('x', huge()), typeError],
    ['verifyEventInCheckpoint proof', () => api.verifyEventInCheckpoint(fixtureRow, 0, huge(), 'x', [], reg), typeError],
    ['verifyEventInCheckpoint keys', () => api.verifyEventInCheckpoint(fixtureRow, 0, [], 'x', huge(), reg), typeError],
    ['evaluate', () => api.evaluate(set, { action: 'GET /x', list: huge() }), unsupported('/list/0')],
    ['enforceOrThrow', () => api.enforceOrThrow(set, { action: 'GET /x', list: huge() }), unsupported('/list/0')],
    ['impact', () => api.impact(set, set, huge()), { name: 'CanonicalJsonError', code: 'unsupported_type', path: '/0' }],
    ['impact (inside a request)', () => api.impact(set, set, [{ action: 'GET /x' }, { action: 'GET /y', l: huge() }]), unsupported('/1/l/0')],
    ['explain', () => api.explain({ id: huge() }, set), unsupported('/id/0')],
    ['Envelope.create', () => api.Envelope.create('k.x', { list: huge() }), unsupported('/list/0')],
    ['PolicySet.fromObject', () => api.PolicySet.fromObject({ policies: huge() }), unsupported('/policies/0')],
    ['PublicKey.fromJwk', () => api.PublicKey.fromJwk({ keys: huge() }), unsupported('/keys/0')],
    ['ChainVerifier.create options', () => ChainVerifier.create(reg, { expectedHead: huge() }), unsupported('/expectedHead/0')],
    ['feedRow (a row object)', () => ChainVerifier.create(reg).feedRow({ payload: huge() }), unsupported('/payload/0')],
    ['a Proxy claiming 2^32 - 1 elements', () => api.MerkleTree.fromLeafData(new Proxy([], { get: (t, k) => (k === 'length' ? 2 ** 32 - 1 : undefined) })), typeError],
  ];
  // Each fails at its first hole: in a millisecond or two (the limit leaves
  // room for a loaded machine), except the one that must read a million
  // elements first.
  for (const [what, call, expected, limit = 1000] of calls) {
    fast(limit, () => assert.throws(call, expected, what), what);
  }
  stillWorks();
});

test('#15.3: a dense array of 12 million elements is read (no JS reference per element is kept)', () => {
  // Before, every element held a slot of the externref table (at most 10
  // million): this trapped and left the module unusable.
  const out = api.canonicalize(new Array(12e6).fill(0));
  assert.equal(out.length, 24e6 + 1);
  stillWorks();
});

test('#15.3: a typed array is measured by the engine, not by what it says', () => {
  class Liar extends Uint8Array { get length() { return 2 ** 31; } }
  assert.equal(api.digest(new Liar(3)), api.digest(new Uint8Array(3)));
  assert.throws(() => api.digest(new Proxy(new Uint8Array(3), { get() { throw new Error('trap'); } })), { name: 'TypeError', code: 'invalid_argument' });
  stillWorks();
});

// ---------------------------------------------------------------------------
// 4. 20 MB of garbage: a bounded break list, flat memory, no trap
// ---------------------------------------------------------------------------

const garbageLine = `${'x'.repeat(99)}\n`; // 100 bytes, a malformed_row each
const GARBAGE_LINES = Math.ceil((20 * 1024 * 1024) / garbageLine.length);

test('#15.4: 20 MB of garbage lines through ChainVerifier keep 1,000 breaks, count every one, and the verifier stays usable', () => {
  const v = ChainVerifier.create(registry());
  const chunk = garbageLine.repeat(Math.floor((1024 * 1024) / garbageLine.length)); // ~1 MB
  const perChunk = chunk.length / garbageLine.length;
  let fed = 0;
  while (fed < GARBAGE_LINES) {
    v.feed(chunk);
    fed += perChunk;
  }
  // Still usable mid-stream: state and breaks.
  const state = v.state();
  assert.equal(state.position, fed);
  assert.equal(state.breaks, fed);
  assert.deepEqual(state.break_counts, { malformed_row: fed });
  assert.equal(v.breaks().length, 1000);
  // More rows after the garbage, then the report.
  v.feed(rows.map((l) => `${l}\n`).join(''));
  const report = v.finish();
  assert.equal(report.valid, false);
  assert.equal(report.rows, fed + rows.length);
  assert.equal(report.breaks.length, 1000);
  assert.equal(report.breakCount, report.breakCounts.malformed_row + (report.breakCounts.seq_gap ?? 0) + (report.breakCounts.prev_hash_mismatch ?? 0));
  assert.ok(report.breakCounts.malformed_row === fed, JSON.stringify(report.breakCounts));
  assert.ok(report.breaks.every((b) => b.message.length < 2048));
  // The state resumes in a new verifier, and the module is not poisoned.
  const resumed = ChainVerifier.resume(registry(), state);
  resumed.feed(chunk);
  assert.equal(resumed.finish().breakCount, fed + perChunk);
  stillWorks();
});

test('#15.4: verifyJsonl of 20 MB of garbage in a child process: peak RSS stays flat (< 200 MB)', () => {
  const pkg = fileURLToPath(new URL('../pkg-node/trustcore_wasm.js', import.meta.url));
  const script = `
    const t = require(${JSON.stringify(pkg)});
    const reg = t.SignerRegistry.fromJson(${JSON.stringify(chain.registry)});
    const text = ${JSON.stringify(garbageLine)}.repeat(${GARBAGE_LINES});
    const r = t.verifyJsonl(text, reg);
    process.stdout.write(JSON.stringify({ rows: r.rows, kept: r.breaks.length, count: r.breakCount, rss: process.resourceUsage().maxRSS }));
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60000 });
  assert.equal(child.status, 0, child.stderr);
  const out = JSON.parse(child.stdout);
  assert.deepEqual([out.rows, out.kept, out.count], [GARBAGE_LINES, 1000, GARBAGE_LINES]);
  assert.ok(out.rss < 200 * 1024, `peak RSS ${(out.rss / 1024).toFixed(0)} MB`);
});

// ---------------------------------------------------------------------------
// 5. An edited resume state is refused
// ---------------------------------------------------------------------------

test('#15.5: an edited state (stopped without a break, counters that do not add up) is refused, with or without a recomputed check', () => {
  const v = ChainVerifier.create(registry());
  v.feed(rows.slice(0, 4).map((l) => `${l}\n`).join(''));
  const state = v.state();
  assert.equal(state.type, 'trustcore.chain-verifier-state/v2');
  assert.match(state.check, /^sha256:[0-9a-f]{64}$/);
  // The check is the SHA-256 of the canonical document without it.
  const { check, ...body } = state;
  assert.equal(api.canonicalDigest(body), check);
  const recheck = (s) => { const { check: _, ...b } = s; return { ...b, check: api.canonicalDigest(b) }; };
  const edits = {
    'stopped: true, breaks: 0': { stopped: true },
    'more events than rows': { count: state.position + 1 },
    'breaks that do not add up': { breaks: 3 },
    'a frontier larger than the rows': { merkle: { size: 99, hashes: state.merkle.hashes } },
  };
  for (const [what, edit] of Object.entries(edits)) {
    const edited = { ...state, ...edit };
    assert.throws(() => ChainVerifier.resume(registry(), edited), { name: 'ChainError', code: 'invalid_state' }, `${what} (stale check)`);
    assert.throws(() => ChainVerifier.resume(registry(), recheck(edited)), { name: 'ChainError', code: 'invalid_state' }, `${what} (recomputed check)`);
    assert.throws(() => ChainVerifier.resume(registry(), JSON.stringify(recheck(edited))), { name: 'ChainError', code: 'invalid_state' }, `${what} (as text)`);
  }
  // The garbage plus an impossible head of the issue: refused before anything is read.
  const impossible = recheck({ ...state, stopped: true, breaks: 0, break_counts: {} });
  assert.throws(() => ChainVerifier.resume(registry(), impossible, { expectedHead: { hash: 'ab'.repeat(32), seq: 1 } }),
    { name: 'ChainError', code: 'invalid_state' });
  // A v1 state has no check: refused with a message saying so.
  assert.throws(() => ChainVerifier.resume(registry(), { ...state, type: 'trustcore.chain-verifier-state/v1' }), /v1 state/);
  // The real one resumes and gives the whole-chain verdict.
  const resumed = ChainVerifier.resume(registry(), state);
  resumed.feed(rows.slice(4).join('\n'));
  assert.equal(resumed.finish().valid, true);
});

// ---------------------------------------------------------------------------
// 6. Misspelled options are refused
// ---------------------------------------------------------------------------

test('#15.6: a misspelled option (expected_head in JavaScript) is OptionsError unknown_option, everywhere options are taken', () => {
  const truncated = rows.slice(0, 7).join('\n');
  const head = { hash: JSON.parse(rows[9]).hash, seq: 10 };
  assert.equal(verifyJsonl(truncated, registry(), { expectedHead: head }).valid, false);
  const unknown = { name: 'OptionsError', code: 'unknown_option' };
  assert.throws(() => verifyJsonl(truncated, registry(), { expected_head: head }), unknown);
  assert.throws(() => verifyJsonl(truncated, registry(), { expected_head: head }), /did you mean "expectedHead"/);
  assert.throws(() => ChainVerifier.create(registry(), { expected_head: head }), unknown);
  assert.throws(() => ChainVerifier.resume(registry(), ChainVerifier.create(registry()).state(), { stopAtFrist: true }), unknown);
  assert.throws(() => api.verifyRow(rows[0], registry(), { hashalg: 'sha256' }), unknown);
  assert.throws(() => api.canonicalize(1, { maxdepth: 3 }), unknown);
  assert.throws(() => api.canonicalizeText('1', { depth: 3 }), unknown);
});

// ---------------------------------------------------------------------------
// 7. Policy evaluation is bounded
// ---------------------------------------------------------------------------

test('#15.7: policy limits give their codes quickly', () => {
  const doc = policy.policySets.kernel;
  const set = api.PolicySet.fromJson(JSON.stringify(doc));
  const policyError = (code) => ({ name: 'PolicyError', code });
  fast(1000, () => assert.throws(() => api.evaluate(set, { action: 'POST /kernel/allocate', body: { blob: 'x'.repeat(1 << 20) } }),
    policyError('request_too_large')), 'a request over 1 MiB');
  fast(1000, () => assert.throws(() => api.evaluate(set, JSON.stringify({ action: 'POST /kernel/allocate', body: { blob: 'x'.repeat(1 << 20) } })),
    policyError('request_too_large')), 'request text over 1 MiB');
  fast(500, () => assert.throws(() => api.evaluate(set, { action: `POST /${'a'.repeat(5000)}` }), policyError('invalid_request')), 'a 5 KB action');
  const longGlob = structuredClone(doc);
  longGlob.policies[0].target.actions = [`*${'?a'.repeat(200)}`];
  assert.throws(() => api.PolicySet.fromObject(longGlob), policyError('invalid_policy'));
  // A general glob over a huge value: the work limit stops it, and the
  // check fails closed (deny) with its own code in the record.
  const glob = structuredClone(doc);
  glob.policies[0].condition = { op: 'glob', path: '/body/note', value: `*${'a?'.repeat(100)}*b` };
  const globSet = api.PolicySet.fromObject(glob);
  const request = { action: 'POST /kernel/allocate', subject: { id: 'u', roles: ['Operator'] }, body: { amount: 1, note: 'a'.repeat(900000) } };
  const d = fast(1500, () => api.evaluate(globSet, request), 'a glob over a 900 kB value');
  assert.equal(d.decision, 'deny');
  assert.ok(d.policyChecks.some((c) => c.error?.code === 'evaluation_limit'), JSON.stringify(d.policyChecks.map((c) => c.error)));
  assert.throws(() => api.enforceOrThrow(globSet, request), { name: 'PolicyDeniedError', code: 'policy_denied' });
  // 50,000 distinct evidence pointers: linear.
  const wide = structuredClone(doc);
  wide.policies[0].condition = { any: Array.from({ length: 50000 }, (_, i) => ({ op: 'exists', path: `/body/f${i}` })) };
  const wideSet = api.PolicySet.fromObject(wide);
  fast(3000, () => api.evaluate(wideSet, { action: 'POST /kernel/allocate', subject: { id: 'u', roles: ['Operator'] }, body: { amount: 1 } }), '50k leaves');
});

// ---------------------------------------------------------------------------
// 8. The low findings
// ---------------------------------------------------------------------------

test('#15.8: messages quote bounded excerpts of hostile input', () => {
  const key = 'k'.repeat(50 * 1024 * 1024);
  assert.throws(() => api.canonicalizeText(`{"${key}":1,"${key}":2}`), (err) => {
    assert.equal(err.code, 'duplicate_key');
    assert.ok(err.message.length < 2048, `message of ${err.message.length} characters`);
    return true;
  });
  const report = verifyJsonl(`{"id":"${'z'.repeat(1e6)}"}\n`, registry());
  assert.ok(report.breaks[0].message.length < 2048);
});

test('#15.8: keyFor with an invalid Date is TimestampError invalid_timestamp', () => {
  const reg = SignerRegistry.fromJson(signing.registries.main);
  assert.throws(() => reg.keyFor('kernel-signer', new Date(NaN)), { name: 'TimestampError', code: 'invalid_timestamp' });
  assert.throws(() => reg.verifyEnvelope(api.Envelope.fromJson(signing.envelopes[0].envelope), new Date(NaN)), { name: 'TimestampError', code: 'invalid_timestamp' });
});

test('#15.8: a checkpoint of size 0 must carry the empty root', () => {
  const bad = caseOf('checkpoint/empty-wrong-root');
  const report = verifyJsonl(bad.jsonl, registry(), bad.options);
  assert.deepEqual(withoutMessages(report), jsChainReport(bad.expected));
  assert.equal(report.breaks[0].reason, 'checkpoint_mismatch');
});

test('#15.8: integers beyond 2^53 - 1 in a report are bigints, never lossy numbers', () => {
  const cp = loadVectors('checkpoint.json').cases.find((c) => c.id === 'valid/max-size');
  const opened = api.openCheckpoint(cp.note, cp.trusted);
  assert.equal(opened.checkpoint.size, 2n ** 63n - 1n);
  // A row may claim a seq of 2^53 (its own double spelling, so strict
  // I-JSON takes it): the report says it exactly.
  const text = rows[0].replace('"seq":1,', '"seq":9007199254740992,');
  const report = verifyJsonl(text, registry());
  assert.equal(report.breaks[0].seq, 2n ** 53n);
  assert.equal(report.head.seq, 2n ** 53n);
  assert.equal(api.replay([text]).events[0].seq, 2n ** 53n); // replay follows prev_hash, not seq
  // Within the safe range they are numbers.
  assert.equal(typeof api.openCheckpoint(loadVectors('checkpoint.json').cases[0].note, loadVectors('checkpoint.json').cases[0].trusted).checkpoint.size, 'number');
});

test('#15.8: canaryBucket is the first 8 digest bytes, big-endian, modulo 10000 (and the .d.ts says so)', () => {
  for (const c of policy.cases.filter((x) => x.kind === 'bucket')) {
    const hex = api.canonicalDigest(c.value).slice('sha256:'.length);
    assert.equal(api.canaryBucket(c.value), Number(BigInt(`0x${hex.slice(0, 16)}`) % 10000n), c.id);
  }
  const dts = spawnSync('grep', ['-c', 'first 8 bytes', fileURLToPath(new URL('../pkg-node/trustcore_wasm.d.ts', import.meta.url))], { encoding: 'utf8' });
  assert.equal(dts.stdout.trim(), '1');
});
