// The audit-chain, Merkle/checkpoint and policy checks, written once for
// Node's test runner (test/chain.test.mjs, merkle.test.mjs,
// policy.test.mjs, fixtures.test.mjs) and the browser page (test/browser/).
// Environment-neutral: no Node modules, only TextEncoder and atob.
//
// Each builder returns `[{ id, run }]`; `run()` throws on a mismatch.
import { assertThrows, hexToBytes } from './vector-cases.mjs';
import { assertEqual, assertSameJson, base64ToBytes, bytesToHex } from './signing-cases.mjs';

const utf8 = new TextEncoder();

function checkFormat(file, format) {
  if (!file || file.format !== format) throw new Error(`vector file is not ${format}`);
}

function assertTrue(value, what) {
  if (value !== true) throw new Error(`${what}: expected true, got ${JSON.stringify(value)}`);
}

/**
 * A snake_case core value as JavaScript spells it: every member name in
 * lowerCamelCase, except inside the members listed in `data` (rows, break
 * counts keyed by reason), which are copied as they are (the rule of the
 * core's `Naming::Camel.rename`).
 */
export function camelReport(value, data = []) {
  if (Array.isArray(value)) return value.map((v) => camelReport(v, data));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    const name = k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
    out[name] = data.includes(k) ? v : camelReport(v, data);
  }
  return out;
}

/** chain.json's expected report (snake_case) as this module returns it. */
export function jsChainReport(expected) {
  return camelReport(expected, ['break_counts']);
}

/** A report without the breaks' messages (which are for people). */
export function withoutMessages(report) {
  for (const b of report.breaks) {
    if (typeof b.message !== 'string' || b.message.length === 0) {
      throw new Error(`break at ${b.position} has no message`);
    }
  }
  return { ...report, breaks: report.breaks.map(({ message, ...rest }) => rest) };
}

