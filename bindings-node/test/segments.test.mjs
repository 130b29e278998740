// Segments from Node (#14): every chain.json verify case cut into parts
// (at rows n/3 and 2n/3, and at random byte offsets mid-line, with empty
// parts), verified apart and stitched, must give the one-pass report field
// by field, messages included; the distributed protocol with summaries,
// requests and answers as JSON text, id buckets and segments moved as
// bytes; breaks planted on the seams; verifyFileParallel on worker_threads
// against verifyFile on a 100,000-row file; the refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustcore as t, assertCode, loadVectors } from './helpers.mjs';

const chain = loadVectors('chain.json');
const registry = t.SignerRegistry.fromJson(chain.registry);
const dir = mkdtempSync(join(tmpdir(), 'trustcore-segments-'));

/** A small deterministic generator (the cuts of a failing run can be replayed). */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Byte offsets where the text's lines start. */
function lineStarts(bytes) {
  const out = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10 && i + 1 < bytes.length) out.push(i + 1);
  return out;
}

/** Stitches the parts cut at byte offsets `cuts` (line boundaries). */
function stitchParts(bytes, cuts, options, reg = registry) {
  const bounds = [0, ...cuts, bytes.length];
  const segments = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const v = new t.SegmentVerifier(reg, options);
    v.pushBytes(bytes.subarray(bounds[k], bounds[k + 1]));
    segments.push(v.finish());
  }
  return t.stitch(segments, options);
}

/**
 * The distributed protocol, as engines run it: each part a byte range fed
 * from `start - 1` in small chunks until it needs no more, its summary as
 * text, its ids in `B` buckets (each bucket's duplicates found apart), the
 * segment moved as bytes before it answers its request (as text).
 */
function distributed(bytes, ranges, options, B, chunk, reg = registry) {
  const parts = ranges.map(([start, end], k) => {
    const v = t.SegmentVerifier.forBytes(reg, start, end, options);
    for (let at = Math.max(0, Number(start) - 1); at < bytes.length && v.needsMore; at += chunk) {
      v.pushBytes(bytes.subarray(at, at + chunk));
    }
    const seg = v.finish();
    return { bytes: seg.toBytes(), summary: seg.summary(), buckets: seg.idBuckets(k, B) };
  });
  const dups = [];
  for (let b = 0; b < B; b++) dups.push(...t.duplicates(parts.map((p) => p.buckets[b])));
  const st = new t.Stitcher(parts.map((p) => p.summary), dups, options);
  const answers = st.requests().map((text) => {
    const k = JSON.parse(text).segment;
    return t.Segment.fromBytes(parts[k].bytes).answer(text);
  });
  return st.finish(answers.reverse());
}

for (const c of chain.cases) {
  test(`segments: ${c.id}`, () => {
    const options = c.options ?? undefined;
    const bytes = Buffer.from(c.jsonl, 'utf8');
    const want = t.verifyJsonl(bytes, registry, options);
    // Fixed cuts: rows n/3 and 2n/3.
    const starts = lineStarts(bytes);
    const n = starts.length;
    const at = (row) => (row >= n ? bytes.length : starts[row]);
    assert.deepEqual(stitchParts(bytes, [at(Math.floor(n / 3)), at(Math.floor((2 * n) / 3))], options), want, 'rows n/3, 2n/3');
    // Rows one by one: one segment per row, and a single segment.
    const rowSegments = c.jsonl.split('\n').filter((l) => l.trim() !== '').map((line) => {
      const v = new t.SegmentVerifier(registry, options);
      v.pushRow(line.replace(/\r$/, ''));
      return v.finish();
    });
    assert.deepEqual(t.stitch(rowSegments, options), want, 'a segment per row');
    assert.deepEqual(stitchParts(bytes, [], options), want, 'one segment');
    // Random byte ranges (mid-line cuts, empty parts), the distributed way.
    const r = rng(c.id.length * 7919 + bytes.length);
    for (let round = 0; round < 4; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(r() * 5) }, () => Math.floor(r() * (bytes.length + 1))).sort((a, b) => a - b);
      if (round === 0) cuts.push(cuts[cuts.length - 1]); // an empty part
      const ranges = [0, ...cuts].map((s, k, all) => [s, k + 1 < all.length ? all[k + 1] : bytes.length]);
      const label = `byte ranges ${JSON.stringify(ranges)}`;
      assert.deepEqual(distributed(bytes, ranges, options, 1 + Math.floor(r() * 4), 1 + Math.floor(r() * 97)), want, label);
    }
    // splitBytes' ranges.
    for (const parts of [2, 3, 7]) assert.deepEqual(distributed(bytes, t.splitBytes(bytes.length, parts), options, 2, 4096), want, `splitBytes(${parts})`);
  });
}

/** A valid chain of `n` rows (strings) by a fresh writer. */
function rows(n, key, signerId = 'kernel-signer') {
  const w = t.ChainWriter.create(signerId, key.publicKey());
  const out = [];
  for (let i = 1; i <= n; i++) {
    out.push(w.append({ id: `6f1c2a4e-0000-4000-8000-${i.toString(16).padStart(12, '0')}`, ts: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(), eventType: 'allocation.approved', actor: 'svc:kernel-api', payload: { n: i, note: 'x'.repeat(400) } }, key));
  }
  return out;
}

