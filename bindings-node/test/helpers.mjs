// Shared helpers for the binding tests.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The generated CommonJS loader of the native addon. */
export const trustcore = require('../index.js');

/** Folder of the shared vectors (override with TRUSTCORE_VECTORS_DIR). */
export const vectorsDir =
  process.env.TRUSTCORE_VECTORS_DIR ?? join(here, '..', '..', 'test-vectors');

/** Loads a vector file; throws (failing the test) when it does not exist. */
export function loadVectors(name) {
  const file = join(vectorsDir, name);
  if (!existsSync(file)) {
    throw new Error(`vectors missing: ${file} does not exist`);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * Asserts that `fn` throws an Error with the given `code` (and, when given,
 * `name`, `offset` and `path`). Returns the error.
 */
export function assertCode(fn, code, extra = {}) {
  let caught;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected an error with code ${code}, nothing was thrown`);
  assert.ok(caught instanceof Error, `expected an Error object, got ${caught}`);
  assert.equal(caught.code, code, `code of: ${caught.message}`);
  for (const [key, value] of Object.entries(extra)) {
    assert.equal(caught[key], value, `${key} of: ${caught.message}`);
  }
  return caught;
}

/**
 * A report with lowerCamelCase members renamed to snake_case, as
 * .ci/compare_reports.py normalizes them (data such as rows and reason
 * codes already is snake_case), for comparison with the vectors.
 */
export function snakeKeys(v) {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k.replace(/(?<=[a-z0-9])([A-Z])/g, (m) => `_${m.toLowerCase()}`), snakeKeys(x)]),
    );
  }
  return v;
}

/** Asserts that `fn` throws an OptionsError with `code`. */
export function assertOptionsError(fn, code) {
  return assertCode(fn, code, { name: 'OptionsError' });
}
