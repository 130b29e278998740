// Signed snapshots from Node (#12): a streaming build written to a gzipped
// JSONL batch, signed locally and through an async KMS-like signer in
// DIGEST mode (failing closed: no metadata at all on a failed or wrong
// answer), verified from bytes, from .jsonl and multi-member .jsonl.gz
// files and from streams in bounded memory, tampered lines reported with
// their line numbers, one record proven on its own, the snapshot.published
// audit link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { trustcore as t, assertCode } from './helpers.mjs';

const graph = t.SecretKey.fromBytes(Buffer.alloc(32, 1));
const kms = t.SecretKey.fromBytes(Buffer.alloc(32, 2));
const stranger = t.SecretKey.fromBytes(Buffer.alloc(32, 3));
const registry = t.SignerRegistry.fromJson(JSON.stringify({
  signers: [
    { signerId: 'graph-signer', publicKey: graph.publicKey().toBase64(), validFrom: '2026-01-01T00:00:00Z' },
    { signerId: 'kms', publicKey: kms.publicKey().toBase64(), algorithm: 'ed25519ph' },
  ],
}));
const dir = mkdtempSync(join(tmpdir(), 'trustcore-snapshot-'));

/** A ~1 KB trace with nested steps and annotations. */
function trace(i) {
  return {
    trace_id: `tr-${String(i).padStart(5, '0')}`,
    ts: `2026-03-01T12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
    steps: [
      { tool: 'search', query: `q${i}`, results: Array.from({ length: 6 }, (_, k) => ({ doc: `doc-${i}-${k}`, score: k / 8 })) },
      { tool: 'answer', user: { email: 'ann@example.com', name: 'Ann Ångström' }, text: 'lorem ipsum dolor sit amet '.repeat(12) },
    ],
    annotations: { reviewer: { Email: 'rev@example.org', phone: '+14155550123' }, tags: ['ok', '☃'] },
  };
}

/** Builds n traces; returns the batch bytes and the unsigned snapshot. */
function build(n, options) {
  const b = new t.SnapshotBuilder(options);
  const lines = [];
  for (let i = 1; i <= n; i++) lines.push(b.pushRecord(i % 2 ? trace(i) : JSON.stringify(trace(i), null, 2)));
  assert.equal(b.count, n);
  return { batch: Buffer.concat(lines), unsigned: b.finish('snap-2026-03-01', '2026-03-01T13:00:00Z') };
}

test('a snapshot has the seed\'s metadata, and every line is canonical JSONL', () => {
  const { batch, unsigned } = build(50);
  const meta = unsigned.sign(graph, 'graph-signer');
  for (const f of ['snapshot_id', 'trace_range', 'hash', 'signer_kid', 'signature', 'ts']) assert.ok(f in meta, f);
  assert.deepEqual(meta.trace_range, { first_trace_id: 'tr-00001', last_trace_id: 'tr-00050', start: '2026-03-01T12:00:01Z', end: '2026-03-01T12:00:50Z' });
  assert.equal(meta.records, 50);
  assert.equal(meta.hash, t.digest(batch));
  for (const line of batch.toString().trimEnd().split('\n')) assert.equal(t.canonicalizeText(line).toString(), line);
  assert.equal(unsigned.metadata.signature, undefined);
  const report = t.verifySnapshot(meta, batch, registry);
  assert.deepEqual(report, { valid: true, snapshotId: 'snap-2026-03-01', records: 50, failures: [], failureCounts: {} });
  assert.deepEqual(t.verifySnapshot(JSON.stringify(meta), batch.toString(), registry), report, 'metadata as text, batch as a string');
  // BLAKE3 for large batches, and other record fields.
  const b3 = build(3, { hashAlg: 'blake3' });
  const m3 = b3.unsigned.sign(graph, 'graph-signer');
  assert.match(m3.hash, /^blake3:/);
  assert.equal(t.verifySnapshot(m3, b3.batch, registry).valid, true);
  const b = new t.SnapshotBuilder({ traceId: '/meta/id', ts: '/meta/at' });
  b.pushRecord({ meta: { id: 'x', at: '2026-03-01T00:00:00Z' } });
  assert.deepEqual(b.finish('s', '2026-03-01T01:00:00Z').metadata.fields, { trace_id: '/meta/id', ts: '/meta/at' });
});

test('a tampered line is reported with its line number, from bytes, a .jsonl file and a multi-member .jsonl.gz file', async () => {
  const { batch, unsigned } = build(40);
  const meta = unsigned.sign(graph, 'graph-signer');
  const lines = batch.toString().trimEnd().split('\n');
  const respelled = [...lines];
  respelled[16] = respelled[16].replace('{', '{ ');
  const broken = [...lines];
  broken[29] = broken[29].slice(0, -1);
  const edited = [...lines];
  edited[7] = edited[7].replace('q8', 'q9');
  for (const [what, ls, code, line] of [['re-spelled', respelled, 'not_canonical', 17], ['not JSON', broken, 'malformed_line', 30]]) {
    const text = ls.join('\n') + '\n';
    const want = t.verifySnapshot(meta, text, registry);
    assert.equal(want.valid, false);
    assert.ok(want.failures.some((f) => f.code === code && f.line === line), `${what}: ${JSON.stringify(want.failures)}`);
    const plain = join(dir, `${code}.jsonl`);
    writeFileSync(plain, text);
    assert.deepEqual(await t.verifySnapshotFile(meta, plain, registry), want, `${what}: .jsonl`);
    // Two gzip members, the cut inside a line.
    const gz = join(dir, `${code}.jsonl.gz`);
    const cut = Math.floor(text.length / 3) + 5;
    writeFileSync(gz, Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut))]));
    assert.deepEqual(await t.verifySnapshotFile(meta, gz, registry), want, `${what}: .jsonl.gz`);
    assert.deepEqual(await t.verifySnapshotFile(meta, new URL(`file://${gz}`), registry), want, 'a URL path');
  }
  // An edited value changes the digest and the Merkle root.
  const r = t.verifySnapshot(meta, edited.join('\n') + '\n', registry);
  assert.deepEqual(Object.keys(r.failureCounts).sort(), ['hash_mismatch', 'merkle_mismatch']);
  // A dropped record, a foreign signer, a truncated gzip file.
  assert.ok('count_mismatch' in t.verifySnapshot(meta, lines.slice(1).join('\n') + '\n', registry).failureCounts);
  assert.ok('unknown_signer' in t.verifySnapshot(meta, batch, t.SignerRegistry.fromJson('{"signers":[]}')).failureCounts);
  const truncated = join(dir, 'truncated.jsonl.gz');
  writeFileSync(truncated, gzipSync(batch).subarray(0, 200));
  await assert.rejects(t.verifySnapshotFile(meta, truncated, registry), (e) => typeof e.code === 'string' && e.code.startsWith('Z_') || e.code === 'ERR_STREAM_PREMATURE_CLOSE');
  await assert.rejects(t.verifySnapshotFile(meta, join(dir, 'missing.jsonl'), registry), { code: 'ENOENT' });
});