/** Splits `items` (string or bytes) into pieces of `n`. */
function pieces(items, n) {
  const out = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

// ---------------------------------------------------------------------------
// chain.json
// ---------------------------------------------------------------------------

/** Every case of chain.json: whole (string and bytes), in chunks, resumed. */
export function chainChecks(api, file) {
  checkFormat(file, 'trustcore-vectors/chain');
  const { SignerRegistry, ChainVerifier, verifyJsonl } = api;
  const registry = SignerRegistry.fromJson(file.registry);
  const checks = [];
  for (const c of file.cases) {
    const opts = c.options;
    const text = c.jsonl;
    const expected = jsChainReport(c.expected);
    const bytes = utf8.encode(text);
    const feedAll = (chunks) => {
      const v = ChainVerifier.create(registry, opts);
      for (const chunk of chunks) v.feed(chunk);
      return v.finish();
    };
    checks.push(
      {
        id: `chain ${c.id}: whole text`,
        run: () => assertSameJson(withoutMessages(verifyJsonl(text, registry, opts)), expected, 'report'),
      },
      {
        id: `chain ${c.id}: whole bytes`,
        run: () => assertSameJson(withoutMessages(verifyJsonl(bytes, registry, opts)), expected, 'report'),
      },
      {
        id: `chain ${c.id}: byte by byte`,
        run: () => assertSameJson(withoutMessages(feedAll(pieces(bytes, 1))), expected, 'report'),
      },
      {
        id: `chain ${c.id}: string chunks of 7`,
        run: () => assertSameJson(withoutMessages(feedAll(pieces(text, 7))), expected, 'report'),
      },
    );
    // Resuming from a saved state (as an object or JSON text) at every line
    // boundary gives the same report (ids from before the resume point are not remembered, so a
    // duplicate id across it is not a break: those cases are skipped).
    if (!expected.breaks.some((b) => b.reason === 'duplicate_id')) {
      checks.push({
        id: `chain ${c.id}: state() and resume at every row`,
        run() {
          const lines = text.split('\n');
          for (let k = 0; k <= lines.length; k += 1) {
            const head = lines.slice(0, k).map((l) => `${l}\n`).join('');
            const rest = lines.slice(k).join('\n');
            const first = ChainVerifier.create(registry, opts);
            first.feed(head);
            const state = first.state();
            assertEqual(state.type, 'trustcore.chain-verifier-state/v2', 'state type');
            const before = first.breaks();
            const second = ChainVerifier.resume(registry, k % 2 ? JSON.stringify(state) : state, opts);
            second.feed(rest);
            // The resumed verifier reports the breaks it found; the ones
            // before the resume point were reported by the first one.
            const report = second.finish();
            report.breaks = [...before, ...report.breaks];
            assertSameJson(withoutMessages(report), expected, `resumed after ${k} lines`);
          }
        },
      });
    }
  }
  return checks;
}

// ---------------------------------------------------------------------------
// merkle.json and checkpoint.json
// ---------------------------------------------------------------------------

const hexOf = (bytes) => bytesToHex(bytes);

/** Every case of merkle.json. */
export function merkleChecks(api, file) {
  checkFormat(file, 'trustcore-vectors/merkle');
  const { leafHash, MerkleTree, verifyInclusion, verifyConsistency } = api;
  let tree;
  const fullTree = () => {
    tree ??= MerkleTree.fromLeafData(file.leaves);
    return tree;
  };
  const checks = [];
  for (const [i, c] of file.leaf_hashes.entries()) {
    checks.push({
      id: `merkle leaf_hashes/${i}`,
      run() {
        assertEqual(hexOf(leafHash(hexToBytes(c.data))), c.leaf_hash, 'leaf hash of bytes');
        assertEqual(hexOf(leafHash(c.data)), c.leaf_hash, 'leaf hash of hex');
      },
    });
  }
  checks.push({
    id: 'merkle roots',
    run() {
      const t = fullTree();
      assertEqual(t.size, file.leaves.length, 'size');
      for (const { size, root } of file.roots) {
        assertEqual(hexOf(t.rootAt(size)), root, `root at ${size}`);
      }
      assertEqual(hexOf(new MerkleTree().root()), file.roots.find((r) => r.size === 0).root, 'empty');
    },
  });
  for (const c of file.inclusion) {
    checks.push({
      id: `merkle inclusion ${c.id}`,
      run() {
        const call = () => verifyInclusion(hexToBytes(c.leaf_hash), c.leaf_index, c.tree_size,
          c.proof.map(hexToBytes), hexToBytes(c.root));
        if (c.valid) {
          assertTrue(call(), 'verdict');
          // Hex inputs and bigint sizes give the same verdict.
          assertTrue(verifyInclusion(c.leaf_hash, BigInt(c.leaf_index), BigInt(c.tree_size), c.proof, c.root), 'hex');
          if (c.id.startsWith('valid/')) {
            const proof = fullTree().inclusionProof(c.leaf_index, c.tree_size).map(hexOf);
            assertSameJson(proof, c.proof, 'generated proof');
          }
        } else {
          assertThrows(call, { name: 'MerkleError', code: c.error }, 'verdict');
        }
      },
    });
  }
  for (const c of file.consistency) {
    checks.push({
      id: `merkle consistency ${c.id}`,
      run() {
        const call = () => verifyConsistency(c.old_size, c.new_size, hexToBytes(c.old_root),
          hexToBytes(c.new_root), c.proof.map(hexToBytes));
        if (c.valid) {
          assertTrue(call(), 'verdict');
          if (c.id.startsWith('valid/')) {
            const proof = fullTree().consistencyProof(c.old_size, c.new_size).map(hexOf);
            assertSameJson(proof, c.proof, 'generated proof');
          }
        } else {
          assertThrows(call, { name: 'MerkleError', code: c.error }, 'verdict');
        }
      },
    });
  }
  return checks;
}

/** Every key, case and verifier key of checkpoint.json. */
export function checkpointChecks(api, file) {
  checkFormat(file, 'trustcore-vectors/checkpoint');
  const { openCheckpoint, VerifierKey, PublicKey } = api;
  const checks = [];
  for (const k of file.keys) {
    checks.push({
      id: `checkpoint keys/${k.id}`,
      run() {
        const vk = VerifierKey.create(k.name, PublicKey.fromHex(k.public_key));
        assertEqual(vk.vkey, k.vkey, 'vkey');
        assertEqual(String(vk), k.vkey, 'toString');
        assertEqual(JSON.stringify(vk), JSON.stringify(k.vkey), 'toJSON');
        assertEqual(vk.keyHash, k.key_hash, 'key hash');
        assertEqual(vk.name, k.name, 'name');
      },
    });
  }
  for (const c of file.cases) {
    checks.push({
      id: `checkpoint ${c.id}`,
      run() {
        const note = c.note ?? hexToBytes(c.note_hex);
        // Trusted keys as objects for even cases, as vkey strings otherwise.
        const trusted = c.id.length % 2 === 0 ? c.trusted.map((v) => VerifierKey.parse(v)) : c.trusted;
        if (c.expected) {
          const got = openCheckpoint(note, trusted);
          const e = c.expected;
          // A size beyond 2^53 - 1 is a bigint (JSON.parse of the vector
          // file cannot hold it: the note's own size line says it exactly).
          const size = e.size > Number.MAX_SAFE_INTEGER ? BigInt(c.note.split('\n')[1]) : e.size;
          assertEqual(typeof got.checkpoint.size, typeof size, 'type of size');
          assertEqual(got.checkpoint.size, size, 'size');
          assertSameJson(got, {
            checkpoint: { origin: e.origin, size: got.checkpoint.size, root: hexOf(base64ToBytes(e.root)), extensions: e.extensions },
            signers: e.signers,
            unknown: e.unknown.map((u) => ({ name: u.name, keyHash: u.key_hash })),
          }, 'opened checkpoint');
        } else {
          assertThrows(() => openCheckpoint(note, trusted),
            { name: 'MerkleError', code: c.error.code, offset: c.error.offset ?? undefined }, 'error');
        }
      },
    });
  }
  for (const c of file.verifier_keys) {
    checks.push({
      id: `checkpoint verifier_keys/${c.id}`,
      run() {
        if (c.expected) {
          const k = VerifierKey.parse(c.vkey);
          assertEqual(k.name, c.expected.name, 'name');
          assertEqual(k.keyHash, c.expected.key_hash, 'key hash');
          assertEqual(k.publicKey.toHex(), c.expected.public_key, 'public key');
        } else {
          assertThrows(() => VerifierKey.parse(c.vkey),
            { name: 'MerkleError', code: c.error.code, offset: c.error.offset ?? undefined }, 'error');
        }
      },
    });
  }
  return checks;
}

// ---------------------------------------------------------------------------
// One event against a signed checkpoint (test/fixtures/event-in-checkpoint.json)
// ---------------------------------------------------------------------------

/** A row with its payload changed (hash and signature left as they were). */
export function tamperedRow(row) {
  const doc = JSON.parse(row);
  doc.payload = { ...doc.payload, tampered: true };
  return JSON.stringify(doc);
}

/**
 * Checks that the fixture is what its generator says (rows of chain.json
 * good/ten, roots and proofs of their tree, the `old` key of
 * checkpoint.json), with this module only: the fixture cannot drift from
 * the shared vectors unnoticed even where the Node addon is not built.
 */
export function fixtureChecks(api, fixture, chain, checkpoint) {
  const { SignerRegistry, verifyJsonl, MerkleTree, openCheckpoint } = api;
  return [{
    id: 'fixture event-in-checkpoint.json matches the shared vectors',
    run() {
      const source = chain.cases.find((c) => `test-vectors/chain.json#${c.id}` === fixture.source);
      if (!source) throw new Error(`no source case ${fixture.source}`);
      assertEqual(fixture.registry, chain.registry, 'registry');
      assertSameJson(fixture.rows, source.jsonl.split('\n').filter((l) => l), 'rows');
      assertEqual(fixture.vkey, checkpoint.keys.find((k) => k.id === 'old').vkey, 'vkey');
      const report = verifyJsonl(fixture.rows.join('\n'), SignerRegistry.fromJson(fixture.registry));
      assertEqual(report.valid, true, 'chain valid');
      assertSameJson(report.merkle, { size: fixture.checkpoint.size, root: fixture.checkpoint.root }, 'tree head');
      const tree = MerkleTree.fromLeafData(fixture.rows.map((r) => JSON.parse(r).hash));
      assertEqual(hexOf(tree.rootAt(fixture.older.size)), fixture.older.root, 'older root');
      fixture.inclusion.forEach((proof, i) => {
        assertSameJson(tree.inclusionProof(i, fixture.checkpoint.size).map(hexOf), proof, `proof ${i}`);
      });
      assertSameJson(tree.consistencyProof(fixture.older.size, fixture.checkpoint.size).map(hexOf),
        fixture.older.consistency, 'consistency proof');
      for (const cp of [fixture.checkpoint, fixture.older]) {
        const opened = openCheckpoint(cp.note, [fixture.vkey]);
        assertSameJson([opened.checkpoint.size, opened.checkpoint.root, opened.signers], [cp.size, cp.root, [fixture.vkey]], 'note');
      }
    },
  }];
}

/** The event-in-checkpoint flow, every row and the ways it must fail. */
export function eventCheckpointChecks(api, fixture, checkpoint) {
  const { SignerRegistry, VerifierKey, verifyEventInCheckpoint, openCheckpoint, verifyConsistency,
    verifyInclusion, leafHash } = api;
  const registry = () => SignerRegistry.fromJson(fixture.registry);
  const note = fixture.checkpoint.note;
  const checks = fixture.rows.map((row, i) => ({
    id: `event-in-checkpoint: row ${i} verifies`,
    run() {
      const r = verifyEventInCheckpoint(row, i, fixture.inclusion[i], note, [fixture.vkey], registry());
      assertEqual(r.valid, true, 'valid');
      assertEqual(r.index, i, 'index');
      assertEqual(r.event.seq, i + 1, 'seq');
      assertSameJson(r.event, JSON.parse(row), 'event');
      assertEqual(r.checkpoint.checkpoint.root, fixture.checkpoint.root, 'root');
      assertEqual(r.checkpoint.checkpoint.size, fixture.checkpoint.size, 'size');
      assertSameJson(r.checkpoint.signers, [fixture.vkey], 'signers');
      // A row object (as replay returns it) is the same row.
      assertSameJson(verifyEventInCheckpoint(JSON.parse(row), i, fixture.inclusion[i], note, [fixture.vkey], registry()), r, 'row object');
      // The same, one core call at a time.
      const { checkpoint: cp } = openCheckpoint(note, [VerifierKey.parse(fixture.vkey)]);
      assertTrue(verifyInclusion(leafHash(JSON.parse(row).hash), i, cp.size, fixture.inclusion[i], cp.root), 'inclusion');
    },
  }));
  const row = fixture.rows[3];
  const proof = fixture.inclusion[3];
  checks.push(
    {
      id: 'event-in-checkpoint: a tampered row fails (hash_mismatch)',
      run() {
        const r = verifyEventInCheckpoint(tamperedRow(row), 3, proof, note, [fixture.vkey], registry());
        assertSameJson([r.valid, r.stage, r.reason], [false, 'row', 'hash_mismatch'], 'verdict');
        assertEqual(r.event, undefined, 'event');
      },
    },
    {
      id: 'event-in-checkpoint: another row\'s proof fails (root_mismatch)',
      run() {
        const r = verifyEventInCheckpoint(row, 3, fixture.inclusion[4], note, [fixture.vkey], registry());
        assertSameJson([r.valid, r.stage, r.reason], [false, 'inclusion', 'root_mismatch'], 'verdict');
        // The row itself verified: the report carries it.
        assertSameJson(r.event, JSON.parse(row), 'event');
      },
    },
    {
      id: 'event-in-checkpoint: a wrong index fails',
      run() {
        const r = verifyEventInCheckpoint(row, 4, proof, note, [fixture.vkey], registry());
        assertSameJson([r.valid, r.stage, r.reason], [false, 'inclusion', 'root_mismatch'], 'verdict');
        const out = verifyEventInCheckpoint(row, 10, proof, note, [fixture.vkey], registry());
        assertSameJson([out.valid, out.reason], [false, 'index_out_of_range'], 'beyond the size');
        const short = verifyEventInCheckpoint(row, 3, proof.slice(1), note, [fixture.vkey], registry());
        assertSameJson([short.valid, short.reason], [false, 'invalid_proof'], 'short proof');
      },
    },
    {
      id: 'event-in-checkpoint: a row signed outside its signer\'s window fails',
      run() {
        // The registry's signer window ends before this row's ts.
        const doc = JSON.parse(fixture.registry);
        doc.signers[0].validUntil = '2026-03-01T12:00:01Z';
        const narrow = SignerRegistry.fromJson(JSON.stringify(doc));
        const r = verifyEventInCheckpoint(row, 3, proof, note, [fixture.vkey], narrow);
        assertSameJson([r.valid, r.stage, r.reason], [false, 'row', 'signer_expired'], 'verdict');
      },
    },
    {
      id: 'event-in-checkpoint: a checkpoint without a trusted signature throws',
      run() {
        const witness = checkpoint.keys.find((k) => k.id === 'witness').vkey;
        assertThrows(() => verifyEventInCheckpoint(row, 3, proof, note, [witness], registry()),
          { name: 'MerkleError', code: 'no_trusted_signature' }, 'untrusted');
        // A note whose size was changed no longer verifies.
        const forged = note.replace(`\n${fixture.checkpoint.size}\n`, `\n${fixture.checkpoint.size + 1}\n`);
        assertThrows(() => verifyEventInCheckpoint(row, 3, proof, forged, [fixture.vkey], registry()),
          { name: 'MerkleError', code: 'invalid_signature' }, 'forged size');
      },
    },
    {
      id: 'event-in-checkpoint: the older checkpoint is consistent with the newer one',
      run() {
        const older = openCheckpoint(fixture.older.note, [fixture.vkey]).checkpoint;
        const newer = openCheckpoint(note, [fixture.vkey]).checkpoint;
        assertTrue(verifyConsistency(older.size, newer.size, older.root, newer.root, fixture.older.consistency), 'consistent');
        const bad = [...fixture.older.consistency];
        bad[0] = bad[0].replace(/^./, (c) => (c === '0' ? '1' : '0'));
        assertThrows(() => verifyConsistency(older.size, newer.size, older.root, newer.root, bad),
          { name: 'MerkleError', code: 'root_mismatch' }, 'flipped proof');
      },
    },
  );
  return checks;
}

// ---------------------------------------------------------------------------
// policy.json
// ---------------------------------------------------------------------------

function label(id, version) {
  return `${id}@${version}`;
}

/** Compares a thrown error with a vector's `{kind, code, path?, offset?}`. */
function assertPolicyError(fn, want, what) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`${what}: did not throw (expected ${JSON.stringify(want)})`);
  const got = { kind: error.name, code: error.code };
  if (error.path !== undefined) got.path = error.path;
  if (error.offset !== undefined) got.offset = error.offset;
  assertSameJson(got, want, `${what} (${error.message})`);
}