const key = t.SecretKey.fromBytes(Buffer.alloc(32, 5));
const reg = t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 'kernel-signer', publicKey: key.publicKey().toBase64() }] }));

test('breaks planted on the seams: a deleted first row, a swapped pair, a duplicate id, a truncated last part, anchors', () => {
  const log = rows(30, key);
  const head = JSON.parse(log[29]);
  const cases = {
    'deleted first row of part 2': [...log.slice(0, 10), ...log.slice(11)],
    'pair swapped across the seam': [...log.slice(0, 9), log[10], log[9], ...log.slice(11)],
    'duplicate id in two parts': [...log.slice(0, 20), log[3], ...log.slice(20)],
    'truncated last part': log.slice(0, 25),
    'garbage at a seam': [...log.slice(0, 10), '{"not":"a row"', ...log.slice(10)],
  };
  for (const [what, lines] of Object.entries(cases)) {
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const starts = lineStarts(bytes);
    for (const options of [undefined, { expectedHead: { hash: head.hash, seq: head.seq } }, { stopAtFirst: true }, { maxBreaks: 1, trackIds: false }]) {
      const want = t.verifyJsonl(bytes, reg, options);
      if (what !== 'truncated last part' || options?.expectedHead) assert.equal(want.valid, false, what);
      // Cut exactly on the row where the break is, and around it.
      for (const row of [9, 10, 11, 20, 21]) {
        assert.deepEqual(stitchParts(bytes, [starts[row]], options, reg), want, `${what}, cut at row ${row}, ${JSON.stringify(options)}`);
        assert.deepEqual(distributed(bytes, [[0, starts[row] + 3], [starts[row] + 3, bytes.length]], options, 3, 50, reg), want, `${what}, mid-line`);
      }
    }
  }
  // A checkpoint reached inside the third part.
  const tree = t.MerkleTree.fromLeafData(log.map((l) => Buffer.from(JSON.parse(l).hash, 'hex')));
  const options = { checkpoint: { size: 22, root: tree.rootAt(22).toString('hex') } };
  const bytes = Buffer.from(log.join('\n') + '\n');
  const want = t.verifyJsonl(bytes, reg, options);
  assert.equal(want.valid, true);
  assert.deepEqual(distributed(bytes, t.splitBytes(bytes.length, 3), options, 2, 1000, reg), want);
  const wrong = { checkpoint: { size: 22, root: tree.rootAt(21).toString('hex') } };
  assert.deepEqual(distributed(bytes, t.splitBytes(bytes.length, 3), wrong, 2, 1000, reg), t.verifyJsonl(bytes, reg, wrong));
});

test('the stitch refuses what does not fit: other options, profiles or signers, edited summaries, wrong answers', () => {
  const log = rows(6, key);
  const seg = (lines, options, registry = reg) => {
    const v = new t.SegmentVerifier(registry, options);
    for (const l of lines) v.pushRow(l);
    return v.finish();
  };
  const a = seg(log.slice(0, 3));
  const b = seg(log.slice(3));
  assert.equal(t.stitch([a, b]).valid, true);
  assertCode(() => t.stitch([a, seg(log.slice(3), { maxBreaks: 5 })]), 'invalid_state', { name: 'ChainError' });
  assertCode(() => t.stitch([a, b], { profile: 'kernel/v1' }), 'invalid_state');
  const other = t.SignerRegistry.fromJson(JSON.stringify({ signers: [{ signerId: 'kernel-signer', publicKey: key.publicKey().toBase64() }, { signerId: 'x', publicKey: t.SecretKey.fromBytes(Buffer.alloc(32, 6)).publicKey().toBase64() }] }));
  assertCode(() => t.stitch([a, seg(log.slice(3), undefined, other)]), 'invalid_state');
  const edited = JSON.parse(a.summary());
  edited.rows -= 1;
  assertCode(() => new t.Stitcher([JSON.stringify(edited), b.summary()], []), 'invalid_state');
  assertCode(() => new t.Stitcher(['not json', b.summary()], []), 'invalid_state');
  assertCode(() => new t.Stitcher([a.summary()], [[5, 0]]), 'invalid_state', {}, 'a duplicate of a segment that does not exist');
  assertCode(() => new t.Stitcher([a.summary()], [[0]]), 'invalid_argument');
  const st = new t.Stitcher([a.summary(), b.summary()], []);
  const [r0, r1] = st.requests();
  assertCode(() => st.finish([a.answer(r0)]), 'invalid_state', {}, 'a missing answer');
  assertCode(() => st.finish([a.answer(r0), a.answer(r0.replace('"segment":0', '"segment":1'))]), 'invalid_state');
  assert.equal(st.finish([b.answer(r1), a.answer(r0)]).valid, true, 'answers in any order');
  assertCode(() => t.duplicates([Buffer.alloc(27)]), 'invalid_state');
  assertCode(() => t.Segment.fromBytes(a.toBytes().subarray(0, 20)), 'invalid_state');
  assertCode(() => a.idBuckets(0, 0), 'invalid_argument');
  assertCode(() => a.idBuckets(0, 2 ** 31), 'invalid_argument', {}, 'bounded before anything is allocated');
  assertCode(() => t.splitBytes(100, 2 ** 40), 'invalid_argument');
  assert.deepEqual(t.splitBytes(10, 3), [[0, 3], [3, 6], [6, 10]]);
  assert.deepEqual(t.splitBytes(2, 5), [[0, 1], [1, 2]]);
  assert.deepEqual(t.splitBytes(2n ** 60n, 2)[1], [2n ** 59n, 2n ** 60n], 'beyond 2^53, a bigint unless the double prints as the integer');
  const v = new t.SegmentVerifier(reg);
  v.finish();
  assertCode(() => v.pushRow(log[0]), 'invalid_state');
  assertCode(() => new t.Segment(), 'invalid_argument');
  // Summaries are shipped as text: a seq beyond 2^53 survives the trip.
  const big = JSON.parse(log[0]);
  big.seq = 2 ** 60;
  const s = seg([JSON.stringify(big).replace(String(2 ** 60), '1152921504606846977')]);
  assert.match(s.summary(), /1152921504606846977/);
});

