// The audit chain: writer (local and remote signers, fail closed), streaming
// verifier (chunks, rows, resume), one-call and async verification, replay.
// Independent checks use Node's own crypto and the npm `canonicalize`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { trustcore, assertCode } from './helpers.mjs';

const require = createRequire(import.meta.url);
const canonicalizeJs = require('canonicalize');

const {
  SecretKey,
  SignerRegistry,
  ChainWriter,
  ChainVerifier,
  PreparedEvent,
  verifyJsonl,
  verifyJsonlAsync,
  verifyFile,
  verifyEventInCheckpoint,
  MerkleTree,
  Checkpoint,
  VerifierKey,
  replay,
  signEd25519phDigest,
  EVENT_KIND,
} = trustcore;

const key = SecretKey.fromBytes(Buffer.alloc(32, 7));
const other = SecretKey.fromBytes(Buffer.alloc(32, 8));
const registryJson = (alg = 'ed25519') =>
  JSON.stringify({
    signers: [
      { signerId: 'kernel-signer', publicKey: key.publicKey().toBase64(), validFrom: '2026-01-01T00:00:00Z', algorithm: alg },
    ],
  });
const registry = SignerRegistry.fromJson(registryJson());

const uuid = (i) => `6f1c2a4e-0000-4000-8000-${String(i).padStart(12, '0')}`;
const body = (i, extra = {}) => ({
  id: uuid(i),
  ts: `2026-03-01T12:00:${String(i % 60).padStart(2, '0')}Z`,
  eventType: 'allocation.approved',
  actor: 'svc:kernel-api',
  payload: { allocation: i, amount: 12.5 * i, note: 'café' },
  ...extra,
});

function chainOf(n, writer = ChainWriter.create('kernel-signer', key.publicKey())) {
  const rows = [];
  for (let i = 1; i <= n; i++) rows.push(writer.append(body(i), key));
  return { writer, rows, text: rows.join('\n') + '\n' };
}

test('rows are hashed and signed as documented (checked with node:crypto)', () => {
  const { rows, writer } = chainOf(3);
  let prev = '0'.repeat(64);
  rows.forEach((line, i) => {
    const row = JSON.parse(line);
    assert.equal(line, canonicalizeJs(row), 'rows are canonical JSON');
    assert.equal(row.seq, i + 1);
    assert.equal(row.prev_hash, prev);
    assert.equal(row.signer_id, 'kernel-signer');
    const { hash, signature, ...rest } = row;
    assert.equal(hash, crypto.createHash('sha256').update(canonicalizeJs(rest)).digest('hex'));
    const input = canonicalizeJs({
      alg: 'ed25519',
      kind: EVENT_KIND,
      payload: { hash: `sha256:${hash}` },
      signer: 'kernel-signer',
      type: 'trustcore.signing-input/v1',
    });
    const pub = crypto.createPublicKey(key.publicKey().toPem());
    assert.ok(crypto.verify(null, Buffer.from(input), pub, Buffer.from(signature, 'base64')));
    prev = hash;
  });
  assert.deepEqual(
    { hash: writer.head.hash, seq: writer.head.seq, ts: writer.head.ts },
    { hash: prev, seq: 3, ts: '2026-03-01T12:00:03Z' },
  );
  assert.equal(writer.signerId, 'kernel-signer');
  assert.equal(EVENT_KIND, 'trustcore.audit-event');
});

test('a writer continues from a head; verification of the whole chain passes', () => {
  const first = chainOf(2);
  const next = ChainWriter.create('kernel-signer', key.publicKey(), { head: first.writer.head });
  const more = [3, 4].map((i) => next.append(body(i), key));
  const report = verifyJsonl([...first.rows, ...more].join('\n'), registry);
  assert.equal(report.valid, true);
  assert.equal(report.rows, 4);
  assert.equal(report.head.seq, 4);
  assert.deepEqual(report.breaks, []);
  assert.equal(report.merkle.size, 4);
  assert.match(report.merkle.root, /^[0-9a-f]{64}$/);
});

