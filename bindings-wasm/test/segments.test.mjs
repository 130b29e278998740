// Segments (#14): every chain.json verify case and every profiles.json
// case, cut into parts in three ways (the report dump's fixed cut into
// three, the worker protocol with id buckets and segments moved as bytes,
// byte ranges of the file as the app's workers read them), stitched into
// exactly the one-pass report, field by field; and the refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api as t, loadVectors, loadVerify } from './load.mjs';
import { byteRangeReport, cutThree, protocolReport, stitchedReport } from './segment-cases.mjs';

const chain = loadVectors('chain.json');
const profiles = loadVectors('profiles.json');
const enc = new TextEncoder();

test('cutThree cuts at lines n/3 and 2n/3 and loses nothing', () => {
  for (const c of chain.cases) {
    const parts = cutThree(c.jsonl);
    assert.equal(parts.join(''), c.jsonl, c.id);
  }
  assert.deepEqual(cutThree('a\nb\nc\n'), ['a\n', 'b\n', 'c\n']);
  assert.deepEqual(cutThree('a\nb'), ['', 'a\n', 'b']);
  assert.deepEqual(cutThree(''), ['', '', '']);
});

for (const [name, api] of [['full', t], ['verify', await loadVerify()]]) {
  test(`${name} module: chain.json cases stitched equal the one-pass report`, () => {
    const registry = api.SignerRegistry.fromJson(chain.registry);
    let n = 0;
    for (const c of chain.cases) {
      const options = c.options ?? undefined;
      const want = api.verifyJsonl(c.jsonl, registry, options);
      assert.deepEqual(stitchedReport(api, cutThree(c.jsonl), registry, options), want, `${c.id}: stitch`);
      assert.deepEqual(protocolReport(api, cutThree(c.jsonl), registry, options), want, `${c.id}: protocol`);
      // Only whole-byte text can be cut by bytes (the UTF-16 cases with a
      // lone surrogate are strings).
      if (c.jsonl.isWellFormed()) {
        const bytes = enc.encode(c.jsonl);
        for (const parts of [1, 2, 5]) {
          assert.deepEqual(byteRangeReport(api, bytes, registry, options, parts), want, `${c.id}: ${parts} byte ranges`);
        }
      }
      n += 1;
    }
    assert.ok(n >= 20, `${n} cases`);
  });

  test(`${name} module: profiles.json cases stitched equal the one-pass report`, () => {
    const registry = api.SignerRegistry.fromJson(profiles.registry);
    const docs = Object.fromEntries(profiles.profiles.map((p) => [p.name, p]));
    for (const c of profiles.cases) {
      const options = { ...(c.options ?? {}), profile: docs[c.profile] };
      const want = api.verifyJsonl(c.jsonl, registry, options);
      assert.deepEqual(stitchedReport(api, cutThree(c.jsonl), registry, options), want, `${c.id}: stitch`);
      assert.deepEqual(byteRangeReport(api, enc.encode(c.jsonl), registry, options, 4, 13), want, `${c.id}: byte ranges`);
    }
  });
}

test('a segment verified under other options or another profile is refused', () => {
  const registry = t.SignerRegistry.fromJson(profiles.registry);
  const c = profiles.cases.find((x) => x.profile === 'kernel/v1');
  const parts = cutThree(c.jsonl);
  const summaries = parts.map((p) => {
    const v = t.SegmentVerifier.create(registry, { profile: 'kernel/v1' });
    v.pushBytes(p);
    return v.finish().summary();
  });
  assert.throws(() => t.Stitcher.create(summaries, [], null), (e) => e.name === 'ChainError' && e.code === 'invalid_state' && /profile/.test(e.message));
  assert.throws(() => t.Stitcher.create(summaries, [], { profile: 'kernel/v1', maxBreaks: 3 }), (e) => e.code === 'invalid_state');
  const st = t.Stitcher.create(summaries, [], { profile: 'kernel/v1' });
  // An answer for another request, or none, is refused.
  assert.throws(() => st.finish([]), (e) => e.code === 'invalid_state');
  // Documents are JSON text; an object is a TypeError.
  assert.throws(() => t.Stitcher.create([{}], [], null), (e) => e.code === 'invalid_argument');
  assert.throws(() => t.Stitcher.create(['{"type":"x"}'], [], null), (e) => e.name === 'ChainError' && e.code === 'invalid_state');
});

test('segments move as bytes; a finished verifier refuses more', () => {
  const registry = t.SignerRegistry.fromJson(chain.registry);
  const c = chain.cases.find((x) => x.id === 'good/ten');
  const v = t.SegmentVerifier.create(registry);
  v.pushBytes(c.jsonl);
  assert.equal(v.rowsFed, 10);
  const seg = v.finish();
  assert.throws(() => v.pushBytes('x'), (e) => e.name === 'ChainError' && e.code === 'invalid_state');
  const bytes = seg.toBytes();
  const back = t.Segment.fromBytes(bytes);
  assert.equal(back.summary(), seg.summary());
  const summary = JSON.parse(seg.summary());
  assert.equal(summary.type, 'trustcore.chain-segment/v1');
  assert.equal(summary.rows, 10);
  assert.deepEqual(seg.summaryObject(), summary);
  const bad = bytes.slice();
  bad[bad.length - 1] ^= 1;
  assert.throws(() => t.Segment.fromBytes(bad.subarray(0, bad.length - 3)), (e) => e.code === 'invalid_state');
  assert.throws(() => t.duplicates([new Uint8Array(27)]), (e) => e.code === 'invalid_state');
  // Ids repeated across segments are found from the buckets.
  const lines = c.jsonl.trimEnd().split('\n');
  const parts = [`${lines.slice(0, 5).join('\n')}\n`, `${lines[2]}\n${lines.slice(5).join('\n')}\n`];
  const want = t.verifyJsonl(parts.join(''), registry);
  assert.deepEqual(protocolReport(t, parts, registry, undefined, 4), want);
  assert.ok(want.breakCounts.duplicate_id >= 1);
  assert.deepEqual(t.splitBytes(10, 3), [[0, 3], [3, 6], [6, 10]]);
  // stitch reads Segments through their own toBytes(), or bytes; anything else is refused.
  assert.equal(t.stitch([seg, bytes], null).breakCounts.duplicate_id, 10);
  assert.throws(() => t.stitch([{ toBytes: () => new Uint8Array(3) }], null), (e) => e.name === 'ChainError' && e.code === 'invalid_state');
  assert.throws(() => t.stitch([7], null), (e) => e.code === 'invalid_argument');
  assert.throws(() => t.stitch(null, null), (e) => e.code === 'invalid_argument');
});
