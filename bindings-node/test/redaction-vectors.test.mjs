// test-vectors/redaction.json (#12), written by the independent generator
// tools/gen_redaction.py, through the Node API: policies loaded (their
// digests) and refused (code and JSON Pointer), every detector's edges
// (through a one-rule policy), redacted bytes and records, privileged
// proofs, commitment forms and their disclosures with every RFC 9901
// refusal, and commitment-form snapshots whose redacted views verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustcore as t, loadVectors, snakeKeys } from './helpers.mjs';

const doc = loadVectors('redaction.json');
const key = (name) => Buffer.from(doc.keys[name], 'hex');
const policies = Object.fromEntries(Object.entries(doc.policies).map(([name, d]) => [name, t.loadRedactionPolicy(d)]));
const documentOf = (c) => (typeof c.document === 'string' ? doc.documents[c.document] : c.document);

test('policies load with their digests, from objects and from text', () => {
  for (const [name, p] of Object.entries(policies)) {
    assert.equal(p.digest, doc.policyDigests[name], name);
    assert.deepEqual(p.toJSON(), doc.policies[name]);
    assert.equal(t.loadRedactionPolicy(JSON.stringify(doc.policies[name])).digest, p.digest);
    assert.equal(t.loadRedactionPolicy(Buffer.from(JSON.stringify(doc.policies[name]))).digest, p.digest);
    assert.equal(p.id, doc.policies[name].id);
    assert.equal(p.version, doc.policies[name].version);
  }
});

for (const c of doc.policyErrors) {
  test(`policy error: ${c.id}`, () => {
    const arg = c.policyText ?? c.policy;
    assert.throws(() => t.loadRedactionPolicy(arg), (e) => {
      assert.equal(e.code, c.error.code, e.message);
      if (c.error.path !== undefined) assert.equal(e.path, c.error.path, e.message);
      return true;
    });
  });
}

test('every detector gives the vectors\' verdict (through a one-rule policy)', () => {
  const seen = new Set();
  const salt = { saltKey: key('salt') };
  const byDetector = {};
  for (const c of doc.detectors) {
    byDetector[c.detector] ??= t.loadRedactionPolicy({ type: 'trustcore.redaction-policy/v1', id: `d-${c.detector}`, version: 1, rules: [{ id: 'r', select: { detect: c.detector }, action: 'remove' }] });
    const r = t.redact({ v: c.value }, byDetector[c.detector], salt);
    assert.equal(r.record.redactions.length === 1, c.matches, `${c.detector} on ${JSON.stringify(c.value)}`);
    seen.add(`${c.detector}/${c.matches}`);
  }
  for (const d of ['email', 'phone', 'ipv4', 'ipv6', 'card', 'iban']) {
    assert.ok(seen.has(`${d}/true`) && seen.has(`${d}/false`), d);
  }
});

function keysOf(c) {
  const salt = key(c.saltKey).subarray(0, c.saltKeyBytes ?? 32);
  return c.pseudonymKey === null ? { saltKey: salt } : { saltKey: salt, pseudonymKey: key(c.pseudonymKey) };
}

for (const c of doc.redactions) {
  test(`redaction: ${c.id}`, () => {
    const r = t.redact(documentOf(c), policies[c.policy], keysOf(c));
    assert.ok(Buffer.isBuffer(r.document));
    assert.equal(r.document.toString(), c.redacted);
    assert.deepEqual(r.record, c.record);
    // The same from the document's JSON text.
    const fromText = t.redact(JSON.stringify(documentOf(c)), policies[c.policy], keysOf(c));
    assert.deepEqual([fromText.document.toString(), fromText.record], [c.redacted, c.record]);
  });
}

for (const c of doc.redactErrors) {
  test(`redaction error: ${c.id}`, () => {
    assert.throws(() => t.redact(documentOf(c), policies[c.policy], keysOf(c)), (e) => e.code === c.code && e.name === 'RedactionError');
  });
}

for (const c of doc.proofs) {
  test(`proof: ${c.id}`, () => {
    const run = doc.redactions.find((r) => r.id === c.redaction);
    const entry = run.record.redactions[c.entry];
    assert.equal(t.proves(entry, c.value, key(c.saltKey)), c.proves);
  });
}

