// test-vectors/snapshots.json (#12), written by the independent generator
// tools/gen_snapshots.py, through the WASM modules: every build (lines,
// unsigned metadata, the bytes a remote signer gets, the signed metadata),
// builder errors where they happen, remote answers that must be refused,
// every verification report (whole, from bytes and from a string, in chunks
// of 1, 7 and 4096 bytes), refused metadata, record proofs and the
// snapshot.published audit link. The reading side (Snapshot, verifySnapshot,
// SnapshotVerifier, recordProof, verifyRecord, checkEvent) runs in both the
// full module and the verify module; the producing side (SnapshotBuilder,
// UnsignedSnapshot, PreparedSnapshot, ChainWriter) in the full module only.
//
// What the napi test (bindings-node/test/snapshot-vectors.test.mjs) checks
// that this module cannot express:
// * `unsigned.sign(secretKey)`: the WASM module holds no secret key (remote
//   signing only). Pure Ed25519 builds are signed by Node's crypto
//   (test/signer.mjs) from the vectors' seed and attached; Node's crypto has
//   no Ed25519ph, so the ed25519ph builds attach the generator's own
//   signature (taken from the case's `metadata`, made by pycryptodome),
//   which `attach` verifies under the key against the module's prepared
//   message before any metadata exists.
// * `unsigned.signWith(kid, key, asyncSigner)`: no such call here; the
//   remote answers go through `prepare(...).attach(answer, key)` only.
// * `verifySnapshotFile` (.jsonl and gzipped .jsonl.gz files): no file
//   access in the module; streaming is `SnapshotVerifier.pushBytes`, checked
//   in chunks of 1, 7 and 4096 bytes.
// * `snapshotEventBody(metadata, id, ts, actor)` is the method
//   `Snapshot#eventBody(id, ts, actor)` here (full module only): its body
//   is checked against the vectors' `body`, then written with the module's
//   `ChainWriter` and compared with `row`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { api as t, loadVerify } from './load.mjs';
import { concat, snakeKeys, toHex, vectorDoc } from './vector-docs.mjs';
import { signer } from './signer.mjs';

const verifyApi = await loadVerify();
/** Reading-side modules: each reading check runs once per module. */
const readers = [['full', t], ['verify', verifyApi]];

const utf8 = new TextEncoder();
const text = (bytes) => new TextDecoder().decode(bytes);
const fromHex = (hex) => new Uint8Array(Buffer.from(hex, 'hex'));
/** The vectors' options (snake_case) as JavaScript spells them. */
function camel(options) {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), v]));
}

/** The report as the vectors spell it, without messages. */
function plain(report) {
  assert.ok('failureCounts' in report && 'snapshotId' in report, 'camelCase report members');
  const r = snakeKeys(report);
  for (const f of r.failures) {
    assert.ok(typeof f.message === 'string' && f.message.length > 0, 'a message');
    delete f.message;
  }
  return r;
}

/** The error's `code` (and its name, for the message) of `fn`, or null when it does not throw. */
function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, `an Error, got ${String(e)}`);
    return e.code;
  }
  return null;
}

const SECTIONS = ['builds', 'buildErrors', 'remote', 'verify', 'metadataErrors', 'proofs', 'proofErrors', 'events'];

/** snapshots.json, its format and every section checked: never an empty pass. */
const doc = vectorDoc('snapshots.json', SECTIONS, (d) => {
  if (typeof d.registry !== 'string' || !d.keys || !d.eventBody) throw new Error('snapshots.json: registry, keys or eventBody missing');
});

