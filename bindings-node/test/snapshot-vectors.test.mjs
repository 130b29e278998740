// test-vectors/snapshots.json (#12), written by the independent generator
// tools/gen_snapshots.py, through the Node API: every build (lines,
// unsigned metadata, the bytes a remote signer gets, the signed metadata),
// builder errors where they happen, remote answers that must be refused,
// every verification report (whole, as a string, in chunks of 1, 7 and 4096
// bytes, and from .jsonl and .jsonl.gz files), refused metadata, record
// proofs and the snapshot.published audit link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustcore as t, loadVectors, snakeKeys } from './helpers.mjs';

const doc = loadVectors('snapshots.json');
const registry = t.SignerRegistry.fromJson(doc.registry);
const dir = mkdtempSync(join(tmpdir(), 'trustcore-snapshot-vectors-'));
const secret = (name) => t.SecretKey.fromSeed(Buffer.from(doc.keys[name].seed, 'hex'));
const publicKey = (name) => t.PublicKey.fromBase64(doc.keys[name].publicKey);
const build = (id) => doc.builds.find((b) => b.id === id);

/** The vectors' options (snake_case) as JavaScript spells them. */
function camel(options) {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), v]));
}

/** The report as the vectors spell it, without messages. */
function plain(report) {
  assert.ok('failureCounts' in report, 'camelCase report members');
  const r = snakeKeys(report);
  for (const f of r.failures) {
    assert.ok(typeof f.message === 'string' && f.message.length > 0);
    delete f.message;
  }
  return r;
}

/** Builds a case: the batch, the unsigned snapshot, or where it failed. */
function run(c) {
  let b;
  try {
    b = new t.SnapshotBuilder(camel(c.options));
  } catch (e) {
    return { at: 'options', code: e.code };
  }
  const lines = [];
  for (const [i, r] of c.records.entries()) {
    try {
      lines.push(b.pushRecord(r));
    } catch (e) {
      return { at: i, code: e.code };
    }
  }
  try {
    return { batch: Buffer.concat(lines), unsigned: b.finish(c.snapshotId, c.ts) };
  } catch (e) {
    return { at: 'finish', code: e.code };
  }
}

for (const c of doc.builds) {
  test(`build: ${c.id}`, () => {
    const { batch, unsigned } = run(c);
    assert.equal(batch.toString(), c.lines.map((l) => `${l}\n`).join(''));
    assert.equal(batch.toString(), c.batch);
    assert.deepEqual(unsigned.metadata, c.unsigned);
    const prepared = unsigned.prepare(c.signerKid, c.alg);
    assert.equal(prepared.message.toString('hex'), c.message);
    if (c.alg === 'ed25519') assert.equal(prepared.message.toString(), c.signingInput);
    const meta = unsigned.sign(secret(c.key), c.signerKid, c.alg);
    assert.equal(t.canonicalize(meta).toString(), c.metadata, 'signed metadata');
    for (const f of ['snapshot_id', 'trace_range', 'hash', 'signer_kid', 'signature', 'ts']) assert.ok(f in meta, f);
    assert.equal(t.verifySnapshot(c.metadata, batch, registry).valid, true);
    // Records as JS values give the same lines.
    const again = new t.SnapshotBuilder(camel(c.options));
    const lines = c.records.map((r) => again.pushRecord(JSON.parse(r)).toString()).join('');
    assert.equal(lines, c.batch);
  });
}

for (const c of doc.buildErrors) {
  test(`build error: ${c.id}`, () => {
    assert.deepEqual(run(c), c.error);
  });
}

for (const c of doc.remote) {
  test(`remote answer: ${c.id}`, async () => {
    const b = build(c.build);
    const { unsigned } = run(b);
    const answer = Buffer.from(c.answer, 'hex');
    const prepared = unsigned.prepare(b.signerKid, b.alg);
    let got;
    try {
      got = t.canonicalize(prepared.attach(answer, publicKey(c.expectedKey))).toString();
    } catch (e) {
      got = e.code;
    }
    assert.equal(got, c.error ?? b.metadata);
    // The same answer from an async KMS-like signer: the same outcome, and
    // nothing else on a refusal.
    const viaKms = await unsigned.signWith(b.signerKid, publicKey(c.expectedKey), async () => answer, b.alg).then((m) => t.canonicalize(m).toString(), (e) => e.code);
    assert.equal(viaKms, c.error ?? b.metadata);
  });
}

