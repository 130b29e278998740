// Cross-check for gen_canonical.py: reads [{id, input}] on stdin and prints
// {id: canonicalize(JSON.parse(input))} using npm `canonicalize` (an ES
// module) from the folder given as the first argument (where
// `npm install canonicalize` was run).
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const dir = process.argv[2];
const { default: canonicalize } = await import(
  pathToFileURL(path.join(dir, 'node_modules/canonicalize/lib/canonicalize.js')).href
);
let buf = '';
process.stdin.setEncoding('utf8');
for await (const d of process.stdin) buf += d;
const out = {};
for (const c of JSON.parse(buf)) {
  try {
    out[c.id] = canonicalize(JSON.parse(c.input));
  } catch (e) {
    out[c.id] = `ERROR: ${e.message}`;
  }
}
process.stdout.write(JSON.stringify(out));
