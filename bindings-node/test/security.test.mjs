// Regression tests for issue #15, one per finding that reaches the Node
// binding: each reproducer from the issue is refused (or bounded) here.
// The process-level ones (huge arrays, 20 MB of garbage) run in a child
// process, so an abort or a memory blow-up fails the test instead of the
// runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trustcore as t, assertCode, loadVectors } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..', 'index.js');

/** Runs `script` (CommonJS, `t` is the package) in a fresh Node; returns its JSON output. */
function child(script, { timeout = 60_000, args = [] } = {}) {
  const r = spawnSync(process.execPath, [...args, '-e', `const t = require(${JSON.stringify(pkg)});\n${script}`], {
    encoding: 'utf8',
    timeout,
    maxBuffer: 16 << 20,
  });
  assert.equal(r.signal, null, `child killed by ${r.signal} (timeout or abort); stderr: ${r.stderr}`);
  assert.equal(r.status, 0, `child exited ${r.status}; stderr: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const uuid = (i) => `6f1c2a4e-0000-4000-8000-${String(i).padStart(12, '0')}`;

// -- 1. expectedHead pins history -------------------------------------------

test('#15.1: a history rewritten at or before the trusted head and extended is refused', () => {
  // The reproducer, verbatim but for the head now being a plain object.
  const sk = t.SecretKey.fromBytes(Buffer.alloc(32, 7));
  const reg = t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 's1', publicKey: sk.publicKey().toBase64() }] }));
  const b = (i, p) => ({ id: uuid(i), ts: `2026-03-01T12:00:0${i % 10}Z`, eventType: 't', actor: 'a', payload: { p } });
  const w = t.ChainWriter.create('s1', sk.publicKey());
  const o = [1, 2, 3].map((i) => w.append(b(i, 'orig'), sk));
  const saved = w.head;
  const f = t.ChainWriter.create('s1', sk.publicKey(), { head: { hash: JSON.parse(o[0]).hash, seq: 1 } });
  const forged = [o[0], ...[12, 13, 14, 15].map((i) => f.append(b(i, 'forged'), sk))];
  assert.equal(t.verifyJsonl(forged.slice(0, 3).join('\n'), reg, { expectedHead: saved }).valid, false);
  const r = t.verifyJsonl(forged.join('\n'), reg, { expectedHead: saved });
  assert.equal(r.valid, false, 'extending a forged history no longer verifies');
  assert.deepEqual(r.breaks.map((x) => [x.position, x.reason]), [[2, 'head_mismatch']], 'reported at the row that reaches the trusted seq');
  // The original still verifies, extended or not.
  const more = w.append(b(4, 'orig'), sk);
  assert.equal(t.verifyJsonl([...o, more].join('\n'), reg, { expectedHead: saved }).valid, true);
  // A checkpoint pins every row it covers the same way.
  const tree = t.MerkleTree.fromLeafData(o.map((row) => Buffer.from(JSON.parse(row).hash, 'hex')));
  const checkpoint = { size: 3, root: tree.root().toString('hex') };
  const c = t.verifyJsonl(forged.join('\n'), reg, { checkpoint });
  assert.deepEqual(c.breaks.map((x) => x.reason), ['checkpoint_mismatch']);
  // A resume state cannot carry a verifier past the trusted head unchecked.
  const v = t.ChainVerifier.create(reg);
  v.feed(forged.join('\n') + '\n');
  assertCode(() => t.ChainVerifier.resume(reg, v.state(), { expectedHead: saved }), 'invalid_state', { name: 'ChainError' });
});

// -- 2. revocation reaches successors; rotations cannot reach back -----------

function rotation(previous, oldKey, next, nextKey, times) {
  const env = t.Envelope.create(t.ROTATION_KIND, {
    previous,
    next: { signerId: next, publicKey: nextKey.publicKey().toBase64(), validFrom: times.validFrom },
    previousValidUntil: times.previousValidUntil,
    rotatedAt: times.rotatedAt,
  });
  env.sign(oldKey, previous);
  env.sign(nextKey, next);
  return env;
}

test('#15.2: a thief holding a revoked key cannot install a successor; a successor of a revoked key is refused after the revocation', () => {
  const old = t.SecretKey.fromBytes(Buffer.alloc(32, 21));
  const thief = t.SecretKey.fromBytes(Buffer.alloc(32, 22));
  const heir = t.SecretKey.fromBytes(Buffer.alloc(32, 23));
  const revokedAt = '2026-03-01T00:00:00Z';
  const file = JSON.stringify({ signers: [{ signerId: 'kernel-signer', publicKey: old.publicKey().toBase64(), validFrom: '2026-01-01T00:00:00Z', revokedAt }] });

  // The thief: back-dated before the revocation, overlap far in the future.
  const reg = t.SignerRegistry.fromJson(file);
  const stolen = rotation('kernel-signer', old, 'thief', thief, { rotatedAt: '2026-02-01T00:00:00Z', validFrom: '2026-02-01T00:00:00Z', previousValidUntil: '2036-01-01T00:00:00Z' });
  assertCode(() => reg.applyRotation(stolen), 'invalid_rotation', { name: 'RegistryError' });
  assertCode(() => reg.verifyRotation(stolen), 'invalid_rotation');
  assert.equal(reg.toJson(), t.SignerRegistry.fromJson(file).toJson(), 'a refused rotation changes nothing');
  // Its other variants: dated after the revocation, starting at it.
  for (const times of [
    { rotatedAt: '2026-04-01T00:00:00Z', validFrom: '2026-04-01T00:00:00Z', previousValidUntil: '2026-05-01T00:00:00Z' },
    { rotatedAt: '2026-02-01T00:00:00Z', validFrom: revokedAt, previousValidUntil: revokedAt },
  ]) {
    assertCode(() => reg.applyRotation(rotation('kernel-signer', old, 'thief', thief, times)), 'invalid_rotation');
  }

  // A rotation made before the revocation is accepted, and the revocation
  // carries over to the successor through rotatedFrom.
  const legit = rotation('kernel-signer', old, 'kernel-signer-2', heir, { rotatedAt: '2026-01-10T00:00:00Z', validFrom: '2026-01-15T00:00:00Z', previousValidUntil: '2026-01-20T00:00:00Z' });
  const applied = reg.applyRotation(legit);
  assert.equal(applied.next.rotatedFrom, 'kernel-signer');
  assert.equal(reg.get('kernel-signer-2').rotatedFrom, 'kernel-signer');
  assert.ok(reg.keyFor('kernel-signer-2', '2026-02-01T00:00:00Z').equals(heir.publicKey()));
  assertCode(() => reg.keyFor('kernel-signer-2', revokedAt), 'signer_revoked', { name: 'RegistryError' });
  assertCode(() => reg.keyFor('kernel-signer-2', '2029-01-01T00:00:00Z'), 'signer_revoked');
  // Rows the successor signs after the revocation do not verify.
  const w = t.ChainWriter.create('kernel-signer-2', heir.publicKey());
  const rows = [w.append({ id: uuid(1), ts: '2026-02-01T00:00:00Z', eventType: 't', actor: 'a', payload: 1 }, heir), w.append({ id: uuid(2), ts: '2029-01-01T00:00:00Z', eventType: 't', actor: 'a', payload: 2 }, heir)];
  assert.deepEqual(t.verifyJsonl(rows.join('\n'), reg).breaks.map((x) => [x.position, x.reason]), [[1, 'signer_revoked']]);
});

// -- 3. huge and sparse arrays -------------------------------------------------

test('#15.3: huge and sparse arrays are refused at once, without pre-allocating or aborting, in every export that takes an array', () => {
  const results = child(`
    const huge = () => new Array(2 ** 32 - 1);
    const sk = t.SecretKey.fromBytes(Buffer.alloc(32, 5));
    const reg = t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 's', publicKey: sk.publicKey().toBase64() }] }));
    const set = t.PolicySet.fromObject({ type: 'trustcore.policy-set/v1', defaultDecision: 'allow', policies: [] });
    const root = Buffer.alloc(32);
    const cp = t.Checkpoint.create('log', 1, root);
    const vkey = t.VerifierKey.create('log', sk.publicKey());
    const note = cp.sign([{ name: 'log', secretKey: sk }]);
    const row = t.ChainWriter.create('s', sk.publicKey()).append({ id: '6f1c2a4e-0000-4000-8000-000000000001', ts: '2026-03-01T00:00:00Z', eventType: 't', actor: 'a', payload: 1 }, sk);
    const viaProto = () => { const a = new Array(2 ** 32 - 1); Object.setPrototypeOf(a, new Proxy([], { get: () => 1 })); return a; };
    const sparseLate = () => { const a = [1, 2, 3]; a[2 ** 27] = 4; return a; };
    const calls = {
      'replay(rows)': () => t.replay(huge()),
      'canonicalize(value)': () => t.canonicalize(huge()),
      'canonicalize(nested)': () => t.canonicalize({ a: [1, [2, huge()]] }),
      'canonicalize(2^27 sparse)': () => t.canonicalize(new Array(2 ** 27)),
      'canonicalize(hole after elements)': () => t.canonicalize(sparseLate()),
      'canonicalize(holes filled by a prototype Proxy)': () => t.canonicalize(viaProto()),
      'canonicalize(Proxy of an array)': () => t.canonicalize(new Proxy(huge(), {})),
      'canonicalDigest': () => t.canonicalDigest(huge()),
      'MerkleTree.fromLeafData': () => t.MerkleTree.fromLeafData(huge()),
      'verifyInclusion(proof)': () => t.verifyInclusion(root, 0, 1, huge(), root),
      'verifyConsistency(proof)': () => t.verifyConsistency(1, 2, root, root, huge()),
      'Frontier.fromParts(hashes)': () => t.Frontier.fromParts(1, huge()),
      'impact(requests)': () => t.impact(set, set, huge()),
      'evaluate(request)': () => t.evaluate(set, { action: 'POST /x', body: { list: huge() } }),
      'Envelope.create(payload)': () => t.Envelope.create('k', huge()),
      'Checkpoint.sign(signers)': () => cp.sign(huge()),
      'Checkpoint.create(extensions)': () => t.Checkpoint.create('log', 1, root, huge()),
      'openCheckpoint(verifierKeys)': () => t.openCheckpoint(note, huge()),
      'verifyEventInCheckpoint(proof)': () => t.verifyEventInCheckpoint(row, 0, huge(), note, [vkey], reg),
      'verifyEventInCheckpoint(verifierKeys)': () => t.verifyEventInCheckpoint(row, 0, [], note, huge(), reg),
      'ChainWriter.append(payload)': () => t.ChainWriter.create('s', sk.publicKey()).append({ id: '6f1c2a4e-0000-4000-8000-000000000001', ts: '2026-03-01T00:00:00Z', eventType: 't', actor: 'a', payload: huge() }, sk),
      'PolicySet.fromObject': () => t.PolicySet.fromObject({ type: 'trustcore.policy-set/v1', policies: huge() }),
      'canaryBucket': () => t.canaryBucket(huge()),
      'ChainVerifier.resume(state)': () => t.ChainVerifier.resume(reg, { type: 'trustcore.chain-verifier-state/v2', merkle: { size: 1, hashes: huge() } }),
      'verifyJsonl(options)': () => t.verifyJsonl('', reg, { expectedHead: huge() }),
    };
    const out = {};
    for (const [name, fn] of Object.entries(calls)) {
      const t0 = process.hrtime.bigint();
      let r;
      try { fn(); r = { threw: false }; } catch (e) { r = { threw: true, error: e instanceof Error, name: e.name, code: e.code }; }
      r.ms = Number(process.hrtime.bigint() - t0) / 1e6;
      out[name] = r;
    }
    out.rssMiB = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify(out));
  `);
  const rss = results.rssMiB;
  delete results.rssMiB;
  assert.equal(Object.keys(results).length, 25);
  for (const [name, r] of Object.entries(results)) {
    assert.equal(r.threw, true, `${name}: accepted`);
    assert.equal(r.error, true, `${name}: threw a non-Error`);
    assert.equal(typeof r.code, 'string', `${name}: threw without a code (${r.name})`);
    assert.ok(r.ms < 1000, `${name}: took ${r.ms} ms`);
  }
  assert.equal(results['canonicalize(value)'].code, 'unsupported_type');
  assert.equal(results['replay(rows)'].code, 'invalid_argument');
  console.log(`#15.3: slowest ${Math.max(...Object.values(results).map((r) => r.ms)).toFixed(1)} ms, peak RSS ${rss.toFixed(1)} MiB`);
  assert.ok(rss < 300, `peak RSS ${rss} MiB`);
  // In process too: the first hole is reported with its path.
  assertCode(() => t.canonicalize([1, 2, , 4]), 'unsupported_type', { path: '/2' }); // eslint-disable-line no-sparse-arrays
  assertCode(() => t.canonicalize({ a: [1, undefined, 3] }), 'unsupported_type', { path: '/a/1' });
  assertCode(() => t.replay(['x', , 'y']), 'invalid_argument'); // eslint-disable-line no-sparse-arrays
});