test('remote signing through an async KMS in DIGEST mode fails closed', async () => {
  const { batch, unsigned } = build(5);
  const prepared = unsigned.prepare('kms', 'ed25519ph');
  assert.equal(prepared.message.length, 64, 'the 64-byte SHA-512 a KMS in DIGEST mode takes');
  const meta = prepared.attach(t.signEd25519phDigest(kms, prepared.message), kms.publicKey());
  assert.equal(meta.alg, 'ed25519ph');
  assert.equal(t.verifySnapshot(meta, batch, registry).valid, true);
  assertCode(() => prepared.attach(t.signEd25519phDigest(stranger, prepared.message), kms.publicKey()), 'remote_signature_invalid', { name: 'SnapshotError' });
  assertCode(() => prepared.attach(Buffer.alloc(10), kms.publicKey()), 'remote_signature_invalid');
  // signWith: the KMS gets exactly `message`, once.
  const asked = [];
  const viaKms = await unsigned.signWith('kms', kms.publicKey(), async (message) => {
    asked.push(Buffer.from(message));
    await new Promise((r) => setTimeout(r, 5));
    return t.signEd25519phDigest(kms, message);
  }, 'ed25519ph');
  assert.deepEqual(asked, [prepared.message]);
  assert.deepEqual(viaKms, meta, 'deterministic signatures: the same metadata');
  // A wrong, failed or malformed answer rejects, producing nothing.
  await assert.rejects(unsigned.signWith('kms', kms.publicKey(), async (m) => t.signEd25519phDigest(stranger, m), 'ed25519ph'), { code: 'remote_signature_invalid' });
  await assert.rejects(unsigned.signWith('kms', kms.publicKey(), async (m) => graph.sign(m), 'ed25519ph'), { code: 'remote_signature_invalid' });
  const failed = await unsigned.signWith('kms', kms.publicKey(), async () => { throw new Error('throttled'); }, 'ed25519ph').catch((e) => e);
  assert.equal(failed.code, 'remote_signer_failed');
  assert.equal(failed.cause.message, 'throttled');
  await assert.rejects(unsigned.signWith('kms', kms.publicKey(), async () => 'not bytes', 'ed25519ph'), { code: 'invalid_argument' });
  // An Ed25519 signer under a kms-ph registry entry: the verifier says so.
  const pure = unsigned.sign(kms, 'kms');
  assert.ok('algorithm_mismatch' in t.verifySnapshot(pure, batch, registry).failureCounts);
});

