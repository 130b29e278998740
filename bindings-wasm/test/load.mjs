// Loads the Node build (pkg-node) and the shared vector files for the tests.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const pkgNode = fileURLToPath(new URL('../pkg-node/trustcore_wasm.js', import.meta.url));
if (!existsSync(pkgNode)) {
  throw new Error(`${pkgNode} is missing: run bindings-wasm/build.sh first`);
}

/** The package as Node sees it (the `node` build). */
export const api = require(pkgNode);

const vectorDir = new URL('../../test-vectors/', import.meta.url);

/** Reads ../test-vectors/<name>; throws "vectors missing" when absent. */
export function loadVectors(name) {
  const url = new URL(name, vectorDir);
  if (!existsSync(url)) {
    throw new Error(`vectors missing: ${fileURLToPath(url)} not found`);
  }
  return JSON.parse(readFileSync(url, 'utf8'));
}

const pkgVerify = new URL('../pkg-verify/', import.meta.url);

/**
 * The verify module (pkg-verify, the control-panel app's: an ESM web build)
 * instantiated in Node from its bytes, as a page does with `await init()`.
 */
export async function loadVerify() {
  const js = new URL('trustcore_wasm.js', pkgVerify);
  if (!existsSync(js)) throw new Error(`${fileURLToPath(js)} is missing: run bindings-wasm/build.sh first`);
  const mod = await import(js.href);
  mod.initSync({ module: readFileSync(new URL('trustcore_wasm_bg.wasm', pkgVerify)) });
  return mod;
}
