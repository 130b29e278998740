// The cross-binding report dump (test/report-dump.mjs, run by ci.sh)
// dumps every case, and writes bigints as exact integers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVectors } from './load.mjs';
import { dump, stringify } from './report-dump.mjs';

test('report-dump: every vector case is dumped, profiles and segments included', () => {
  const d = dump();
  const n = (g) => Object.keys(d.cases).filter((k) => k.startsWith(`${g}/`)).length;
  const merkle = loadVectors('merkle.json');
  const options = loadVectors('options.json');
  assert.equal(n('chain'), loadVectors('chain.json').cases.length);
  assert.equal(n('replay'), loadVectors('chain.json').replay.length);
  assert.equal(n('inclusion'), merkle.inclusion.length);
  assert.equal(n('consistency'), merkle.consistency.length);
  assert.equal(n('checkpoint'), loadVectors('checkpoint.json').cases.length);
  assert.equal(n('policy'), loadVectors('policy.json').cases.length);
  assert.equal(n('options'), options.cases.length);
  assert.deepEqual(d.skipped, []);
  const prof = loadVectors('profiles.json');
  assert.equal(n('profiles'), prof.cases.length + prof.inference.length + prof.documents.length);
  assert.equal(n('segments'), loadVectors('chain.json').cases.length);
  // A stitched report is the one-pass report.
  for (const k of Object.keys(d.cases).filter((x) => x.startsWith('segments/'))) {
    assert.deepEqual(d.cases[k], d.cases[k.replace('segments/', 'chain/')], k);
  }
  assert.match(stringify(d), /"size": 9223372036854775807\b/);
  assert.deepEqual(JSON.parse(stringify({ a: 1n, b: [2n ** 64n] }).replace(/18446744073709551616/, '"x"')), { a: 1, b: ['x'] });
});
