// Every case of the shared vector files through the Node build.
import { test } from 'node:test';
import { api, loadVectors } from './load.mjs';
import { canonicalChecks, digestChecks } from './vector-cases.mjs';

const suites = [
  ['canonical-json.json', canonicalChecks],
  ['digest.json', digestChecks],
];

for (const [file, build] of suites) {
  let checks;
  try {
    checks = build(api, loadVectors(file));
  } catch (e) {
    test(`${file} loads`, () => {
      throw e;
    });
    continue;
  }
  for (const { id, run } of checks) test(id, run);
}
