// test-vectors/chain.json: every case, whole (string and bytes), in 7-byte
// chunks, row by row, and off the event loop, on 1 and 2 threads. Reports
// are compared without `message` (messages are for people).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustcore, loadVectors } from './helpers.mjs';

const { SignerRegistry, ChainVerifier, verifyJsonl, verifyJsonlAsync } = trustcore;
const doc = loadVectors('chain.json');
const registry = SignerRegistry.fromJson(doc.registry);

/** The report as plain JSON data without messages. */
function plain(report) {
  const r = JSON.parse(JSON.stringify(report));
  for (const b of r.breaks) {
    assert.ok(typeof b.message === 'string' && b.message.length > 0, 'every break has a message');
    delete b.message;
  }
  return r;
}

function options(c, threads) {
  return { ...(c.options ?? {}), threads };
}

test('chain.json has the documented shape', () => {
  assert.equal(doc.format, 'trustcore-vectors/chain');
  assert.ok(doc.cases.length >= 25);
});

for (const c of doc.cases) {
  for (const threads of [1, 2]) {
    test(`${c.id} (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
      const bytes = Buffer.from(c.jsonl, 'utf8');
      const opts = options(c, threads);
      assert.deepEqual(plain(verifyJsonl(c.jsonl, registry, opts)), c.expected, 'whole string');
      assert.deepEqual(plain(verifyJsonl(bytes, registry, opts)), c.expected, 'whole bytes');
      assert.deepEqual(plain(await verifyJsonlAsync(bytes, registry, opts)), c.expected, 'async');

      // 7-byte chunks: rows (and UTF-8 sequences) span chunks.
      const v = ChainVerifier.create(registry, opts);
      for (let i = 0; i < bytes.length; i += 7) v.feed(bytes.subarray(i, i + 7));
      assert.deepEqual(plain(v.finish()), c.expected, '7-byte chunks');

      // 7-code-unit string chunks.
      const s = ChainVerifier.create(registry, opts);
      for (let i = 0; i < c.jsonl.length; i += 7) s.feed(c.jsonl.slice(i, i + 7));
      assert.deepEqual(plain(s.finish()), c.expected, '7-unit string chunks');

      // Row by row (blank lines skipped, as the stream reader does).
      const r = ChainVerifier.create(registry, opts);
      for (const line of c.jsonl.split('\n')) {
        const row = line.replace(/\r$/, '');
        if (row.trim() !== '') r.feedRow(row);
      }
      assert.deepEqual(plain(r.finish()), c.expected, 'row by row');
    });
  }
}