/** The hand-written expectations of an evaluate case. */
function checkExpect(expect, d) {
  assertEqual(d.decision, expect.decision, 'decision');
  assertEqual(d.reason, expect.reason, 'reason');
  assertSameJson(d.determinedBy.map((c) => label(c.policyId, c.policyVersion)), expect.determinedBy, 'determinedBy');
  const checks = d.policyChecks.map((c) => {
    const s = { policyId: c.policyId, policyVersion: c.policyVersion, decision: c.decision, simMode: c.simMode };
    if (c.error?.code) s.error = c.error.code;
    return s;
  });
  assertSameJson(checks, expect.checks, 'checks');
  for (const [who, want] of Object.entries(expect.paths ?? {})) {
    const rec = d.policyChecks.find((c) => label(c.policyId, c.policyVersion) === who);
    if (!rec) throw new Error(`no check ${who}`);
    const got = rec.evaluationPath.map((s) => [s.node, s.op, typeof s.result === 'boolean' ? s.result : s.error]);
    assertSameJson(got, want, `path of ${who}`);
  }
}

/** Every case of policy.json (evaluate, load, update, bucket, explain, impact). */
export function policyChecks(api, file) {
  checkFormat(file, 'trustcore-vectors/policy');
  const { PolicySet, evaluate, evaluateToJson, explain, explainToJson, impact, impactToJson,
    canaryBucket, canonicalize } = api;
  const sets = file.policySets;
  const setNamed = (name) => PolicySet.fromJson(JSON.stringify(typeof name === 'string' ? sets[name] : name));
  const requestText = (c) => c.requestText ?? JSON.stringify(c.request);
  const runners = {
    evaluate(c) {
      const set = setNamed(c.policySet);
      if (c.error) {
        assertPolicyError(() => evaluateToJson(set, requestText(c)), c.error, 'error');
        assertPolicyError(() => evaluate(set, utf8.encode(requestText(c))), c.error, 'error (bytes)');
        return;
      }
      const text = evaluateToJson(set, requestText(c));
      assertEqual(text, c.expected, 'decision bytes');
      const d = evaluate(set, c.request);
      assertSameJson(d, JSON.parse(c.expected), 'decision from an object');
      checkExpect(c.expect, d);
    },
    load(c) {
      let load;
      if (c.policySetText !== undefined) load = () => PolicySet.fromJson(c.policySetText);
      else if (c.policySetDoc !== undefined) {
        load = () => PolicySet.fromJson(JSON.stringify(c.policySetDoc));
        // Both entry points agree.
        const viaObject = () => PolicySet.fromObject(c.policySetDoc);
        if (c.error) assertPolicyError(viaObject, c.error, 'fromObject');
        else viaObject();
      } else load = () => setNamed(c.policySet);
      if (c.error) assertPolicyError(load, c.error, 'fromJson');
      else if (c.valid === true) load();
      else throw new Error('load case without error or valid');
    },
    update(c) {
      const cur = setNamed(c.current);
      const cand = setNamed(c.candidate);
      if (c.error) assertPolicyError(() => cur.checkUpdate(cand), c.error, 'checkUpdate');
      else if (c.valid === true) cur.checkUpdate(cand);
      else throw new Error('update case without error or valid');
    },
    bucket(c) {
      assertEqual(new TextDecoder().decode(canonicalize(c.value)), c.canonical, 'canonical');
      assertEqual(canaryBucket(c.value), c.bucket, 'bucket');
    },
    explain(c) {
      const set = setNamed(c.policySet);
      const d = evaluate(set, requestText(c));
      const rec = d.policyChecks.find((r) => label(r.policyId, r.policyVersion) === c.check);
      if (!rec) throw new Error(`no check ${c.check}`);
      const record = { ...rec, ...(c.tamper ?? {}) };
      const withSet = c.explainWith ? setNamed(c.explainWith) : set;
      if (c.error) {
        assertPolicyError(() => explainToJson(JSON.stringify(record), withSet), c.error, 'explain');
        assertPolicyError(() => explain(record, withSet), c.error, 'explain (object)');
        return;
      }
      const text = explainToJson(JSON.stringify(record), withSet);
      assertEqual(text, c.expected, 'explanation bytes');
      const x = explain(record, withSet);
      assertSameJson(x, JSON.parse(c.expected), 'explanation from an object');
      assertEqual(x.summary, c.expect.summary, 'summary');
      for (const [node, want] of Object.entries(c.expect.leafEvidence ?? {})) {
        const step = x.evaluationPath.find((s) => s.node === node);
        assertSameJson(step?.evidence, want, `evidence of ${node}`);
      }
      assertEqual(x.policyCheckId, rec.id, 'record id');
    },
    impact(c) {
      const cur = setNamed(c.current);
      const cand = setNamed(c.candidate);
      const text = impactToJson(cur, cand, c.requests);
      assertEqual(text, c.expected, 'impact bytes');
      const rep = impact(cur, cand, c.requests);
      for (const k of ['changed', 'allowToDeny', 'denyToAllow', 'unchanged']) assertEqual(rep[k], c.expect[k], k);
      assertSameJson(rep.changes.map((x) => x.index), c.expect.changedIndexes, 'changed indexes');
      assertSameJson(rep.changes.map((x) => x.responsible.map((r) => label(r.policyId, r.policyVersion))),
        c.expect.responsible, 'responsible');
      assertSameJson(rep.invalidRequests.map((x) => x.index), c.expect.invalidIndexes, 'invalid indexes');
    },
  };
  return file.cases.map((c) => ({
    id: `policy ${c.kind} ${c.id}`,
    run() {
      const runner = runners[c.kind];
      if (!runner) throw new Error(`unknown kind ${c.kind}`);
      runner(c);
    },
  }));
}

