// The cross-binding report dump (test/report-dump.mjs, run by ci.sh)
// dumps every case, and writes bigints as exact integers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVectors } from './load.mjs';
import { dump, stringify } from './report-dump.mjs';

test('report-dump: every vector case is dumped (the chain_writer options cases are listed as skipped)', () => {
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
  assert.equal(n('options') + d.skipped.length, options.cases.length);
  assert.deepEqual(d.skipped, options.cases.filter((c) => c.call === 'chain_writer').map((c) => `options/${c.id}`));
  assert.match(stringify(d), /"size": 9223372036854775807\b/);
  assert.deepEqual(JSON.parse(stringify({ a: 1n, b: [2n ** 64n] }).replace(/18446744073709551616/, '"x"')), { a: 1, b: ['x'] });
});
