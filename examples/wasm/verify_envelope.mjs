// Verifies a signed envelope against a signers file with the WASM package
// (the build the browser control panel uses), run here under Node.
//
//   bash bindings-wasm/ci.sh --build-only          # once
//   node examples/node/signing_proxy.mjs           # writes examples/out/ (optional)
//   node examples/wasm/verify_envelope.mjs [envelope.json signers.json] [--at <RFC 3339 time>]
//
// Without arguments it reads examples/out/envelope.json and
// examples/out/signers.json, which the Node signing-proxy example writes
// (an envelope signed through a KMS-style proxy, one pure Ed25519 and one
// Ed25519ph signature). When they are absent it says so and verifies an
// envelope from test-vectors/signing.json instead. The time a record is
// judged at is `--at`, else the payload's `appliedAt`, else now. Also checks
// the same envelope through the JWKS document when examples/out/jwks.json is
// there, and that a tampered copy fails. Exits non-zero unless it verifies.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const { Envelope, SignerRegistry, version } = require(join(repo, 'bindings-wasm', 'pkg-node', 'trustcore_wasm.js'));

const args = process.argv.slice(2);
const atIndex = args.indexOf('--at');
const atArg = atIndex >= 0 ? args.splice(atIndex, 2)[1] : undefined;
const out = join(repo, 'examples', 'out');
const [envelopeFile, signersFile] = args.length >= 2
  ? args
  : [join(out, 'envelope.json'), join(out, 'signers.json')];

if (args.length >= 2 && !(existsSync(envelopeFile) && existsSync(signersFile))) {
  console.error(`not found: ${[envelopeFile, signersFile].filter((f) => !existsSync(f)).join(', ')}`);
  process.exit(2);
}

let envelopeText;
let signersText;
let at = atArg;
let jwksText;
if (existsSync(envelopeFile) && existsSync(signersFile)) {
  console.log(`reading ${relative(process.cwd(), envelopeFile)} and ${relative(process.cwd(), signersFile)}`);
  envelopeText = readFileSync(envelopeFile);
  signersText = readFileSync(signersFile);
  const jwksFile = join(dirname(signersFile), 'jwks.json');
  if (args.length < 2 && existsSync(jwksFile)) jwksText = readFileSync(jwksFile);
} else {
  console.log(`NOTE: ${relative(process.cwd(), envelopeFile)} / ${relative(process.cwd(), signersFile)} not found`);
  console.log('      (run `node examples/node/signing_proxy.mjs` to make them);');
  console.log('      verifying the vector envelope verify/in-window from test-vectors/signing.json instead.');
  const vectors = JSON.parse(readFileSync(join(repo, 'test-vectors', 'signing.json'), 'utf8'));
  const c = vectors.verifications.find((v) => v.id === 'verify/in-window');
  envelopeText = c.envelope;
  signersText = vectors.registries[c.registry];
  at ??= c.at;
}

const envelope = Envelope.fromJson(envelopeText);
const registry = SignerRegistry.fromJson(signersText);
if (at === undefined) {
  const appliedAt = JSON.parse(envelope.payload).appliedAt;
  at = typeof appliedAt === 'string' ? appliedAt : new Date();
}
const atText = at instanceof Date ? at.toISOString() : at;

console.log(`trustcore-wasm ${version()}`);
console.log(`envelope kind ${envelope.kind}, signed by ${envelope.signatures.map((s) => `${s.signer} (${s.alg})`).join(', ')}`);
console.log(`registry signers: ${registry.signerIds().join(', ')}`);

const report = registry.verifyEnvelope(envelope, at);
console.log(`\nverifyEnvelope at ${atText}:`);
for (const s of report.signatures) {
  console.log(`  #${s.index} ${s.signer} ${s.alg}: ${s.valid ? 'valid' : `INVALID (${s.reason})`}`);
}
console.log(`verdict: ${report.valid ? 'VALID' : 'NOT VALID'}`);

let ok = report.valid;
if (jwksText !== undefined) {
  const viaJwks = SignerRegistry.fromJwks(jwksText).verifyEnvelope(envelope, at);
  console.log(`same envelope through jwks.json: ${viaJwks.valid ? 'VALID' : 'NOT VALID'}`);
  ok &&= viaJwks.valid;
}

// A changed payload must fail for every signer.
const doc = JSON.parse(envelope.toJson());
doc.payload = { ...doc.payload, tampered: true };
const forged = registry.verifyEnvelope(Envelope.fromJson(JSON.stringify(doc)), at);
const refused = !forged.valid && forged.signatures.every((s) => s.reason === 'invalid_signature');
console.log(`tampered copy: ${forged.valid ? 'VALID (wrong!)' : `refused (${forged.signatures.map((s) => s.reason).join(', ')})`}`);
ok &&= refused;

process.exit(ok ? 0 : 1);