if (doc !== undefined) {
  const registries = new Map(readers.map(([name, m]) => [name, m.SignerRegistry.fromJson(doc.registry)]));
  after(() => {
    for (const r of registries.values()) r.free();
  });
  const publicKey = (m, name) => m.PublicKey.fromBase64(doc.keys[name].publicKey);
  const build = (id) => {
    const b = doc.builds.find((x) => x.id === id);
    assert.ok(b, `build ${id} in the vectors`);
    return b;
  };

  test('the test keys: Node\'s signer from each seed has the vectors\' public key', () => {
    for (const [name, k] of Object.entries(doc.keys)) {
      assert.equal(signer(Buffer.from(k.seed, 'hex')).publicKeyBase64, k.publicKey, name);
    }
  });

  test('the verify module has the reading side and not the producing side', () => {
    for (const name of ['Snapshot', 'SnapshotVerifier', 'SignerRegistry', 'PublicKey', 'verifySnapshot', 'recordProof', 'verifyRecord']) {
      assert.equal(typeof t[name], 'function', `full: ${name}`);
      assert.equal(typeof verifyApi[name], 'function', `verify: ${name}`);
    }
    assert.equal(typeof verifyApi.Snapshot.prototype.checkEvent, 'function', 'verify: Snapshot.checkEvent');
    for (const name of ['SnapshotBuilder', 'UnsignedSnapshot', 'PreparedSnapshot', 'ChainWriter']) {
      assert.equal(typeof t[name], 'function', `full: ${name}`);
      assert.equal(verifyApi[name], undefined, `verify: no ${name}`);
    }
  });

  /**
   * Builds a case (full module): the batch, its lines and the unsigned
   * snapshot, or where it failed (`{ at, code }`).
   */
  function run(c) {
    let b;
    try {
      b = t.SnapshotBuilder.create(camel(c.options));
    } catch (e) {
      return { at: 'options', code: e.code };
    }
    try {
      const lines = [];
      for (const [i, r] of c.records.entries()) {
        try {
          lines.push(b.push(r));
        } catch (e) {
          return { at: i, code: e.code };
        }
      }
      assert.equal(b.count, c.records.length, 'count');
      try {
        return { lines, batch: concat(lines), unsigned: b.finish(c.snapshotId, c.ts) };
      } catch (e) {
        return { at: 'finish', code: e.code };
      }
    } finally {
      b.free();
    }
  }

  /** The signature for a build: Node's crypto for pure Ed25519, the generator's for ed25519ph (see the top). */
  function signatureFor(c, message) {
    if (c.alg === 'ed25519') return signer(Buffer.from(doc.keys[c.key].seed, 'hex')).sign(message);
    assert.equal(c.alg, 'ed25519ph');
    return new Uint8Array(Buffer.from(JSON.parse(c.metadata).signature, 'base64'));
  }

  for (const c of doc.builds) {
    test(`build: ${c.id}`, () => {
      const r = run(c);
      assert.ok(r.unsigned, `built, got ${JSON.stringify(r)}`);
      const { lines, batch, unsigned } = r;
      assert.equal(lines.length, c.lines.length, 'line count');
      for (const [i, line] of lines.entries()) {
        assert.ok(line instanceof Uint8Array);
        assert.equal(text(line), `${c.lines[i]}\n`, `line ${i}`);
      }
      assert.equal(text(batch), c.batch);
      assert.deepEqual(unsigned.toJSON(), c.unsigned);
      const prepared = unsigned.prepare(c.signerKid, c.alg);
      const message = prepared.message;
      assert.equal(toHex(message), c.message);
      if (c.alg === 'ed25519') assert.equal(text(message), c.signingInput);
      const key = publicKey(t, c.key);
      const snap = prepared.attach(signatureFor(c, message), key);
      assert.equal(snap.toJson(), c.metadata, 'signed metadata');
      assert.equal(text(t.canonicalize(snap.toJSON())), c.metadata, 'toJSON()');
      for (const f of ['snapshot_id', 'trace_range', 'hash', 'signer_kid', 'signature', 'ts']) assert.ok(f in snap.toJSON(), f);
      assert.equal(snap.snapshotId, c.snapshotId);
      assert.equal(snap.records, c.records.length);
      assert.equal(snap.signerKid, c.signerKid);
      assert.equal(snap.ts, JSON.parse(c.metadata).ts);
      assert.equal(snap.hash, JSON.parse(c.metadata).hash);
      // The metadata read back verifies the batch, in both modules.
      for (const [name, m] of readers) {
        const s = m.Snapshot.fromJson(c.metadata);
        assert.equal(m.verifySnapshot(s, batch, registries.get(name)).valid, true, name);
        s.free();
      }
      // Records as JS values give the same lines.
      const again = t.SnapshotBuilder.create(camel(c.options));
      assert.equal(c.records.map((rec) => text(again.push(JSON.parse(rec)))).join(''), c.batch, 'records as values');
      again.free();
      for (const o of [snap, key, prepared, unsigned]) o.free();
    });
  }

  for (const c of doc.buildErrors) {
    test(`build error: ${c.id}`, () => {
      const r = run(c);
      if (r.unsigned) r.unsigned.free();
      assert.deepEqual(r.unsigned ? { built: true } : r, c.error);
    });
  }

  for (const c of doc.remote) {
    test(`remote answer: ${c.id}`, () => {
      const b = build(c.build);
      const { unsigned } = run(b);
      assert.ok(unsigned, `build ${b.id} builds`);
      const prepared = unsigned.prepare(b.signerKid, b.alg);
      const key = publicKey(t, c.expectedKey);
      let got;
      try {
        const snap = prepared.attach(fromHex(c.answer), key);
        got = snap.toJson();
        snap.free();
      } catch (e) {
        got = e.code;
        assert.equal(e.name, 'SnapshotError', e.message);
      }
      assert.equal(got, c.error ?? b.metadata);
      for (const o of [key, prepared, unsigned]) o.free();
    });
  }

  for (const c of doc.verify) {
    for (const [name, m] of readers) {
      test(`verify (${name} module): ${c.id}`, () => {
        const registry = registries.get(name);
        const bytes = utf8.encode(c.batch);
        const s = m.Snapshot.fromJson(c.metadata);
        assert.deepEqual(plain(m.verifySnapshot(s, bytes, registry)), c.expected, 'bytes');
        const fromObject = m.Snapshot.fromJson(JSON.parse(c.metadata));
        assert.deepEqual(plain(m.verifySnapshot(fromObject, c.batch, registry)), c.expected, 'string, metadata object');
        for (const size of [1, 7, 4096]) {
          const v = m.SnapshotVerifier.create(s, registry);
          for (let i = 0; i < bytes.length; i += size) v.pushBytes(bytes.subarray(i, i + size));
          assert.deepEqual(plain(v.finish()), c.expected, `chunks of ${size}`);
          v.free();
        }
        s.free();
        fromObject.free();
      });
    }
  }

  test('the verify cases reach every failure code but not_included (a proof\'s)', () => {
    const codes = new Set(doc.verify.flatMap((c) => c.expected.failures.map((f) => f.code)));
    for (const code of ['malformed_line', 'not_canonical', 'missing_field', 'count_mismatch', 'hash_mismatch', 'merkle_mismatch', 'trace_range_mismatch', 'unknown_signer', 'signer_not_yet_valid', 'signer_expired', 'signer_revoked', 'algorithm_mismatch', 'invalid_signature']) {
      assert.ok(codes.has(code), code);
    }
    assert.ok(doc.proofs.some((c) => c.expected.failures.some((f) => f.code === 'not_included')), 'not_included in proofs');
  });

  for (const c of doc.metadataErrors) {
    for (const [name, m] of readers) {
      test(`metadata error (${name} module): ${c.id}`, () => {
        // The WASM API reads metadata in one place, Snapshot.fromJson (the
        // napi test's verifySnapshot and SnapshotVerifier both take text).
        assert.equal(codeOf(() => m.Snapshot.fromJson(c.metadata)), c.code, 'text');
        assert.equal(codeOf(() => m.Snapshot.fromJson(utf8.encode(c.metadata))), c.code, 'bytes');
      });
    }
  }

  for (const c of doc.proofs) {
    for (const [name, m] of readers) {
      test(`proof (${name} module): ${c.id}`, () => {
        if (c.batch !== undefined) {
          assert.deepEqual(m.recordProof(build(c.batch).batch, c.index).map(toHex), c.proof, 'recordProof');
        }
        const s = m.Snapshot.fromJson(c.metadata);
        const proof = c.proof.map(fromHex);
        assert.deepEqual(plain(m.verifyRecord(s, c.record, c.index, proof, registries.get(name))), c.expected);
        s.free();
      });
    }
  }

  for (const c of doc.proofErrors) {
    for (const [name, m] of readers) {
      test(`proof error (${name} module): ${c.id}`, () => {
        assert.equal(codeOf(() => m.recordProof(build(c.batch).batch, c.index)), c.code);
      });
    }
  }

  test('the snapshot.published event body and row (full module)', () => {
    const eb = doc.eventBody;
    const b = build(eb.build);
    const s = t.Snapshot.fromJson(b.metadata);
    const body = s.eventBody(eb.event.id, eb.event.ts, eb.event.actor);
    assert.deepEqual(Object.keys(body).sort(), ['actor', 'eventType', 'id', 'payload', 'ts'], 'camelCase members');
    assert.deepEqual(snakeKeys(body), eb.body);
    assert.deepEqual(body.payload, s.toJSON(), 'the metadata, with its own names, is the payload');
    assert.equal(verifyApi.Snapshot.prototype.eventBody, undefined, 'producing side: not in the verify module');
    const key = signer(Buffer.from(doc.keys['1'].seed, 'hex'));
    const expected = t.PublicKey.fromBase64(doc.keys['1'].publicKey);
    const w = t.ChainWriter.create('graph-signer', expected, null);
    const prepared = w.prepare(body);
    assert.equal(w.attachLine(prepared, key.sign(prepared.message)), eb.row);
    for (const o of [prepared, w, expected, s]) o.free();
  });

  for (const [name, m] of readers) {
    test(`snapshot.published events are checked against the snapshot (${name} module)`, () => {
      const built = m.Snapshot.fromJson(build(doc.eventBody.build).metadata);
      assert.equal(built.checkEvent(doc.eventBody.row), undefined, 'eventBody row');
      assert.equal(built.checkEvent(JSON.parse(doc.eventBody.row)), undefined, 'eventBody row as an object');
      built.free();
      for (const c of doc.events) {
        const s = m.Snapshot.fromJson(c.metadata);
        assert.equal(codeOf(() => s.checkEvent(c.row)), c.error, c.id);
        s.free();
      }
    });
  }
}