for (const c of doc.verify) {
  test(`verify: ${c.id}`, async () => {
    const bytes = Buffer.from(c.batch, 'utf8');
    assert.deepEqual(plain(t.verifySnapshot(c.metadata, bytes, registry)), c.expected, 'bytes');
    assert.deepEqual(plain(t.verifySnapshot(JSON.parse(c.metadata), c.batch, registry)), c.expected, 'string, metadata object');
    for (const size of [1, 7, 4096]) {
      const v = new t.SnapshotVerifier(c.metadata, registry);
      for (let i = 0; i < bytes.length; i += size) v.pushBytes(bytes.subarray(i, i + size));
      assert.deepEqual(plain(v.finish()), c.expected, `chunks of ${size}`);
    }
    const name = c.id.replace(/[^a-z0-9]+/gi, '_');
    writeFileSync(join(dir, `${name}.jsonl`), bytes);
    assert.deepEqual(plain(await t.verifySnapshotFile(c.metadata, join(dir, `${name}.jsonl`), registry)), c.expected, '.jsonl file');
    // Gzipped in two members (cut mid-line): every member is read.
    const cut = Math.floor(bytes.length / 2);
    writeFileSync(join(dir, `${name}.jsonl.gz`), Buffer.concat([gzipSync(bytes.subarray(0, cut)), gzipSync(bytes.subarray(cut))]));
    assert.deepEqual(plain(await t.verifySnapshotFile(c.metadata, join(dir, `${name}.jsonl.gz`), registry)), c.expected, '.jsonl.gz file');
  });
}

test('the verify cases reach every failure code but not_included (a proof\'s)', () => {
  const codes = new Set(doc.verify.flatMap((c) => c.expected.failures.map((f) => f.code)));
  for (const code of ['malformed_line', 'not_canonical', 'missing_field', 'count_mismatch', 'hash_mismatch', 'merkle_mismatch', 'trace_range_mismatch', 'unknown_signer', 'signer_not_yet_valid', 'signer_expired', 'signer_revoked', 'algorithm_mismatch', 'invalid_signature']) {
    assert.ok(codes.has(code), code);
  }
});

for (const c of doc.metadataErrors) {
  test(`metadata error: ${c.id}`, () => {
    assert.throws(() => t.verifySnapshot(c.metadata, '', registry), (e) => e.code === c.code);
    assert.throws(() => new t.SnapshotVerifier(c.metadata, registry), (e) => e.code === c.code);
  });
}

for (const c of doc.proofs) {
  test(`proof: ${c.id}`, () => {
    if (c.batch !== undefined) {
      assert.deepEqual(t.recordProof(build(c.batch).batch, c.index).map((h) => h.toString('hex')), c.proof);
    }
    const proof = c.proof.map((h) => Buffer.from(h, 'hex'));
    assert.deepEqual(plain(t.verifyRecord(c.metadata, c.record, c.index, proof, registry)), c.expected);
  });
}

for (const c of doc.proofErrors) {
  test(`proof error: ${c.id}`, () => {
    assert.throws(() => t.recordProof(build(c.batch).batch, c.index), (e) => e.code === c.code);
  });
}

test('the snapshot.published event body, row and check', () => {
  const eb = doc.eventBody;
  const b = build(eb.build);
  const body = t.snapshotEventBody(b.metadata, eb.event.id, eb.event.ts, eb.event.actor);
  assert.deepEqual(snakeKeys(body), eb.body);
  const w = t.ChainWriter.create('graph-signer', secret('1').publicKey());
  assert.equal(w.append(body, secret('1')), eb.row);
  for (const c of doc.events) {
    let got = null;
    try {
      t.checkSnapshotEvent(c.metadata, c.row);
    } catch (e) {
      got = e.code;
    }
    assert.equal(got, c.error, c.id);
  }
});