/** A commitment case's record in commitment form, as Node commits it. */
function committedForm(id) {
  const c = doc.commitments.find((x) => x.id === id);
  return t.commit(documentOf(c), policies[c.policy], key(c.saltKey)).record;
}

for (const c of doc.commitments) {
  test(`commitment: ${c.id}`, () => {
    const got = t.commit(documentOf(c), policies[c.policy], key(c.saltKey));
    assert.equal(t.canonicalize(got.record).toString(), c.committed);
    assert.deepEqual(got.disclosures, c.disclosures);
    assert.deepEqual(t.commit(JSON.stringify(documentOf(c)), policies[c.policy], key(c.saltKey)), got, 'from text');
  });
}

for (const c of doc.commitErrors) {
  test(`commitment error: ${c.id}`, () => {
    assert.throws(() => t.commit(documentOf(c), policies[c.policy], key(c.saltKey)), (e) => e.code === c.code);
  });
}

test('disclosures: every view and every refusal', () => {
  const codes = new Set();
  for (const c of doc.disclosures) {
    const record = c.commitment !== undefined ? committedForm(c.commitment) : c.committed;
    if (c.error !== undefined) {
      for (const f of [t.disclose, t.discloseReport]) {
        assert.throws(() => f(record, c.disclosures), (e) => {
          assert.equal(e.code, c.error, `${c.id}: ${e.message}`);
          assert.equal(e.name, 'RedactionError');
          codes.add(e.code);
          return true;
        }, c.id);
      }
    } else {
      assert.deepEqual(t.disclose(record, c.disclosures), c.expected, c.id);
      assert.deepEqual(t.discloseReport(record, c.disclosures), { view: c.expected, opened: c.opened, hidden: c.hidden }, c.id);
    }
  }
  for (const code of ['invalid_disclosure', 'duplicate_digest', 'unreferenced_disclosure', 'claim_collision']) assert.ok(codes.has(code), code);
});

test('commitment-form snapshots verify, and redacted views of them disclose exactly what is given', () => {
  const registry = t.SignerRegistry.fromJson(typeof doc.registry === 'string' ? doc.registry : JSON.stringify(doc.registry));
  for (const c of doc.snapshots) {
    const policy = policies[c.policy];
    const b = new t.SnapshotBuilder();
    const lines = [];
    const records = [];
    for (const [i, r] of c.records.entries()) {
      const cm = t.commit(r, policy, key(c.saltKey));
      assert.deepEqual(cm.disclosures, c.disclosures[i]);
      const line = b.pushRecord(cm.record);
      assert.equal(line.toString(), `${c.lines[i]}\n`);
      lines.push(line);
      records.push(cm.record);
    }
    const batch = Buffer.concat(lines);
    const sk = t.SecretKey.fromSeed(Buffer.from(doc.signingKeys[c.key].seed, 'hex'));
    const meta = b.finish(c.snapshotId, c.ts).sign(sk, c.signerKid, c.alg);
    assert.equal(t.canonicalize(meta).toString(), c.metadata);
    assert.equal(t.verifySnapshot(meta, batch, registry).valid, true);
    for (const [i, line] of c.lines.entries()) {
      const proof = t.recordProof(batch, i);
      assert.deepEqual(proof.map((h) => h.toString('hex')), c.proofs[i]);
      assert.equal(t.verifyRecord(meta, line, i, proof, registry).valid, true);
    }
    for (const v of c.views) {
      const given = v.disclose.map((k) => c.disclosures[v.record][k]);
      assert.deepEqual(t.disclose(records[v.record], given), v.expected, v.id);
      // The reader holds the batch line, not the producer's object.
      assert.deepEqual(t.disclose(c.lines[v.record], given), v.expected, v.id);
    }
    for (const rf of c.refusals) {
      assert.throws(() => t.disclose(records[rf.record], rf.disclosures), (e) => e.code === rf.error, rf.id);
    }
    const tampered = snakeKeys(t.verifySnapshot(meta, c.tampered.batch, registry));
    for (const f of tampered.failures) delete f.message;
    assert.deepEqual(tampered, c.tampered.expected);
  }
});
