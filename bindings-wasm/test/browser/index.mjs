// Runs every canonical-json and digest vector case against the web build
// (pkg-web, ESM) and writes "N passed, M failed" into #result. Served from
// the repository root by run.sh, so the vectors are at /test-vectors/.
import init, * as api from '../../pkg-web/trustcore_wasm.js';
import { canonicalChecks, digestChecks } from '../vector-cases.mjs';

const result = document.getElementById('result');
const failures = document.getElementById('failures');

async function loadVectors(name) {
  const response = await fetch(new URL(`../../../test-vectors/${name}`, import.meta.url));
  if (!response.ok) throw new Error(`vectors missing: ${name} (HTTP ${response.status})`);
  return response.json();
}

async function main() {
  await init();
  const [canonical, digest] = await Promise.all([
    loadVectors('canonical-json.json'),
    loadVectors('digest.json'),
  ]);
  const checks = [...canonicalChecks(api, canonical), ...digestChecks(api, digest)];
  let passed = 0;
  const failed = [];
  for (const { id, run } of checks) {
    try {
      run();
      passed += 1;
    } catch (e) {
      failed.push(`${id}: ${e.message}`);
    }
  }
  failures.textContent = failed.join('\n');
  result.textContent = `${passed} passed, ${failed.length} failed`;
}

main().catch((e) => {
  result.textContent = `0 passed, 1 failed (${e.message})`;
});