test('verifyFileParallel on worker_threads equals verifyFile on a 100,000-row file with planted breaks', async () => {
  const n = 100_000;
  const file = join(dir, 'big.jsonl');
  const fd = openSync(file, 'w');
  const w = t.ChainWriter.create('kernel-signer', key.publicKey());
  const pending = [];
  for (let i = 1; i <= n; i++) {
    let row = w.append({ id: `6f1c2a4e-0000-4000-8000-${i.toString(16).padStart(12, '0')}`, ts: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(), eventType: 'allocation.approved', actor: 'svc:kernel-api', payload: { n: i } }, key);
    if (i === 50_001) row = row.replace('"n":50001', '"n":1'); // a hash mismatch near the seam
    if (i === 70_000) row = row.slice(0, 40); // a malformed row
    pending.push(row);
    if (i === 90_000) pending.push(pending[10]); // a duplicate id far from its first
    if (pending.length >= 5000) {
      writeSync(fd, pending.join('\n') + '\n');
      pending.length = 0;
    }
  }
  writeSync(fd, pending.join('\n') + '\n');
  closeSync(fd);
  const want = t.verifyFile(file, reg);
  assert.equal(want.rows, n + 1);
  for (const r of ['duplicate_id', 'hash_mismatch', 'malformed_row']) assert.ok(r in want.breakCounts, r);
  assert.deepEqual(await t.verifyFileParallel(file, reg, { workers: 2 }), want, '2 workers');
  assert.deepEqual(await t.verifyFileParallel(file, reg, { workers: 2, threads: 1, stopAtFirst: true, chunkSize: 65536 }), t.verifyFile(file, reg, { stopAtFirst: true }), 'stopAtFirst');
});

test('verifyFileParallel: small and empty files, options read by the core, file errors', async () => {
  const empty = join(dir, 'empty.jsonl');
  writeFileSync(empty, '');
  assert.deepEqual(await t.verifyFileParallel(empty, reg, { workers: 4 }), t.verifyFile(empty, reg));
  const small = join(dir, 'small.jsonl');
  writeFileSync(small, rows(3, key).join('\n'));
  assert.deepEqual(await t.verifyFileParallel(small, reg, { workers: 8 }), t.verifyFile(small, reg));
  assert.deepEqual(await t.verifyFileParallel(small, reg), t.verifyFile(small, reg), 'default workers');
  await assert.rejects(t.verifyFileParallel(small, reg, { workers: 0 }), { code: 'invalid_option', name: 'OptionsError' });
  await assert.rejects(t.verifyFileParallel(small, reg, { worker: 2 }), { code: 'unknown_option' });
  await assert.rejects(t.verifyFileParallel(small, reg, { workers: 2, profile: 'nope' }), { code: 'unknown_profile' });
  await assert.rejects(t.verifyFileParallel(small, {}, { workers: 2 }), { code: 'invalid_argument' });
  await assert.rejects(t.verifyFileParallel(join(dir, 'missing.jsonl'), reg), { code: 'ENOENT' });
  await assert.rejects(t.verifyFileParallel(42, reg), { code: 'invalid_argument' });
  // A file in another profile, in parallel.
  const kw = t.ChainWriter.create('kernel-signer', key.publicKey(), { profile: 'kernel/v1' });
  const krows = [];
  for (let i = 1; i <= 50; i++) krows.push(kw.appendRow({ id: `6f1c2a4e-0000-4000-8000-${String(i).padStart(12, '0')}`, created_at: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(), event_type: 'x', payload: { i } }, key));
  const kfile = join(dir, 'kernel.jsonl');
  writeFileSync(kfile, krows.join('\n') + '\n');
  const kwant = t.verifyFile(kfile, reg, { profile: 'kernel/v1' });
  assert.equal(kwant.valid, true);
  assert.deepEqual(await t.verifyFileParallel(kfile, reg, { workers: 3, profile: 'kernel/v1' }), kwant);
});
