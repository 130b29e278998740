// Canonicalizes and digests the sample audit event with the Node package.
// node examples/node/canonicalize_event.mjs examples/audit_event.json
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const tc = require('../../bindings-node/index.js');

const text = readFileSync(process.argv[2] ?? 'examples/audit_event.json');
const bytes = tc.canonicalizeText(text);
// The value path gives the same bytes as the text path.
if (!bytes.equals(tc.canonicalize(JSON.parse(text.toString('utf8'))))) throw new Error('value path differs');
console.log(`node    ${bytes.toString('utf8')}`);
console.log(`node    ${tc.digest(bytes, 'sha256')}`);
console.log(`node    ${tc.digest(bytes, 'blake3')}`);