// ---------------------------------------------------------------------------
// The control-panel flows the browser must run
// ---------------------------------------------------------------------------

/**
 * (a) one event verified against a signed checkpoint with an inclusion
 * proof, (b) the same event tampered fails, (c) a policyCheck record of
 * policy.json explained, byte for byte.
 */
export function auditPanelChecks(api, fixture, policy) {
  const { SignerRegistry, VerifierKey, verifyEventInCheckpoint, PolicySet, evaluate, explain,
    explainToJson } = api;
  const index = 3;
  const row = fixture.rows[index];
  const explainCase = policy.cases.find((c) => c.kind === 'explain' && !c.error && !c.tamper && !c.explainWith);
  if (!explainCase) throw new Error('policy.json has no plain explain case');
  return [
    {
      id: `control-panel: event seq ${index + 1} verifies against a signed checkpoint (size ${fixture.checkpoint.size}) with an inclusion proof`,
      run() {
        const registry = SignerRegistry.fromJson(fixture.registry);
        const keys = [VerifierKey.parse(fixture.vkey)];
        const r = verifyEventInCheckpoint(row, index, fixture.inclusion[index], fixture.checkpoint.note, keys, registry);
        assertEqual(r.valid, true, 'valid');
        assertEqual(r.event.id, JSON.parse(row).id, 'event id');
        assertEqual(r.checkpoint.checkpoint.root, fixture.checkpoint.root, 'root');
      },
    },
    {
      id: `control-panel: event seq ${index + 1} with a tampered payload fails against the checkpoint`,
      run() {
        const registry = SignerRegistry.fromJson(fixture.registry);
        const r = verifyEventInCheckpoint(tamperedRow(row), index, fixture.inclusion[index],
          fixture.checkpoint.note, [fixture.vkey], registry);
        assertSameJson([r.valid, r.stage, r.reason], [false, 'row', 'hash_mismatch'], 'verdict');
      },
    },
    {
      id: `control-panel: policyCheck ${explainCase.check} of ${explainCase.id} is explained`,
      run() {
        const set = PolicySet.fromJson(JSON.stringify(policy.policySets[explainCase.policySet]));
        const d = evaluate(set, explainCase.request);
        const record = d.policyChecks.find((r) => label(r.policyId, r.policyVersion) === explainCase.check);
        const x = explain(record, set);
        assertEqual(x.summary, explainCase.expect.summary, 'summary');
        assertEqual(explainToJson(JSON.stringify(record), set), explainCase.expected, 'explanation bytes');
      },
    },
  ];
}