test('prepare / attach with a signature made elsewhere', () => {
  const writer = ChainWriter.create('kernel-signer', key.publicKey());
  const prepared = writer.prepare(body(1));
  assert.ok(prepared instanceof PreparedEvent);
  assert.ok(Buffer.isBuffer(prepared.message));
  assert.equal(prepared.event.seq, 1);
  assert.equal(prepared.event.event_type, 'allocation.approved');
  assert.equal(prepared.event.prev_hash, '0'.repeat(64));
  assert.equal(writer.head.seq, 0, 'prepare does not move the head');
  // A wrong signature fails closed.
  assertCode(() => writer.attach(prepared, other.sign(prepared.message)), 'remote_signature_invalid', { name: 'EnvelopeError' });
  assertCode(() => writer.attach(prepared, Buffer.alloc(10)), 'remote_signature_invalid');
  assert.equal(writer.head.seq, 0);
  const row = writer.attach(prepared, key.sign(prepared.message));
  assert.equal(JSON.parse(row).hash, prepared.event.hash);
  assert.equal(writer.head.seq, 1);
  // The same preparation cannot be attached twice: the head moved on.
  assertCode(() => writer.attach(prepared, key.sign(prepared.message)), 'invalid_event', { name: 'ChainError' });
});

test('ed25519ph signers (KMS digest mode) and a BLAKE3 chain', () => {
  const writer = ChainWriter.create('kernel-signer', key.publicKey(), { alg: 'ed25519ph', hashAlg: 'blake3' });
  const rows = [1, 2].map((i) => {
    const p = writer.prepare(body(i));
    assert.equal(p.message.length, 64, 'the SHA-512 digest is what the KMS signs');
    return writer.attach(p, signEd25519phDigest(key, p.message));
  });
  const ph = SignerRegistry.fromJson(registryJson('ed25519ph'));
  assert.equal(verifyJsonl(rows.join('\n'), ph, { hashAlg: 'blake3' }).valid, true);
  const wrong = verifyJsonl(rows.join('\n'), ph);
  assert.equal(wrong.valid, false);
  assert.equal(wrong.breaks[0].reason, 'hash_mismatch');
});

test('writer errors', () => {
  const writer = ChainWriter.create('kernel-signer', key.publicKey());
  writer.append(body(5), key);
  assertCode(() => writer.append(body(4), key), 'ts_regression', { name: 'ChainError' });
  assertCode(() => writer.append(body(6, { id: 'evt-6' }), key), 'invalid_event', { name: 'ChainError' });
  assertCode(() => writer.append(body(6, { ts: 'yesterday' }), key), 'invalid_timestamp');
  assertCode(() => writer.append(body(6, { id: '\uD800' }), key), 'lone_surrogate');
  assertCode(() => writer.append(body(6, { payload: { n: 1n } }), key), 'unsupported_type');
  // The body is read by the core (EventBody::from_value): its shape is
  // ChainError invalid_event, values JSON cannot hold CanonicalJsonError.
  assertCode(() => writer.append(body(6, { payload: undefined }), key), 'unsupported_type', { path: '/payload' });
  assertCode(() => writer.append(body(6, { eventType: 3 }), key), 'invalid_event', { name: 'ChainError' });
  assertCode(() => writer.append(body(6, { event_type: 't' }), key), 'invalid_event');
  const { payload, ...noPayload } = body(6);
  assert.ok(payload);
  assertCode(() => writer.append(noPayload, key), 'invalid_event');
  assertCode(() => writer.append('{}', key), 'invalid_event');
  assertCode(() => writer.append(body(6), 'key'), 'invalid_argument');
  assertCode(() => ChainWriter.create('kernel-signer', key.publicKey(), { head: { hash: 'zz', seq: 1 } }), 'invalid_state', { name: 'ChainError' });
  assertCode(() => ChainWriter.create('kernel-signer', key.publicKey(), { hashAlg: 'md5' }), 'invalid_option', { name: 'OptionsError' });
  assertCode(() => ChainWriter.create('kernel-signer', key.publicKey(), { hash_alg: 'blake3' }), 'unknown_option', { name: 'OptionsError' });
  assertCode(() => ChainWriter.create('kernel-signer', key), 'invalid_argument');
  assert.equal(writer.head.seq, 1, 'failed appends change nothing');
});

test('appendWith: an async remote signer (KMS-like)', async () => {
  const writer = ChainWriter.create('kernel-signer', key.publicKey());
  const seen = [];
  const kms = async (message) => {
    seen.push(Buffer.from(message));
    await new Promise((r) => setTimeout(r, 1));
    return key.sign(message);
  };
  const rows = [];
  for (let i = 1; i <= 3; i++) rows.push(await writer.appendWith(body(i), kms));
  rows.push(await writer.appendWith(body(4), (m) => new Uint8Array(key.sign(m))));
  rows.push(await writer.appendWith(body(5), (m) => { const s = key.sign(m); return s.buffer.slice(s.byteOffset, s.byteOffset + 64); }));
  assert.equal(seen.length, 3);
  assert.equal(verifyJsonl(rows.join('\n'), registry).valid, true);
  assert.equal(writer.head.seq, 5);
});