// -- 4. bounded break lists, flat memory ----------------------------------------

test('#15.4: 20 MB of garbage lines verify with 1,000 kept breaks, exact counts and flat memory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trustcore-garbage-'));
  try {
    const file = join(dir, 'garbage.jsonl');
    const line = 'x'.repeat(99) + '\n';
    const rows = 200_000; // 20 MB
    const fd = openSync(file, 'w');
    const block = line.repeat(1000);
    for (let i = 0; i < rows / 1000; i++) writeSync(fd, block);
    closeSync(fd);
    const reg = JSON.stringify({ signers: [] });
    const r = child(`
      const reg = t.SignerRegistry.fromJson(${JSON.stringify(reg)});
      const before = process.memoryUsage().rss;
      const fileReport = t.verifyFile(${JSON.stringify(file)}, reg);
      // The streaming verifier fed 1 MiB chunks, as a socket would.
      const fs = require('node:fs');
      const v = t.ChainVerifier.create(reg);
      const fd = fs.openSync(${JSON.stringify(file)}, 'r');
      const buf = Buffer.alloc(1 << 20);
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) v.feed(buf.subarray(0, n));
      fs.closeSync(fd);
      const streamed = v.finish();
      const pick = (x) => ({ valid: x.valid, rows: x.rows, count: x.count, kept: x.breaks.length, breakCount: x.breakCount, counts: x.breakCounts, last: x.breaks[x.breaks.length - 1] });
      process.stdout.write(JSON.stringify({ file: pick(fileReport), streamed: pick(streamed), beforeMiB: before / 1048576, peakMiB: process.resourceUsage().maxRSS / 1024 }));
    `);
    for (const which of ['file', 'streamed']) {
      const x = r[which];
      assert.equal(x.valid, false);
      assert.equal(x.rows, rows);
      assert.equal(x.count, 0);
      assert.equal(x.kept, 1000, `${which}: breaks kept`);
      assert.equal(x.breakCount, rows, `${which}: every break counted`);
      assert.deepEqual(x.counts, { malformed_row: rows });
      assert.equal(x.last.position, 999);
    }
    console.log(`#15.4: peak RSS ${r.peakMiB.toFixed(1)} MiB (before verifying ${r.beforeMiB.toFixed(1)} MiB)`);
    assert.ok(r.peakMiB < 150, `peak RSS ${r.peakMiB.toFixed(1)} MiB (from ${r.beforeMiB.toFixed(1)} MiB)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // maxBreaks is the core's option: 0 keeps none, and counts stay exact.
  const reg = t.SignerRegistry.fromJson('{"signers":[]}');
  const r0 = t.verifyJsonl('x\ny\nz\n', reg, { maxBreaks: 0 });
  assert.deepEqual([r0.breaks.length, r0.breakCount, r0.breakCounts.malformed_row], [0, 3, 3]);
  assertCode(() => t.verifyJsonl('', reg, { maxBreaks: 1_000_001 }), 'invalid_option', { name: 'OptionsError' });
});

// -- 5. edited resume states -------------------------------------------------------

test('#15.5: an edited resume state (stopped, no breaks) is refused, even with its check recomputed', () => {
  const sk = t.SecretKey.fromBytes(Buffer.alloc(32, 9));
  const reg = t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 's', publicKey: sk.publicKey().toBase64() }] }));
  const w = t.ChainWriter.create('s', sk.publicKey());
  const rows = [1, 2, 3].map((i) => w.append({ id: uuid(i), ts: '2026-03-01T00:00:00Z', eventType: 't', actor: 'a', payload: i }, sk));
  const v = t.ChainVerifier.create(reg);
  v.feed(rows.slice(0, 2).join('\n') + '\n');
  const state = v.state();
  assert.equal(t.ChainVerifier.resume(reg, state).finish().valid, true, 'the unedited state resumes');
  const edited = { ...state, stopped: true, breaks: 0 };
  assertCode(() => t.ChainVerifier.resume(reg, edited), 'invalid_state', { name: 'ChainError' });
  // The check is a digest, not a secret: recompute it, and the state is
  // still refused because no real run writes it.
  const { check, ...body } = edited;
  assert.ok(check);
  const recomputed = { ...body, check: t.canonicalDigest(body) };
  const e = assertCode(() => t.ChainVerifier.resume(reg, recomputed), 'invalid_state');
  assert.match(e.message, /stops only at a break/);
  // Inconsistent counters, likewise.
  const { check: c2, ...b2 } = { ...state, count: state.position + 1 };
  assert.ok(c2);
  assertCode(() => t.ChainVerifier.resume(reg, { ...b2, check: t.canonicalDigest(b2) }), 'invalid_state');
  // Garbage after an impossible head is never valid.
  assertCode(() => t.ChainVerifier.resume(reg, JSON.stringify(edited)), 'invalid_state');
});

// -- 6. misspelled options ------------------------------------------------------------

test('#15.6: misspelled options are refused (expected_head is not an option in JavaScript)', () => {
  const sk = t.SecretKey.fromBytes(Buffer.alloc(32, 7));
  const reg = t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 's', publicKey: sk.publicKey().toBase64() }] }));
  const w = t.ChainWriter.create('s', sk.publicKey());
  const rows = [1, 2, 3].map((i) => w.append({ id: uuid(i), ts: '2026-03-01T00:00:00Z', eventType: 't', actor: 'a', payload: i }, sk));
  const truncated = rows.slice(0, 2).join('\n');
  const e = assertCode(() => t.verifyJsonl(truncated, reg, { expected_head: w.head }), 'unknown_option', { name: 'OptionsError' });
  assert.match(e.message, /did you mean "expectedHead"/);
  assert.equal(t.verifyJsonl(truncated, reg, { expectedHead: w.head }).breaks[0].reason, 'truncated');
  for (const call of [
    () => t.ChainVerifier.create(reg, { stopAtFrist: true }),
    () => t.verifyJsonlAsync(truncated, reg, { trackIDs: false }),
    () => t.ChainVerifier.resume(reg, t.ChainVerifier.create(reg).state(), { expected_head: w.head }),
    () => t.ChainWriter.create('s', sk.publicKey(), { hash_alg: 'blake3' }),
    () => t.canonicalize(1, { max_depth: 3 }),
    () => t.verifyEventInCheckpoint(rows[0], 0, [], '', [], reg, { hash_alg: 'sha256' }),
  ]) {
    assertCode(call, 'unknown_option', { name: 'OptionsError' });
  }
});

// -- 7. policy limits -------------------------------------------------------------------

test('#15.7: policy requests and evaluations have limits with their own codes, reached quickly', () => {
  const kernelDoc = loadVectors('policy.json').policySets.kernel;
  const kernel = t.PolicySet.fromObject(kernelDoc);
  const timed = (fn) => {
    const t0 = process.hrtime.bigint();
    const out = fn();
    return [out, Number(process.hrtime.bigint() - t0) / 1e6];
  };
  // A request over 1 MiB is refused before evaluation.
  const [, ms1] = timed(() => assertCode(() => t.evaluate(kernel, { action: 'POST /kernel/allocate', body: { blob: 'x'.repeat(1 << 20) } }), 'request_too_large', { name: 'PolicyError' }));
  assert.throws(() => t.enforceOrThrow(kernel, { action: 'POST /kernel/allocate', body: { blob: 'x'.repeat(1 << 20) } }), { code: 'request_too_large' });
  // An action longer than 4 KiB.
  assertCode(() => t.evaluate(kernel, { action: `POST /${'a'.repeat(5000)}` }), 'invalid_request');
  // A glob longer than 256 characters, when loaded.
  const longGlob = structuredClone(kernelDoc);
  longGlob.policies[0].target.actions = ['*' + '?a'.repeat(200)];
  assertCode(() => t.PolicySet.fromObject(longGlob), 'invalid_policy', { name: 'PolicyError' });
  // A general glob over a long value stops at the work limit and denies.
  const slow = structuredClone(kernelDoc);
  slow.policies[0].condition = { op: 'glob', path: '/body/note', value: `*${'a?'.repeat(100)}*b` };
  const set = t.PolicySet.fromObject(slow);
  const req = { action: 'POST /kernel/allocate', subject: { id: 'u', roles: ['Operator'] }, body: { amount: 1, note: 'a'.repeat(900_000) } };
  const [d, ms2] = timed(() => t.evaluate(set, req));
  assert.equal(d.decision, 'deny');
  const check = d.policyChecks.find((c) => c.policyId === 'allocate.limit' && c.policyVersion === 1);
  assert.equal(check.error.code, 'evaluation_limit');
  assert.throws(() => t.enforceOrThrow(set, req), (e) => e instanceof t.PolicyDeniedError && e.code === 'policy_denied');
  // Evidence de-duplication is linear: 50,000 distinct leaves.
  const many = structuredClone(kernelDoc);
  many.policies[0].condition = { any: Array.from({ length: 50_000 }, (_, i) => ({ op: 'exists', path: `/body/f${i}` })) };
  const [, ms3] = timed(() => t.evaluate(t.PolicySet.fromObject(many), { action: 'POST /kernel/allocate', subject: { id: 'u', roles: ['Operator'] }, body: { amount: 1 } }));
  assert.ok(ms1 < 2000 && ms2 < 2000 && ms3 < 4000, `times ${ms1} / ${ms2} / ${ms3} ms`);
});

// -- 8. the low findings ------------------------------------------------------------------

test('#15.8: bounded messages, empty checkpoints, exact sizes, invalid Dates, the canary bucket rule', () => {
  // Messages quote a bounded excerpt of hostile input.
  const key = 'k'.repeat(5 << 20);
  const e = assertCode(() => t.canonicalizeText(`{"${key}":1,"${key}":2}`), 'duplicate_key');
  assert.ok(e.message.length < 2000, `message of ${e.message.length} characters`);
  // A checkpoint of size 0 carries the empty tree's root.
  assertCode(() => t.Checkpoint.create('o', 0, Buffer.alloc(32, 0xab)), 'invalid_root_hash', { name: 'MerkleError' });
  const empty = crypto.createHash('sha256').digest();
  assert.equal(t.Checkpoint.create('o', 0, empty).size, 0);
  const reg = t.SignerRegistry.fromJson('{"signers":[]}');
  assert.deepEqual(t.verifyJsonl('', reg, { checkpoint: { size: 0, root: 'ab'.repeat(32) } }).breaks.map((b) => b.reason), ['checkpoint_mismatch']);
  assert.equal(t.verifyJsonl('', reg, { checkpoint: { size: 0, root: empty.toString('hex') } }).valid, true);
  // Sizes beyond 2^53 - 1 are exact bigints, never rounded numbers.
  const max = 2n ** 63n - 1n;
  const f = t.Frontier.fromParts(max, Array.from({ length: 63 }, (_, i) => Buffer.alloc(32, i)));
  assert.equal(f.size, max);
  assert.equal(typeof f.size, 'bigint');
  assert.equal(t.Checkpoint.parse(`o\n${max}\n${empty.toString('base64')}\n`).size, max);
  assert.equal(t.Frontier.fromParts(5, [Buffer.alloc(32), Buffer.alloc(32)]).size, 5);
  assert.equal(typeof new t.Frontier().size, 'number');
  // An invalid Date is a TimestampError with a code.
  assertCode(() => reg.keyFor('s', new Date(NaN)), 'invalid_timestamp', { name: 'TimestampError' });
  // canaryBucket: the first 8 digest bytes, big-endian, mod 10000 (as native.d.ts now says).
  for (const v of ['u1', { id: 7 }, [1, 'a'], 12.5]) {
    const d = crypto.createHash('sha256').update(t.canonicalize(v)).digest();
    assert.equal(t.canaryBucket(v), Number(d.readBigUInt64BE(0) % 10000n));
  }
  const dts = readFileSync(join(here, '..', 'native.d.ts'), 'utf8');
  const doc = dts.slice(dts.lastIndexOf('/**', dts.indexOf('export declare function canaryBucket')), dts.indexOf('export declare function canaryBucket'));
  assert.match(doc, /first 8 bytes/);
  assert.doesNotMatch(doc, /4 bytes/);
});