// ---------------------------------------------------------------------------
// options.json
// ---------------------------------------------------------------------------

/**
 * Every case of options.json this module can run, with the JavaScript
 * spelling (`js`): the same code (kind `OptionsError` unless the case says
 * otherwise), or accepted. The `chain_writer` cases run through the full
 * module's ChainWriter; the verify module has none (checked).
 */
export function optionsChecks(api, file, chain, fixture) {
  checkFormat(file, 'trustcore-vectors/options');
  const registry = api.SignerRegistry.fromJson(chain.registry);
  const jsonl = chain.cases.find((c) => c.id === 'good/ten').jsonl;
  const calls = {
    verify_jsonl: (o) => api.verifyJsonl(jsonl, registry, o),
    canonicalize: (o) => api.canonicalize(1, o),
    // Options are read before anything else: with every other argument
    // valid, accepted options verify the fixture's row.
    // The full module's writer (remote signers): any valid key.
    chain_writer: (o) => api.ChainWriter.create('kernel-signer', registry.keyFor('kernel-signer', '2026-03-01T12:00:00Z'), o),
    verify_event_in_checkpoint: (o) => {
      const r = api.verifyEventInCheckpoint(fixture.rows[0], 0, fixture.inclusion[0], fixture.checkpoint.note, [fixture.vkey], registry, o);
      if (r.index !== 0) throw new Error('no report');
      // And before the other arguments: the same error with none of them usable.
      try {
        api.verifyEventInCheckpoint(null, null, null, null, null, registry, o);
      } catch (e) {
        if (e.name === 'OptionsError') throw e;
      }
    },
  };
  const checks = [];
  for (const c of file.cases) {
    if (c.call === 'chain_writer' && api.ChainWriter === undefined) {
      checks.push({
        id: `options ${c.id}: needs a ChainWriter (not in the verify module)`,
        run() {
          if (typeof api.SnapshotBuilder !== 'undefined') throw new Error('a full module without a ChainWriter');
        },
      });
      continue;
    }
    const call = calls[c.call];
    checks.push({
      id: `options ${c.id}`,
      run() {
        if (!call) throw new Error(`unknown call ${c.call}`);
        if (c.error === undefined) {
          call(c.js);
          return;
        }
        assertThrows(() => call(c.js), { name: c.kind ?? 'OptionsError', code: c.error }, c.id);
      },
    });
  }
  return checks;
}
