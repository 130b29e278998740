// test-vectors/options.json through the Node build (pkg-node): every
// options object is read by the core's one definition, spelled as
// JavaScript spells it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { api, loadVectors } from './load.mjs';
import { optionsChecks } from './chain-cases.mjs';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/event-in-checkpoint.json', import.meta.url), 'utf8'));
const options = loadVectors('options.json');
const chain = loadVectors('chain.json');

for (const { id, run } of optionsChecks(api, options, chain, fixture)) test(id, run);

test('options.json: every case was run (or is a chain_writer case)', () => {
  assert.equal(optionsChecks(api, options, chain, fixture).length, options.cases.length);
  assert.ok(options.cases.filter((c) => c.call !== 'chain_writer').length >= 20);
});
