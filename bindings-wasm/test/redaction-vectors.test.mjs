// test-vectors/redaction.json (#12), written by the independent generator
// tools/gen_redaction.py, through the WASM modules: policies loaded (their
// digests) and refused (code and JSON Pointer), every detector's edges
// (through a one-rule policy), redacted bytes and records, privileged
// proofs, commitment forms and their disclosures with every RFC 9901
// refusal, and commitment-form snapshots whose redacted views verify.
// The producing side (RedactionPolicy, redact, commit, SnapshotBuilder,
// UnsignedSnapshot, PreparedSnapshot) runs in the full module only; the
// reading side (proves, disclose, discloseReport, Snapshot, verifySnapshot,
// recordProof, verifyRecord) in both the full module and the verify module.
//
// What the napi test (bindings-node/test/redaction-vectors.test.mjs) does
// that this module cannot express: signing with a secret key
// (`unsigned.sign(sk, kid, alg)`): the WASM module holds no secret key, so
// the snapshot is signed by Node's crypto (test/signer.mjs) from the
// vectors' seed and attached with `prepare(...).attach(signature, key)`,
// which checks the answer; the metadata must still be the vectors' bytes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { api as t, loadVerify } from './load.mjs';
import { concat, snakeKeys, toHex, vectorDoc } from './vector-docs.mjs';
import { signer } from './signer.mjs';

const verifyApi = await loadVerify();
/** Reading-side modules: each reading check runs once per module. */
const readers = [['full', t], ['verify', verifyApi]];

const utf8 = new TextEncoder();
const text = (bytes) => {
  assert.ok(bytes instanceof Uint8Array, `a Uint8Array, got ${Object.prototype.toString.call(bytes)}`);
  return new TextDecoder().decode(bytes);
};
/** The thrown error of `fn` (which must throw an Error). */
function thrown(fn, what) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, `${what}: an Error, got ${String(e)}`);
    return e;
  }
  assert.fail(`${what}: did not throw`);
}

const SECTIONS = ['policyErrors', 'detectors', 'redactions', 'redactErrors', 'proofs', 'commitments', 'commitErrors', 'disclosures', 'snapshots'];

/** redaction.json, its format and every section checked: never an empty pass. */
const doc = vectorDoc('redaction.json', SECTIONS, (d) => {
  for (const s of ['keys', 'policies', 'policyDigests', 'documents', 'signingKeys']) {
    if (!d[s] || typeof d[s] !== 'object' || Object.keys(d[s]).length === 0) throw new Error(`redaction.json: ${s} is missing or empty`);
  }
  if (d.registry === undefined) throw new Error('redaction.json: registry missing');
});

