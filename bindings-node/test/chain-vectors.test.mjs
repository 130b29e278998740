// test-vectors/chain.json: every verification case, whole (string and
// bytes), in 7-byte chunks, row by row, and off the event loop, on 1 and 2
// threads; every replay case. Reports are the core's, with camelCase
// members (`breakCounts`): they are compared with the vectors after
// key-case normalization (snakeKeys) and without `message` (messages are
// for people).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustcore, loadVectors, snakeKeys } from './helpers.mjs';

const { SignerRegistry, ChainVerifier, verifyJsonl, verifyJsonlAsync, replay } = trustcore;
const doc = loadVectors('chain.json');
const registry = SignerRegistry.fromJson(doc.registry);

/** The report as snake_case JSON data without messages. */
function plain(report) {
  assert.ok('breakCount' in report && 'breakCounts' in report, 'camelCase members');
  assert.equal(report.breakCount, Object.values(report.breakCounts).reduce((a, b) => a + b, 0));
  const r = snakeKeys(report);
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
  assert.ok(doc.replay.length >= 20);
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

for (const c of doc.replay) {
  test(`replay: ${c.id}`, () => {
    const got = c.start === undefined ? replay(c.rows) : replay(c.rows, c.start);
    assert.deepEqual(snakeKeys(got), c.expected, 'rows as strings');
    assert.deepEqual(snakeKeys(replay(c.rows.map((r) => Buffer.from(r)), c.start)), c.expected, 'rows as bytes');
    // The events are row objects: replaying them again gives them again,
    // and a verifier takes them as rows.
    assert.deepEqual(replay(got.events, c.start).events, got.events, 'row objects replay to themselves');
    if (c.start === undefined && got.events.length > 0) {
      const v = ChainVerifier.create(registry);
      for (const e of got.events) v.feedRow(e);
      assert.equal(v.finish().rows, got.events.length);
    }
  });
}