test('appendWith fails closed with the Envelope.signWith codes', async () => {
  const writer = ChainWriter.create('kernel-signer', key.publicKey());
  await writer.appendWith(body(1), async (m) => key.sign(m));
  const head = writer.head;
  await assert.rejects(writer.appendWith(body(2), async (m) => other.sign(m)), (e) => e.code === 'remote_signature_invalid' && e.name === 'EnvelopeError');
  await assert.rejects(writer.appendWith(body(2), async () => Buffer.alloc(64)), { code: 'remote_signature_invalid' });
  await assert.rejects(writer.appendWith(body(2), async () => Buffer.alloc(3)), { code: 'remote_signature_invalid' });
  const boom = new Error('KMS throttled');
  await assert.rejects(writer.appendWith(body(2), async () => { throw boom; }), (e) => e.code === 'remote_signer_failed' && e.cause === boom && /KMS throttled/.test(e.message));
  await assert.rejects(writer.appendWith(body(2), () => { throw boom; }), (e) => e.code === 'remote_signer_failed' && e.cause === boom);
  await assert.rejects(writer.appendWith(body(2), async () => 'not bytes'), (e) => e instanceof TypeError && e.code === 'invalid_argument');
  await assert.rejects(writer.appendWith(body(2), async () => null), { code: 'invalid_argument' });
  assert.deepEqual(writer.head, head, 'nothing was appended');
  assert.throws(() => writer.appendWith(body(2), 'fn'), { code: 'invalid_argument' });
  assert.throws(() => writer.appendWith(body(0), async (m) => key.sign(m)), { code: 'ts_regression' }, 'prepare errors throw synchronously');
  // Two appends racing for the same head: the second fails closed.
  const a = writer.appendWith(body(2), async (m) => key.sign(m));
  const b = writer.appendWith(body(3), async (m) => key.sign(m));
  const settled = await Promise.allSettled([a, b]);
  // Whichever signer answers first wins; the other fails closed.
  assert.deepEqual(settled.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  assert.equal(settled.find((r) => r.status === 'rejected').reason.code, 'invalid_event');
  assert.equal(writer.head.seq, 2);
});

test('the streaming verifier: chunks, breaks so far, state and resume', () => {
  const { text, rows } = chainOf(40);
  const bytes = Buffer.from(text);
  const v = ChainVerifier.create(registry, { threads: 2 });
  const cut = Math.floor(bytes.length / 2) + 3;
  v.feed(bytes.subarray(0, cut));
  const state = v.state();
  // A document, spelled the same in every language, with its own check.
  assert.equal(state.type, 'trustcore.chain-verifier-state/v2');
  assert.equal(state.position, state.count);
  assert.equal(state.breaks, 0);
  assert.deepEqual(state.break_counts, {});
  assert.equal(state.hash_alg, 'sha256');
  assert.equal(state.stopped, false);
  assert.match(state.check, /^sha256:[0-9a-f]{64}$/);
  assert.equal(state.merkle.size, state.position);
  assert.deepEqual(v.breaks(), []);
  // Resume from the saved state (as JSON, as a process would store it) at
  // the first unread line.
  const saved = JSON.stringify(state);
  const done = Buffer.byteLength(rows.slice(0, state.position).join('\n')) + 1;
  const resumed = ChainVerifier.resume(registry, JSON.parse(saved));
  resumed.feed(bytes.subarray(done));
  const whole = verifyJsonl(bytes, registry);
  const report = resumed.finish();
  assert.deepEqual(report, whole, 'resume gives the report of one pass');
  assert.equal(report.rows, 40);
  // A state can also be passed as text.
  assert.equal(ChainVerifier.resume(registry, saved).state().position, state.position);
  assertCode(() => ChainVerifier.resume(registry, { type: 'nope' }), 'invalid_state', { name: 'ChainError' });
  assertCode(() => ChainVerifier.resume(registry, { ...state, position: state.position + 1 }), 'invalid_state', { name: 'ChainError' });
  assertCode(() => ChainVerifier.resume(registry, state, { hashAlg: 'blake3' }), 'invalid_state');
  assertCode(() => ChainVerifier.resume(registry, '{"type":'), 'syntax', { name: 'CanonicalJsonError' });
});

test('a tampered row is one break with position, seq and id', async () => {
  const { rows } = chainOf(10);
  const tampered = rows.slice();
  const row = JSON.parse(tampered[4]);
  row.payload.amount = 1e6;
  tampered[4] = JSON.stringify(row);
  const report = verifyJsonl(tampered.join('\r\n'), registry);
  assert.equal(report.valid, false);
  assert.equal(report.breaks.length, 1);
  assert.deepEqual(
    { position: report.breaks[0].position, seq: report.breaks[0].seq, id: report.breaks[0].id, reason: report.breaks[0].reason },
    { position: 4, seq: 5, id: uuid(5), reason: 'hash_mismatch' },
  );
  assert.match(report.breaks[0].message, /not the digest/);
  const dropped = verifyJsonl(rows.slice(0, 7).join('\n'), registry, { expectedHead: verifyJsonl(rows.join('\n'), registry).head });
  assert.equal(dropped.breaks[0].reason, 'truncated');
  const first = verifyJsonl(['x', ...rows.slice(1)].join('\n'), registry, { stopAtFirst: true });
  assert.deepEqual(first.breaks.map((b) => b.reason), ['malformed_row']);
  assert.equal(first.breaks[0].seq, undefined);
  assert.deepEqual(await verifyJsonlAsync(tampered.join('\n'), registry), verifyJsonl(tampered.join('\n'), registry));
});

test('verifyFile reads an export in chunks and reports what verifyJsonl does', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustcore-'));
  try {
    const { rows } = chainOf(30);
    const tampered = rows.slice();
    tampered[17] = tampered[17].replace('"actor":"svc:kernel-api"', '"actor":"svc:someone-else"');
    for (const [name, lines] of [['good', rows], ['tampered', tampered]]) {
      const file = path.join(dir, `${name}.jsonl`);
      fs.writeFileSync(file, lines.join('\n') + '\n');
      const whole = verifyJsonl(fs.readFileSync(file), registry);
      // Chunk sizes that split rows anywhere, down to one byte.
      for (const chunkSize of [1, 7, 100, 4096, 1 << 16]) {
        assert.deepEqual(verifyFile(file, registry, { chunkSize }), whole, `${name}, chunkSize ${chunkSize}`);
      }
      assert.deepEqual(verifyFile(file, registry, { trackIds: false, threads: 1 }), whole);
    }
    const bad = verifyFile(path.join(dir, 'tampered.jsonl'), registry);
    assert.deepEqual(bad.breaks.map((b) => [b.position, b.reason]), [[17, 'hash_mismatch']]);
    const expectedHead = verifyJsonl(rows.join('\n'), registry).head;
    fs.writeFileSync(path.join(dir, 'short.jsonl'), rows.slice(0, 20).join('\n'));
    assert.equal(verifyFile(path.join(dir, 'short.jsonl'), registry, { expectedHead }).breaks[0].reason, 'truncated');
    // chunkSize is read with the verify options by the core's reader.
    for (const chunkSize of [0, -1, 1.5, 2 ** 31, '64']) {
      assertCode(() => verifyFile(path.join(dir, 'good.jsonl'), registry, { chunkSize }), 'invalid_option', { name: 'OptionsError' });
    }
    assertCode(() => verifyFile(path.join(dir, 'good.jsonl'), registry, { chunksize: 8 }), 'unknown_option');
    assertCode(() => verifyFile(path.join(dir, 'good.jsonl'), registry, { expected_head: expectedHead }), 'unknown_option');
    assert.throws(() => verifyFile(path.join(dir, 'missing.jsonl'), registry), (e) => e.code === 'ENOENT');
    assertCode(() => verifyFile(42, registry), 'invalid_argument');
    assertCode(() => verifyFile(['a'], registry), 'invalid_argument');
    assert.throws(() => verifyFile(dir, registry), (e) => e.code === 'EISDIR');
    // The native reader reads from the descriptor's position and never
    // closes it; bad descriptors are Node-style errors.
    const fd = fs.openSync(path.join(dir, 'good.jsonl'), 'r');
    try {
      assert.deepEqual(trustcore.verifyFd(fd, registry), verifyJsonl(fs.readFileSync(path.join(dir, 'good.jsonl')), registry));
      assert.equal(trustcore.verifyFd(fd, registry).rows, 0, 'at the end: nothing left to read');
    } finally {
      fs.closeSync(fd);
    }
    assertCode(() => trustcore.verifyFd(-1, registry), 'invalid_argument');
    assertCode(() => trustcore.verifyFd('3', registry), 'invalid_argument');
    assertCode(() => trustcore.verifyFd(2 ** 30, registry, { chunkSize: 0 }), 'invalid_option');
    assert.throws(() => trustcore.verifyFd(2 ** 30, registry), (e) => e.code === 'EBADF');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('maxRowBytes: a longer row is one malformed_row break, the rest still links', () => {
  const { rows } = chainOf(5);
  const longest = Math.max(...rows.map((r) => Buffer.byteLength(r)));
  const text = rows.join('\n') + '\n';
  assert.equal(verifyJsonl(text, registry, { maxRowBytes: longest }).valid, true);
  const limit = Buffer.byteLength(rows[2]) - 1;
  const tight = rows.filter((r) => Buffer.byteLength(r) > limit).length;
  for (const report of [
    verifyJsonl(text, registry, { maxRowBytes: limit }),
    (() => {
      // The same export streamed in 3-character pieces.
      const v = ChainVerifier.create(registry, { maxRowBytes: limit });
      for (let i = 0; i < text.length; i += 3) v.feed(text.slice(i, i + 3));
      return v.finish();
    })(),
  ]) {
    const malformed = report.breaks.filter((b) => b.reason === 'malformed_row');
    assert.equal(malformed.length, tight);
    assert.match(malformed[0].message, new RegExp(`longer than max_row_bytes \\(${limit}\\)`));
    assert.equal(report.rows, 5);
  }
});

test('verifyEventInCheckpoint: one event against a signed checkpoint, as the browser does', () => {
  const { rows } = chainOf(10);
  const tree = MerkleTree.fromLeafData(rows.map((r) => Buffer.from(JSON.parse(r).hash, 'hex')));
  const logKey = SecretKey.fromBytes(Buffer.alloc(32, 9));
  const origin = 'audit.example/kernel';
  const note = Checkpoint.create(origin, 10, tree.root()).sign([{ name: origin, secretKey: logKey }]);
  const keys = [VerifierKey.create(origin, logKey.publicKey())];
  for (let i = 0; i < 10; i++) {
    const r = verifyEventInCheckpoint(rows[i], i, tree.inclusionProof(i, 10), note, keys, registry);
    assert.equal(r.valid, true, JSON.stringify(r));
    assert.equal(r.index, i);
    assert.deepEqual(r.event, JSON.parse(rows[i]));
    assert.equal(r.event.signer_id, 'kernel-signer');
    assert.equal(r.checkpoint.checkpoint.size, 10);
    assert.equal(r.stage, undefined);
  }
  const wrong = verifyEventInCheckpoint(rows[3], 3n, tree.inclusionProof(4, 10), Buffer.from(note), keys, registry);
  assert.equal(wrong.valid, false);
  assert.equal(wrong.stage, 'inclusion');
  assert.ok(['root_mismatch', 'invalid_proof'].includes(wrong.reason), wrong.reason);
  assert.deepEqual(wrong.event, JSON.parse(rows[3]));
  const tampered = rows[3].replace('"allocation":4', '"allocation":5');
  assert.notEqual(tampered, rows[3]);
  const bad = verifyEventInCheckpoint(tampered, 3, tree.inclusionProof(3, 10), note, keys, registry);
  assert.deepEqual([bad.valid, bad.stage, bad.reason, bad.event], [false, 'row', 'hash_mismatch', undefined]);
  const stranger = [VerifierKey.create(origin, other.publicKey())];
  assertCode(() => verifyEventInCheckpoint(rows[0], 0, tree.inclusionProof(0, 10), note, stranger, registry), 'no_trusted_signature', { name: 'MerkleError' });
  assertCode(() => verifyEventInCheckpoint(rows[0], -1, [], note, keys, registry), 'invalid_argument');
  assertCode(() => verifyEventInCheckpoint(rows[0], 0, [], note, keys, {}), 'invalid_argument');
});

test('lone surrogates in JSONL strings are malformed rows, never U+FFFD', () => {
  const { rows } = chainOf(2);
  const bad = rows[1].replace('café', 'caf\uD800');
  const report = verifyJsonl(`${rows[0]}\n${bad}\n`, registry);
  assert.deepEqual(report.breaks.map((b) => [b.position, b.reason]), [[1, 'malformed_row']]);
  // A surrogate pair split across string chunks is still one character.
  const emoji = ChainWriter.create('kernel-signer', key.publicKey());
  const text = emoji.append(body(1, { payload: { s: '😀' } }), key) + '\n';
  const at = text.indexOf('😀') + 1; // between the two halves
  const v = ChainVerifier.create(registry);
  v.feed(text.slice(0, at));
  v.feed(text.slice(at));
  assert.equal(v.finish().valid, true);
});

test('a finished verifier refuses more input; argument errors', () => {
  const v = ChainVerifier.create(registry);
  v.finish();
  assertCode(() => v.feed('x'), 'invalid_state', { name: 'ChainError' });
  assertCode(() => v.finish(), 'invalid_state');
  // The core's sentence, the same in Python and WASM.
  assert.throws(() => v.feed('x'), { message: 'this ChainVerifier has finished (finish() was called); create or resume another [invalid_state]' });
  const w = ChainVerifier.create(registry);
  assertCode(() => w.feed(42), 'invalid_argument');
  assertCode(() => w.feed(new Uint16Array(2)), 'invalid_argument');
  assertCode(() => ChainVerifier.create({}), 'invalid_argument');
  // Options are read by the core: OptionsError with its codes.
  assertCode(() => ChainVerifier.create(registry, { threads: 0 }), 'invalid_option', { name: 'OptionsError' });
  assertCode(() => ChainVerifier.create(registry, { stopAtFirst: 'yes' }), 'invalid_option');
  assertCode(() => ChainVerifier.create(registry, { stop_at_first: true }), 'unknown_option');
  assertCode(() => ChainVerifier.create(registry, 'fast'), 'invalid_option');
  for (const maxRowBytes of [0, -5, 1.5, '100', 2 ** 33]) {
    assertCode(() => ChainVerifier.create(registry, { maxRowBytes }), 'invalid_option');
  }
  assertCode(() => verifyJsonl('', registry, { expectedHead: { seq: 1 } }), 'invalid_state');
  assertCode(() => verifyJsonlAsync(null, registry), 'invalid_argument');
  assert.equal(util_inspect(w), 'ChainVerifier { open }');
});

function util_inspect(v) {
  return require('node:util').inspect(v);
}

test('replay: shuffled rows, duplicates, forks, orphans and unreadable rows', () => {
  const { rows, writer } = chainOf(6);
  const shuffled = [rows[3], rows[0], rows[5], 'not json', rows[1], rows[4], rows[2], rows[2]];
  const r = replay(shuffled);
  assert.deepEqual(r.events, rows.map((x) => JSON.parse(x)), 'the one chain order (row objects); a repeated row is one event');
  assert.deepEqual(r.forks, []);
  assert.deepEqual(r.orphans, []);
  assert.deepEqual(r.malformed, [{ position: 3, reason: 'malformed_row' }]);
  // A fork: a second writer continues from seq 3 with another event.
  const heads = verifyJsonl(rows.slice(0, 3).join('\n'), registry).head;
  const fork = ChainWriter.create('kernel-signer', key.publicKey(), { head: heads }).append(body(44), key);
  const f = replay([...rows, fork]);
  assert.equal(f.forks.length, 1);
  assert.equal(f.forks[0].prevHash, heads.hash);
  assert.deepEqual(new Set(f.forks[0].ids), new Set([uuid(4), uuid(44)]));
  assert.deepEqual([...f.forks[0].hashes].sort(), f.forks[0].hashes, 'ordered by hash');
  assert.ok(f.orphans.length >= 1);
  // From a start head: only what hangs off it.
  const tail = replay(rows, heads);
  assert.deepEqual(tail.events, rows.slice(3).map((x) => JSON.parse(x)));
  // Row objects in, and out to a verifier.
  assert.deepEqual(replay(r.events), { events: r.events, forks: [], orphans: [], malformed: [] });
  const v = ChainVerifier.create(registry);
  for (const e of r.events) v.feedRow(e);
  assert.equal(v.finish().valid, true);
  assert.deepEqual(tail.orphans.length, 3);
  assert.equal(writer.head.seq, 6);
  assertCode(() => replay('rows'), 'invalid_argument');
  assertCode(() => replay([1]), 'invalid_argument');
});