if (doc !== undefined) {
  const key = (name) => {
    assert.ok(typeof doc.keys[name] === 'string', `key ${name} in the vectors`);
    return new Uint8Array(Buffer.from(doc.keys[name], 'hex'));
  };
  const policies = Object.fromEntries(Object.entries(doc.policies).map(([name, d]) => [name, t.RedactionPolicy.fromJson(d)]));
  const documentOf = (c) => (typeof c.document === 'string' ? doc.documents[c.document] : c.document);
  const registryText = typeof doc.registry === 'string' ? doc.registry : JSON.stringify(doc.registry);
  const registries = new Map(readers.map(([name, m]) => [name, m.SignerRegistry.fromJson(registryText)]));
  after(() => {
    for (const p of Object.values(policies)) p.free();
    for (const r of registries.values()) r.free();
  });

  test('the verify module has the reading side and not the producing side', () => {
    for (const name of ['proves', 'disclose', 'discloseReport', 'Snapshot', 'SignerRegistry', 'verifySnapshot', 'recordProof', 'verifyRecord']) {
      assert.equal(typeof t[name], 'function', `full: ${name}`);
      assert.equal(typeof verifyApi[name], 'function', `verify: ${name}`);
    }
    for (const name of ['RedactionPolicy', 'redact', 'commit', 'SnapshotBuilder']) {
      assert.equal(typeof t[name], 'function', `full: ${name}`);
      assert.equal(verifyApi[name], undefined, `verify: no ${name}`);
    }
  });

  test('policies load with their digests, from objects, text and bytes', () => {
    assert.deepEqual(Object.keys(policies).sort(), Object.keys(doc.policyDigests).sort());
    for (const [name, p] of Object.entries(policies)) {
      assert.equal(p.digest, doc.policyDigests[name], name);
      assert.deepEqual(p.toJSON(), doc.policies[name], name);
      const json = JSON.stringify(doc.policies[name]);
      for (const [form, arg] of [['text', json], ['bytes', utf8.encode(json)]]) {
        const q = t.RedactionPolicy.fromJson(arg);
        assert.equal(q.digest, p.digest, `${name} from ${form}`);
        q.free();
      }
      assert.equal(p.id, doc.policies[name].id);
      assert.equal(p.version, doc.policies[name].version);
    }
  });

  for (const c of doc.policyErrors) {
    test(`policy error: ${c.id}`, () => {
      const arg = c.policyText ?? c.policy;
      const e = thrown(() => t.RedactionPolicy.fromJson(arg), c.id);
      assert.equal(e.code, c.error.code, e.message);
      if (c.error.path !== undefined) assert.equal(e.path, c.error.path, e.message);
    });
  }

  test('every detector gives the vectors\' verdict (through a one-rule policy)', () => {
    const seen = new Set();
    const salt = key('salt');
    const byDetector = {};
    for (const c of doc.detectors) {
      byDetector[c.detector] ??= t.RedactionPolicy.fromJson({ type: 'trustcore.redaction-policy/v1', id: `d-${c.detector}`, version: 1, rules: [{ id: 'r', select: { detect: c.detector }, action: 'remove' }] });
      const r = t.redact({ v: c.value }, byDetector[c.detector], salt);
      assert.equal(r.record.redactions.length === 1, c.matches, `${c.detector} on ${JSON.stringify(c.value)}`);
      seen.add(`${c.detector}/${c.matches}`);
    }
    for (const d of ['email', 'phone', 'ipv4', 'ipv6', 'card', 'iban']) {
      assert.ok(seen.has(`${d}/true`) && seen.has(`${d}/false`), d);
    }
    for (const p of Object.values(byDetector)) p.free();
  });

  /** The case's keys as `redact` takes them: salt (cut to `saltKeyBytes`), pseudonym or null. */
  function keysOf(c) {
    const salt = key(c.saltKey).subarray(0, c.saltKeyBytes ?? 32);
    return [salt, c.pseudonymKey === null ? null : key(c.pseudonymKey)];
  }

  for (const c of doc.redactions) {
    test(`redaction: ${c.id}`, () => {
      const policy = policies[c.policy];
      assert.ok(policy, `policy ${c.policy}`);
      const r = t.redact(documentOf(c), policy, ...keysOf(c));
      assert.equal(text(r.redacted), c.redacted);
      assert.deepEqual(r.record, c.record);
      // The same from the document's JSON text, and from its bytes.
      const json = JSON.stringify(documentOf(c));
      for (const [form, arg] of [['text', json], ['bytes', utf8.encode(json)]]) {
        const again = t.redact(arg, policy, ...keysOf(c));
        assert.deepEqual([text(again.redacted), again.record], [c.redacted, c.record], form);
      }
      if (c.pseudonymKey === null) {
        // An absent pseudonym key is the same as null.
        const [salt] = keysOf(c);
        const omitted = t.redact(documentOf(c), policy, salt);
        assert.deepEqual([text(omitted.redacted), omitted.record], [c.redacted, c.record], 'pseudonymKey omitted');
      }
    });
  }

  for (const c of doc.redactErrors) {
    test(`redaction error: ${c.id}`, () => {
      const e = thrown(() => t.redact(documentOf(c), policies[c.policy], ...keysOf(c)), c.id);
      assert.equal(e.code, c.code, e.message);
      assert.equal(e.name, 'RedactionError', e.message);
    });
  }

  for (const c of doc.proofs) {
    for (const [name, m] of readers) {
      test(`proof (${name} module): ${c.id}`, () => {
        const run = doc.redactions.find((r) => r.id === c.redaction);
        assert.ok(run, `redaction ${c.redaction}`);
        const entry = run.record.redactions[c.entry];
        assert.ok(entry, `entry ${c.entry}`);
        assert.equal(m.proves(entry, c.value, key(c.saltKey)), c.proves);
      });
    }
  }

  /** A commitment case's record in commitment form, as this module commits it. */
  function committedForm(id) {
    const c = doc.commitments.find((x) => x.id === id);
    assert.ok(c, `commitment ${id}`);
    return t.commit(documentOf(c), policies[c.policy], key(c.saltKey)).record;
  }

  for (const c of doc.commitments) {
    test(`commitment: ${c.id}`, () => {
      const got = t.commit(documentOf(c), policies[c.policy], key(c.saltKey));
      assert.equal(text(t.canonicalize(got.record)), c.committed);
      assert.deepEqual(got.disclosures, c.disclosures);
      const json = JSON.stringify(documentOf(c));
      assert.deepEqual(t.commit(json, policies[c.policy], key(c.saltKey)), got, 'from text');
      assert.deepEqual(t.commit(utf8.encode(json), policies[c.policy], key(c.saltKey)), got, 'from bytes');
      // The digests the vectors list are the committed record's.
      const committed = text(t.canonicalize(got.record));
      for (const d of c.digests) assert.ok(committed.includes(JSON.stringify(d)), `digest ${d} in the commitment form`);
    });
  }

  for (const c of doc.commitErrors) {
    test(`commitment error: ${c.id}`, () => {
      const e = thrown(() => t.commit(documentOf(c), policies[c.policy], key(c.saltKey)), c.id);
      assert.equal(e.code, c.code, e.message);
    });
  }

  for (const [name, m] of readers) {
    test(`disclosures (${name} module): every view and every refusal`, () => {
      const codes = new Set();
      let views = 0;
      for (const c of doc.disclosures) {
        const record = c.commitment !== undefined ? committedForm(c.commitment) : c.committed;
        if (c.error !== undefined) {
          for (const [fname, f] of [['disclose', m.disclose], ['discloseReport', m.discloseReport]]) {
            const e = thrown(() => f(record, c.disclosures), `${c.id} ${fname}`);
            assert.equal(e.code, c.error, `${c.id} ${fname}: ${e.message}`);
            assert.equal(e.name, 'RedactionError', `${c.id} ${fname}: ${e.message}`);
            codes.add(e.code);
          }
        } else {
          assert.deepEqual(m.disclose(record, c.disclosures), c.expected, c.id);
          assert.deepEqual(m.discloseReport(record, c.disclosures), { view: c.expected, opened: c.opened, hidden: c.hidden }, c.id);
          views += 1;
        }
      }
      assert.ok(views > 0, 'successful disclosure cases');
      for (const code of ['invalid_disclosure', 'duplicate_digest', 'unreferenced_disclosure', 'claim_collision']) assert.ok(codes.has(code), code);
    });
  }

  for (const c of doc.snapshots) {
    test(`commitment-form snapshot ${c.id}: built and signed (full module), read in both modules`, () => {
      const policy = policies[c.policy];
      assert.ok(policy, `policy ${c.policy}`);
      const b = t.SnapshotBuilder.create();
      const lines = [];
      const records = [];
      for (const [i, r] of c.records.entries()) {
        const cm = t.commit(r, policy, key(c.saltKey));
        assert.deepEqual(cm.disclosures, c.disclosures[i], `disclosures of record ${i}`);
        const line = b.push(cm.record);
        assert.equal(text(line), `${c.lines[i]}\n`, `line ${i}`);
        lines.push(line);
        records.push(cm.record);
      }
      const batch = concat(lines);
      const unsigned = b.finish(c.snapshotId, c.ts);
      const prepared = unsigned.prepare(c.signerKid, c.alg);
      // No secret key in the module: Node's crypto signs, the module checks.
      assert.equal(c.alg, 'ed25519', 'Node\'s crypto signs pure Ed25519 only');
      const sk = signer(Buffer.from(doc.signingKeys[c.key].seed, 'hex'));
      const pk = t.PublicKey.fromBase64(doc.signingKeys[c.key].publicKey);
      assert.equal(sk.publicKeyBase64, doc.signingKeys[c.key].publicKey, 'the signing key');
      const meta = prepared.attach(sk.sign(prepared.message), pk);
      assert.equal(meta.toJson(), c.metadata);
      assert.equal(text(t.canonicalize(meta.toJSON())), c.metadata);
      for (const o of [pk, prepared, unsigned, b]) o.free();
      for (const [name, m] of readers) {
        const registry = registries.get(name);
        const s = m.Snapshot.fromJson(meta.toJson());
        assert.equal(m.verifySnapshot(s, batch, registry).valid, true, `${name}: the batch verifies`);
        for (const [i, line] of c.lines.entries()) {
          const proof = m.recordProof(batch, i);
          assert.deepEqual(proof.map(toHex), c.proofs[i], `${name}: proof ${i}`);
          assert.equal(m.verifyRecord(s, line, i, proof, registry).valid, true, `${name}: record ${i}`);
        }
        for (const v of c.views) {
          const given = v.disclose.map((k) => c.disclosures[v.record][k]);
          assert.deepEqual(m.disclose(records[v.record], given), v.expected, `${name}: ${v.id}`);
          // The reader holds the batch line, not the producer's object.
          assert.deepEqual(m.disclose(c.lines[v.record], given), v.expected, `${name}: ${v.id} (line)`);
        }
        for (const rf of c.refusals) {
          for (const rec of [records[rf.record], c.lines[rf.record]]) {
            const e = thrown(() => m.disclose(rec, rf.disclosures), `${name}: ${rf.id}`);
            assert.equal(e.code, rf.error, `${name}: ${rf.id}: ${e.message}`);
          }
        }
        const tampered = snakeKeys(m.verifySnapshot(s, c.tampered.batch, registry));
        for (const f of tampered.failures) {
          assert.ok(typeof f.message === 'string' && f.message.length > 0);
          delete f.message;
        }
        assert.deepEqual(tampered, c.tampered.expected, `${name}: tampered`);
        s.free();
      }
      meta.free();
    });
  }
}
