// Runs every section of ../test-vectors/signing.json (format in
// test-vectors/README.md, "signing.json"). The expected values come from
// independent implementations (tools/gen_signing.py: OpenSSL through PyPI
// `cryptography`, `pycryptodome`, `rfc8785`), so each assertion is a
// cross-check of the core through this binding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { trustcore, loadVectors, assertCode } from './helpers.mjs';

const {
  PublicKey,
  SecretKey,
  Envelope,
  SignerRegistry,
  ApprovalSet,
  sign,
  verify,
  signEd25519phDigest,
} = trustcore;

const doc = loadVectors('signing.json');
const hex = (s) => Buffer.from(s, 'hex');

function cases(section) {
  const list = doc[section];
  assert.ok(Array.isArray(list) && list.length > 0, `${section} is empty`);
  return list;
}

function secret(id) {
  const k = doc.keys.find((k) => k.id === id);
  assert.ok(k, `no key ${id}`);
  return SecretKey.fromHex(k.seed);
}

const registry = (name) => SignerRegistry.fromJson(doc.registries[name]);

/** A report object as plain JSON (drops nothing: reason is absent when valid). */
const plain = (report) => JSON.parse(JSON.stringify(report));

test('format', () => {
  assert.equal(doc.format, 'trustcore-vectors/signing');
});

test('keys: every form imports to the same key and exports byte for byte', () => {
  for (const k of cases('keys')) {
    const p = k.publicKey;
    const imports = [
      PublicKey.fromHex(p.hex),
      PublicKey.fromBase64(p.base64),
      PublicKey.fromPem(p.spkiPem),
      PublicKey.fromJwk(p.jwk),
      PublicKey.fromJwk(JSON.parse(p.jwk)),
      PublicKey.fromBytes(hex(p.hex)),
    ];
    for (const pk of imports) {
      assert.equal(pk.toHex(), p.hex, k.id);
      assert.ok(pk.equals(imports[0]), k.id);
    }
    const pk = imports[0];
    assert.equal(pk.toBase64(), p.base64, k.id);
    assert.equal(pk.toPem(), p.spkiPem, k.id);
    assert.equal(pk.toJwk(), p.jwk, k.id);
    assert.deepEqual(pk.toBytes(), hex(p.hex), k.id);
    assert.equal(PublicKey.fromDer(pk.toDer()).toHex(), p.hex, k.id);

    const q = k.secretKey;
    const secrets = [
      SecretKey.fromHex(q.hex),
      SecretKey.fromBase64(q.base64),
      SecretKey.fromPem(q.pkcs8Pem),
      SecretKey.fromJwk(q.jwk),
      SecretKey.fromJwk(JSON.parse(q.jwk)),
      SecretKey.fromBytes(hex(k.seed)),
      SecretKey.fromSeed(hex(k.seed)),
    ];
    for (const sk of secrets) {
      assert.equal(sk.publicKey().toHex(), p.hex, k.id);
    }
    const sk = secrets[0];
    assert.equal(sk.exportHex(), q.hex, k.id);
    assert.equal(sk.exportBase64(), q.base64, k.id);
    assert.equal(sk.exportPem(), q.pkcs8Pem, k.id);
    assert.equal(sk.exportJwk(), q.jwk, k.id);
    assert.deepEqual(sk.exportBytes(), hex(k.seed), k.id);
  }
});

test('keyErrors: each malformed key has its code', () => {
  const importers = {
    public: { hex: PublicKey.fromHex, base64: PublicKey.fromBase64, pem: PublicKey.fromPem, jwk: PublicKey.fromJwk },
    secret: { hex: SecretKey.fromHex, base64: SecretKey.fromBase64, pem: SecretKey.fromPem, jwk: SecretKey.fromJwk },
  };
  for (const c of cases('keyErrors')) {
    const run =
      c.format === 'hygiene'
        ? () => PublicKey.fromHex(c.input).checkHygiene()
        : () => importers[c.key][c.format](c.input);
    assert.ok(c.format === 'hygiene' || importers[c.key]?.[c.format], `unknown case ${c.id}`);
    const err = assertCode(run, c.error, { name: 'KeyError' });
    // Messages name the form, never the key material.
    if (c.key === 'secret') assert.ok(!err.message.includes(c.input), c.id);
  }
});

test('sign: Ed25519 is deterministic and matches OpenSSL', () => {
  for (const c of cases('sign')) {
    const sk = secret(c.key);
    assert.equal(sign(sk, hex(c.message)).toString('hex'), c.signature, c.id);
    assert.equal(sk.sign(hex(c.message)).toString('hex'), c.signature, c.id);
  }
});

test('verify: raw verdicts and length errors', () => {
  for (const c of cases('verify')) {
    const run = () => verify(hex(c.publicKey), hex(c.message), hex(c.signature));
    if (c.error !== undefined) {
      assertCode(run, c.error, { name: 'KeyError' });
    } else {
      assert.equal(run(), c.valid, `${c.id}: ${c.description}`);
    }
  }
});