test('a gzipped batch built as a stream verifies from a stream in bounded memory', async () => {
  const n = 20000;
  const file = join(dir, 'big.jsonl.gz');
  const gz = createGzip();
  const out = gz.pipe(createWriteStream(file));
  const b = new t.SnapshotBuilder();
  for (let i = 1; i <= n; i++) {
    if (!gz.write(b.pushRecord(trace(i)))) await once(gz, 'drain');
  }
  gz.end();
  await once(out, 'finish');
  const meta = b.finish('snap-big', '2026-03-02T00:00:00Z').sign(graph, 'graph-signer');
  const raw = gunzipSync(readFileSync(file));
  assert.ok(raw.length > 15e6, `${raw.length} bytes of traces`);
  // The resident set after a full collection, sampled while it verifies:
  // garbage the engine has not collected yet (chunks already verified) is
  // not memory the verifier holds, and without the collections it made
  // the figure swing from 10 to 20 MB from run to run.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const resident = () => { gc(); return process.memoryUsage().rss; };
  const before = resident();
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, resident()); }, 10);
  const report = await t.verifySnapshotFile(meta, file, registry);
  clearInterval(timer);
  assert.equal(report.valid, true, JSON.stringify(report.failures));
  assert.equal(report.records, n);
  // Far less than the batch: nothing holds more than a chunk and a line.
  assert.ok(peak - before < raw.length / 2, `rss grew by ${((peak - before) / 1e6).toFixed(1)} MB for a ${(raw.length / 1e6).toFixed(1)} MB batch`);
  // verifySnapshotStream over any async iterable of chunks.
  const chunks = async function* () { for (let i = 0; i < raw.length; i += 65536) yield raw.subarray(i, i + 65536); };
  assert.deepEqual(await t.verifySnapshotStream(meta, chunks(), registry), report);
  assert.deepEqual(await t.verifySnapshotStream(meta, Readable.from([raw.subarray(0, 3), raw.subarray(3)]), registry), report);
  await assert.rejects(t.verifySnapshotStream(meta, 'not a stream', registry), { code: 'invalid_argument' });
});

test('one record proven on its own; the snapshot.published event references the snapshot', () => {
  const { batch, unsigned } = build(9);
  const meta = unsigned.sign(graph, 'graph-signer');
  const lines = batch.toString().trimEnd().split('\n');
  for (let i = 0; i < 9; i++) {
    const proof = t.recordProof(batch, i);
    assert.equal(t.verifyRecord(meta, lines[i], i, proof, registry).valid, true);
    const other = t.verifyRecord(meta, lines[(i + 1) % 9], i, proof, registry);
    assert.deepEqual(Object.keys(other.failureCounts), ['not_included']);
  }
  assertCode(() => t.recordProof(batch, 9), 'index_out_of_range', { name: 'MerkleError' });
  const body = t.snapshotEventBody(meta, '6f1c2a4e-0000-4000-8000-000000000001', '2026-03-01T13:00:01Z', 'svc:graph');
  assert.equal(body.eventType, t.SNAPSHOT_PUBLISHED_EVENT);
  assert.deepEqual(body.payload, meta);
  const w = t.ChainWriter.create('graph-signer', graph.publicKey());
  const row = w.append(body, graph);
  t.checkSnapshotEvent(meta, row);
  t.checkSnapshotEvent(JSON.stringify(meta), JSON.parse(row));
  const other = build(3).unsigned.sign(graph, 'graph-signer');
  assertCode(() => t.checkSnapshotEvent(other, row), 'event_mismatch', { name: 'SnapshotError' });
  assertCode(() => t.checkSnapshotEvent(meta, '{"not":"a row"}'), 'event_mismatch');
  assert.equal(t.verifyJsonl(row, registry).valid, true, 'the row itself verifies in the chain');
});

test('builder and metadata refusals have their codes', () => {
  const b = new t.SnapshotBuilder();
  assertCode(() => b.pushRecord({ ts: '2026-03-01T00:00:00Z' }), 'invalid_record', { name: 'SnapshotError' });
  assertCode(() => b.pushRecord('{"trace_id":"a","trace_id":"b"}'), 'duplicate_key');
  assertCode(() => b.pushRecord({ trace_id: 'a', ts: 'yesterday' }), 'invalid_record');
  assertCode(() => b.pushRecord({ trace_id: 'a', ts: '2026-03-01T00:00:00Z', n: 10n }), 'unsupported_type');
  assertCode(() => b.pushRecord(42), 'invalid_record');
  assertCode(() => b.finish('empty', '2026-03-01T00:00:00Z'), 'invalid_snapshot');
  assertCode(() => b.pushRecord(trace(1)), 'invalid_snapshot', { name: 'SnapshotError' }, 'a finished builder');
  assertCode(() => new t.SnapshotBuilder({ hash_alg: 'blake3' }), 'unknown_option', { name: 'OptionsError' });
  assertCode(() => new t.SnapshotBuilder({ traceId: 'trace_id' }), 'invalid_option');
  const meta = build(2).unsigned.sign(graph, 'graph-signer');
  assertCode(() => t.verifySnapshot({ ...meta, extra: 1 }, '', registry), 'invalid_metadata', { name: 'SnapshotError' });
  assertCode(() => t.verifySnapshot({ ...meta, records: 0 }, '', registry), 'invalid_metadata');
  assertCode(() => t.verifySnapshot('{"a":1,"a":2}', '', registry), 'duplicate_key');
  const v = new t.SnapshotVerifier(meta, registry);
  v.finish();
  assertCode(() => v.pushBytes('x'), 'invalid_snapshot');
  assertCode(() => new t.UnsignedSnapshot(), 'invalid_argument');
});
