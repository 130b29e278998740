// Signs an envelope through an HTTP signing proxy, the way a service signs
// with a KMS: the client never holds a secret key.
//
//   bash bindings-node/ci.sh --build-only   # once
//   node examples/node/signing_proxy.mjs
//
// Starts small signing proxies on 127.0.0.1 (a random port each, in this
// process, with node:http). Each holds one key, like a KMS key or an HSM slot:
//
//   GET  /public-key                                   -> {"publicKeyPem": SPKI PEM}  (KMS GetPublicKey)
//   POST /sign {"message": base64, "mode": "RAW"|"DIGEST"} -> {"signature": base64}
//
// RAW signs the message with pure Ed25519 using Node's own crypto
// (`crypto.sign(null, message, keyObject)`); DIGEST takes a 64-byte SHA-512
// digest and signs it with Ed25519ph (`signEd25519phDigest`), as AWS KMS does
// with `MessageType: DIGEST`.
//
// The client signs an `upgrade.applied` envelope through two proxies with
// `Envelope.signWith` and an async, fetch-based signer, verifies it with
// `SignerRegistry.verifyEnvelope`, writes examples/out/envelope.json,
// examples/out/signers.json and examples/out/jwks.json for the other
// languages to verify, and shows that a proxy answering with another key's
// signature, or failing, is refused (nothing is attached). Exits non-zero on
// any failure.
import http from 'node:http';
import crypto from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Envelope, PublicKey, SecretKey, SignerRegistry, signEd25519phDigest } =
  require('../../bindings-node/index.js');

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(repo, 'examples', 'out');

// ---- the signing service: holds the key --------------------------------------

class SigningProxy {
  constructor(name) {
    this.name = name;
    // A KeyObject for RAW (Node's OpenSSL signs), the same key as a trustcore
    // SecretKey for DIGEST (Ed25519ph, which Node's crypto does not offer).
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    this.keyObject = privateKey;
    this.secretKey = SecretKey.fromPem(privateKey.export({ format: 'pem', type: 'pkcs8' }));
    this.requests = 0;
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}`;
  }

  stop() {
    this.server.closeAllConnections();
    this.server.close();
  }

  sign(message, mode) {
    this.requests += 1;
    if (mode === 'RAW') return crypto.sign(null, message, this.keyObject);
    // Throws KeyError invalid_digest_length unless the digest is 64 bytes.
    if (mode === 'DIGEST') return signEd25519phDigest(this.secretKey, message);
    throw new Error(`unknown mode ${JSON.stringify(mode)}; use RAW or DIGEST`);
  }

  handle(req, res) {
    const answer = (status, body) => {
      const data = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
      res.end(data);
    };
    if (req.method === 'GET' && req.url === '/public-key') {
      return answer(200, { publicKeyPem: this.secretKey.publicKey().toPem() });
    }
    if (req.method !== 'POST' || req.url !== '/sign') return answer(404, { error: 'not found' });
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const message = Buffer.from(request.message, 'base64');
        const signature = this.sign(message, request.mode ?? 'RAW');
        answer(200, { signature: Buffer.from(signature).toString('base64') });
      } catch (err) {
        answer(400, { error: err.message });
      }
    });
  }
}

// ---- the client: only URLs and public keys -------------------------------------

async function publicKeyOf(proxyUrl) {
  const res = await fetch(`${proxyUrl}/public-key`);
  if (!res.ok) throw new Error(`GET /public-key answered HTTP ${res.status}`);
  return PublicKey.fromPem((await res.json()).publicKeyPem);
}

/** An async signer for Envelope.signWith: message bytes in, signature bytes out. */
function proxySigner(proxyUrl, mode) {
  return async (message) => {
    const res = await fetch(`${proxyUrl}/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: message.toString('base64'), mode }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`the signing proxy answered HTTP ${res.status}: ${body.error}`);
    return Buffer.from(body.signature, 'base64');
  };
}

function check(condition, what) {
  if (!condition) throw new Error(`FAILED: ${what}`);
  console.log(`  ok  ${what}`);
}

async function expectRefusal(promise, code) {
  try {
    await promise;
  } catch (err) {
    console.log(`  refused: ${err.name} ${err.code}: ${err.message}`);
    check(err.code === code, `code is ${code}`);
    return err;
  }
  throw new Error(`FAILED: expected ${code}, the signature was attached`);
}

