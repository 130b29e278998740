// Canonicalizes and digests the sample audit event with the WASM package
// (the build the browser verifier uses), run here under Node.
// node examples/wasm/canonicalize_event.mjs examples/audit_event.json
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const tc = require('../../bindings-wasm/pkg-node/trustcore_wasm.js');

const text = readFileSync(process.argv[2] ?? 'examples/audit_event.json');
const bytes = tc.canonicalizeText(new Uint8Array(text));
const str = Buffer.from(bytes).toString('utf8');
if (Buffer.compare(Buffer.from(tc.canonicalize(JSON.parse(text.toString('utf8')))), Buffer.from(bytes)) !== 0) {
  throw new Error('value path differs');
}
console.log(`wasm    ${str}`);
console.log(`wasm    ${tc.digest(bytes, 'sha256')}`);
console.log(`wasm    ${tc.digest(bytes, 'blake3')}`);