test('envelopes: signing input, message, exact JSON, local and remote signing', async () => {
  for (const c of cases('envelopes')) {
    const sk = secret(c.key);
    const env = Envelope.fromText(c.kind, c.payload);
    const prepared = env.prepare(c.signer, c.alg);
    assert.equal(prepared.signingInput.toString('utf8'), c.signingInput, c.id);
    assert.equal(prepared.message.toString('hex'), c.message, c.id);
    assert.equal(prepared.alg, c.alg, c.id);
    assert.equal(prepared.signer, c.signer, c.id);
    if (c.alg === 'ed25519ph') {
      assert.equal(prepared.message.toString('hex'), createHash('sha512').update(prepared.signingInput).digest('hex'), c.id);
    }
    env.sign(sk, c.signer, c.alg);
    assert.equal(env.toJson(), c.envelope, c.id);

    // The same payload as a value and as bytes gives the same envelope.
    const fromValue = Envelope.create(c.kind, JSON.parse(c.payload));
    fromValue.sign(sk, c.signer, c.alg);
    assert.equal(fromValue.toJson(), c.envelope, `${c.id} (value payload)`);
    const fromBytes = Envelope.fromText(c.kind, Buffer.from(c.payload));
    fromBytes.sign(sk, c.signer, c.alg);
    assert.equal(fromBytes.toJson(), c.envelope, `${c.id} (bytes payload)`);

    // The remote path: a KMS signs the prepared message (RAW or DIGEST).
    const kms = (message) =>
      c.alg === 'ed25519' ? sign(sk, message) : signEd25519phDigest(sk, message);
    const attached = Envelope.fromText(c.kind, c.payload);
    attached.attach(c.signer, kms(prepared.message), sk.publicKey(), c.alg);
    assert.equal(attached.toJson(), c.envelope, `${c.id} (attach)`);
    const remote = Envelope.fromText(c.kind, c.payload);
    await remote.signWith(c.signer, sk.publicKey(), async (message) => kms(message), c.alg);
    assert.equal(remote.toJson(), c.envelope, `${c.id} (signWith)`);

    const back = Envelope.fromJson(c.envelope);
    assert.equal(back.verify(0, sk.publicKey()), true, c.id);
    assert.equal(back.toJson(), c.envelope, c.id);
    assert.equal(Envelope.fromJson(Buffer.from(c.envelope)).toJson(), c.envelope, c.id);
  }
});

test('envelopeErrors: each malformed envelope has its code', () => {
  for (const c of cases('envelopeErrors')) {
    assertCode(() => Envelope.fromJson(c.envelope), c.error);
    assertCode(() => Envelope.fromJson(Buffer.from(c.envelope)), c.error);
  }
});

test('registryLoad: signer ids in order, or the error code', () => {
  for (const c of cases('registryLoad')) {
    const load = c.format === 'jwks' ? SignerRegistry.fromJwks : SignerRegistry.fromJson;
    assert.ok(['jwks', 'signers'].includes(c.format), c.id);
    if (c.error !== undefined) {
      assertCode(() => load(c.document), c.error);
    } else {
      const reg = load(c.document);
      assert.deepEqual(reg.signerIds(), c.signers, c.id);
      assert.equal(reg.size, c.signers.length, c.id);
    }
  }
});

test('jwks: export byte for byte and back', () => {
  for (const c of cases('jwks')) {
    const reg = registry(c.registry);
    assert.equal(reg.toJwks(), c.jwks, c.id);
    assert.equal(reg.toJson(), c.signersJson, c.id);
    assert.equal(SignerRegistry.fromJwks(c.jwks).toJson(), c.signersJson, c.id);
  }
});

test('lookups: keyFor gives the key or throws the reason as code', () => {
  for (const c of cases('lookups')) {
    const reg = registry(c.registry);
    if (c.reason === null) {
      const key = reg.keyFor(c.signerId, c.at, c.alg);
      assert.equal(key.toBase64(), reg.get(c.signerId).publicKey, c.id);
    } else {
      assertCode(() => reg.keyFor(c.signerId, c.at, c.alg), c.reason, { name: 'RegistryError' });
    }
  }
});

test('verifications: envelope reports at a time', () => {
  for (const c of cases('verifications')) {
    const reg = registry(c.registry);
    const env = Envelope.fromJson(c.envelope);
    assert.deepEqual(plain(reg.verifyEnvelope(env, c.at)), c.expected, `${c.id}: ${c.description}`);
  }
});

test('rotations: apply, or fail with the code and change nothing', () => {
  for (const c of cases('rotations')) {
    const reg = registry(c.registry);
    const before = reg.toJson();
    const env = Envelope.fromJson(c.envelope);
    if (c.error !== undefined) {
      assertCode(() => reg.verifyRotation(env), c.error);
      assertCode(() => reg.applyRotation(env), c.error);
      assert.equal(reg.toJson(), before, `${c.id}: a failed rotation changes nothing`);
    } else {
      const checked = reg.verifyRotation(env);
      assert.equal(reg.toJson(), before, `${c.id}: verifyRotation changes nothing`);
      const applied = reg.applyRotation(env);
      assert.equal(reg.toJson(), c.after, c.id);
      const payload = JSON.parse(env.payload);
      for (const r of [checked, applied]) {
        assert.equal(r.previous, payload.previous, c.id);
        assert.equal(r.previousValidUntil, payload.previousValidUntil, c.id);
        assert.equal(r.rotatedAt, payload.rotatedAt, c.id);
        assert.equal(r.next.signerId, payload.next.signerId, c.id);
        assert.equal(r.next.publicKey, payload.next.publicKey, c.id);
        assert.equal(r.next.validFrom, payload.next.validFrom, c.id);
        // The rotation payload as the core writes it: the record it signed.
        assert.deepEqual({ ...r, next: { ...r.next } }, { ...payload, next: { ...payload.next, rotatedFrom: payload.previous } }, c.id);
      }
    }
  }
});

test('approvals: k-of-n reports', () => {
  for (const c of cases('approvals')) {
    const reg = registry(c.registry);
    const set = ApprovalSet.fromJson(c.set);
    const spec = JSON.parse(c.set);
    assert.equal(set.name, spec.name, c.id);
    assert.equal(set.threshold, spec.threshold, c.id);
    const env = Envelope.fromJson(c.envelope);
    assert.deepEqual(plain(set.verify(env, reg, c.at)), c.expected, `${c.id}: ${c.description}`);
  }
});