async function main(proxies) {
  const [raw, digest, rogue] = proxies;
  console.log(`signing proxies: RAW ${raw.url} (Node crypto), DIGEST ${digest.url} (Ed25519ph), rogue ${rogue.url}`);
  const kernelPk = await publicKeyOf(raw.url);
  const kmsPk = await publicKeyOf(digest.url);

  const now = new Date();
  const appliedAt = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const validFrom = `${now.getUTCFullYear()}-01-01T00:00:00Z`;
  const registry = SignerRegistry.fromJson(JSON.stringify({
    signers: [
      { signerId: 'kernel-signer', publicKey: kernelPk.toBase64(), validFrom },
      { signerId: 'kms-digest', publicKey: kmsPk.toBase64(), algorithm: 'ed25519ph' },
    ],
  }));

  console.log('\n== signing through the proxies');
  const envelope = Envelope.create('upgrade.applied', {
    version: '2.4.1',
    from: '2.4.0',
    checks: ['backup', 'migrate', 'smoke'],
    appliedAt,
  });
  await envelope.signWith('kernel-signer', kernelPk, proxySigner(raw.url, 'RAW'));
  await envelope.signWith('kms-digest', kmsPk, proxySigner(digest.url, 'DIGEST'), 'ed25519ph');
  console.log(envelope.toJson());
  const report = registry.verifyEnvelope(envelope, appliedAt);
  console.log(`verifyEnvelope at ${appliedAt}: ${JSON.stringify(report)}`);
  check(report.valid, 'the proxy-signed envelope verifies under the registry');
  check(
    JSON.stringify(envelope.signatures.map((s) => s.alg)) === '["ed25519","ed25519ph"]',
    'RAW and DIGEST signatures are recorded as ed25519 and ed25519ph',
  );
  check(raw.requests === 1 && digest.requests === 1, 'each proxy was asked once');

  mkdirSync(outDir, { recursive: true });
  const files = {
    envelope: join(outDir, 'envelope.json'),
    signers: join(outDir, 'signers.json'),
    jwks: join(outDir, 'jwks.json'),
  };
  writeFileSync(files.envelope, `${envelope.toJson()}\n`);
  writeFileSync(files.signers, `${registry.toJson()}\n`);
  writeFileSync(files.jwks, `${registry.toJwks()}\n`);
  console.log(`\n== wrote ${Object.values(files).map((f) => relative(repo, f)).join(', ')}`);
  const reread = SignerRegistry.fromJson(readFileSync(files.signers))
    .verifyEnvelope(Envelope.fromJson(readFileSync(files.envelope)), appliedAt);
  check(reread.valid, 'the files verify when read back (signers file)');
  const viaJwks = SignerRegistry.fromJwks(readFileSync(files.jwks))
    .verifyEnvelope(Envelope.fromJson(readFileSync(files.envelope)), now);
  check(viaJwks.valid, 'and through the JWKS document, at the current time');
  const tampered = JSON.parse(envelope.toJson());
  tampered.payload.version = '2.4.9';
  const forged = registry.verifyEnvelope(Envelope.fromJson(JSON.stringify(tampered)), appliedAt);
  check(!forged.valid && forged.signatures.every((s) => s.reason === 'invalid_signature'),
    'a changed payload is invalid_signature for both signers');

  console.log('\n== a proxy answering with another key is refused');
  const attempt = Envelope.create('upgrade.applied', { version: '2.4.2', from: '2.4.1', appliedAt });
  await expectRefusal(
    attempt.signWith('kernel-signer', kernelPk, proxySigner(rogue.url, 'RAW')),
    'remote_signature_invalid',
  );
  check(attempt.signatures.length === 0, 'nothing was attached (no unsigned record either)');

  console.log('\n== a failing proxy is refused');
  const failed = await expectRefusal(
    attempt.signWith('kernel-signer', kernelPk, proxySigner(raw.url, 'SHA3')),
    'remote_signer_failed',
  );
  check(failed.cause instanceof Error && /HTTP 400/.test(failed.cause.message), 'the proxy error is the cause');
  check(attempt.signatures.length === 0, 'nothing was attached');
}

const proxies = ['raw', 'digest', 'rogue'].map((name) => new SigningProxy(name));
try {
  await Promise.all(proxies.map((p) => p.start()));
  await main(proxies);
  console.log('\nsigning_proxy: all checks passed');
} catch (err) {
  console.error(err?.stack ?? err);
  process.exitCode = 1;
} finally {
  for (const p of proxies) p.stop();
}
