// One event verified against a signed checkpoint with an inclusion proof
// (the control-panel flow), through the Node build (pkg-node), on the
// fixture test/fixtures/event-in-checkpoint.json; and the fixture checked
// against the shared vectors it was made from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { api, loadVectors } from './load.mjs';
import { auditPanelChecks, eventCheckpointChecks, fixtureChecks } from './chain-cases.mjs';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/event-in-checkpoint.json', import.meta.url), 'utf8'));
const chain = loadVectors('chain.json');
const checkpoint = loadVectors('checkpoint.json');
const policy = loadVectors('policy.json');

for (const { id, run } of [
  ...fixtureChecks(api, fixture, chain, checkpoint),
  ...eventCheckpointChecks(api, fixture, checkpoint),
  ...auditPanelChecks(api, fixture, policy),
]) {
  test(id, run);
}

test('verifyEventInCheckpoint arguments are checked before anything is verified', () => {
  const { SignerRegistry, verifyEventInCheckpoint } = api;
  const registry = SignerRegistry.fromJson(fixture.registry);
  const args = [fixture.rows[0], 0, fixture.inclusion[0], fixture.checkpoint.note, [fixture.vkey], registry];
  const bad = { name: 'TypeError', code: 'invalid_argument' };
  for (const [i, value] of [[0, 1], [1, '0'], [2, 'proof'], [3, null], [4, 'vkey'], [5, {}]]) {
    const call = [...args];
    call[i] = value;
    assert.throws(() => verifyEventInCheckpoint(...call), bad, `argument ${i}`);
  }
  // Options are the core's, read first.
  assert.throws(() => verifyEventInCheckpoint(...args, 'opts'), { name: 'OptionsError', code: 'invalid_option' });
  assert.throws(() => verifyEventInCheckpoint(1, ...args.slice(1), { hash_alg: 'sha256' }), { name: 'OptionsError', code: 'unknown_option' });
  assert.equal(verifyEventInCheckpoint(...args, { hashAlg: 'sha256' }).valid, true);
  // A blake3 chain would hash the row differently.
  const b3 = verifyEventInCheckpoint(...args, { hashAlg: 'blake3' });
  assert.deepEqual([b3.valid, b3.reason], [false, 'hash_mismatch']);
});
