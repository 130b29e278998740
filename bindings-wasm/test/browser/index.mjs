// Runs every canonical-json and digest vector case, every verify-side
// signing.json case, every chain.json, merkle.json, checkpoint.json,
// policy.json and options.json case, and the event-in-checkpoint fixture against the web
// build (pkg-web, ESM) and writes "N passed, M failed" into #result; the
// control-panel flows (a signed envelope verified against its registry, an
// approval report, a tampered envelope refused; one audit event verified
// against a signed checkpoint with an inclusion proof, the same event
// tampered refused, a policyCheck record explained) also write one line per
// check into #control-panel.
// Served from the repository root by run.sh, so the vectors are at
// /test-vectors/.
import init, * as api from '../../pkg-web/trustcore_wasm.js';
import { canonicalChecks, digestChecks } from '../vector-cases.mjs';
import { controlPanelChecks, signingChecks } from '../signing-cases.mjs';
import {
  auditPanelChecks, chainChecks, checkpointChecks, eventCheckpointChecks, fixtureChecks, merkleChecks,
  optionsChecks, policyChecks,
} from '../chain-cases.mjs';

const result = document.getElementById('result');
const failures = document.getElementById('failures');
const controlPanel = document.getElementById('control-panel');

async function loadVectors(name) {
  const response = await fetch(new URL(`../../../test-vectors/${name}`, import.meta.url));
  if (!response.ok) throw new Error(`vectors missing: ${name} (HTTP ${response.status})`);
  return response.json();
}

async function loadFixture(name) {
  const response = await fetch(new URL(`../fixtures/${name}`, import.meta.url));
  if (!response.ok) throw new Error(`fixture missing: ${name} (HTTP ${response.status})`);
  return response.json();
}

async function main() {
  await init();
  const [canonical, digest, signing, chain, merkle, checkpoint, policy, options, fixture] = await Promise.all([
    loadVectors('canonical-json.json'),
    loadVectors('digest.json'),
    loadVectors('signing.json'),
    loadVectors('chain.json'),
    loadVectors('merkle.json'),
    loadVectors('checkpoint.json'),
    loadVectors('policy.json'),
    loadVectors('options.json'),
    loadFixture('event-in-checkpoint.json'),
  ]);
  const panel = [...controlPanelChecks(api, signing), ...auditPanelChecks(api, fixture, policy)];
  const checks = [
    ...canonicalChecks(api, canonical),
    ...digestChecks(api, digest),
    ...signingChecks(api, signing),
    ...chainChecks(api, chain),
    ...merkleChecks(api, merkle),
    ...checkpointChecks(api, checkpoint),
    ...policyChecks(api, policy),
    ...optionsChecks(api, options, chain, fixture),
    ...fixtureChecks(api, fixture, chain, checkpoint),
    ...eventCheckpointChecks(api, fixture, checkpoint),
    ...panel,
  ];
  let passed = 0;
  const failed = [];
  const panelLines = [];
  for (const { id, run } of checks) {
    let ok = false;
    try {
      run();
      passed += 1;
      ok = true;
    } catch (e) {
      failed.push(`${id}: ${e.message}`);
    }
    if (panel.some((p) => p.id === id)) panelLines.push(`${ok ? 'ok' : 'FAILED'} ${id}`);
  }
  controlPanel.textContent = panelLines.join('\n');
  failures.textContent = failed.join('\n');
  result.textContent = `${passed} passed, ${failed.length} failed`;
}

main().catch((e) => {
  result.textContent = `0 passed, 1 failed (${e.message})`;
});
