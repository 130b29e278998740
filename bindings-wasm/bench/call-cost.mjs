// A fixed amount of work for instruction counting (bench/instructions.sh):
// `n` calls of canonicalizeText on the corpus events (as bytes or as
// strings) or on a one-byte document, through one module directory
// (pkg-verify by default). n = 0 measures everything but the calls.
//   node bench/call-cost.mjs <bytes|string|tiny> <n> [module dir]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [what, count, dir = join(here, '..', 'pkg-verify')] = process.argv.slice(2);
const m = await import(pathToFileURL(join(dir, 'trustcore_wasm.js')).href);
m.initSync({ module: readFileSync(join(dir, 'trustcore_wasm_bg.wasm')) });
const corpus = join(here, '..', '..', 'benches', 'corpus', 'events.jsonl');
const lines = readFileSync(corpus, 'utf8').split('\n').filter(Boolean).slice(0, 1000);
const bytes = lines.map((l) => new TextEncoder().encode(l));
const one = new TextEncoder().encode('1');
const n = Number(count);
const call = { bytes: (k) => m.canonicalizeText(bytes[k % bytes.length]), string: (k) => m.canonicalizeText(lines[k % lines.length]), tiny: () => m.canonicalizeText(one) }[what];
if (!call || !(n >= 0)) throw new Error('usage: node bench/call-cost.mjs <bytes|string|tiny> <n> [module dir]');
for (let k = 0; k < n; k++) call(k);
