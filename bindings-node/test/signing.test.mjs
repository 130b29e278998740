// Keys, raw signatures, envelopes, remote (async) signers, the signer
// registry and approvals: API behaviour, interop with Node's own crypto, and
// error objects. The shared vectors are in signing-vectors.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import util from 'node:util';
import { trustcore, assertCode } from './helpers.mjs';

const {
  PublicKey,
  SecretKey,
  Envelope,
  SignerRegistry,
  ApprovalSet,
  ROTATION_KIND,
  sign,
  verify,
  signEd25519phDigest,
  verifyEd25519phDigest,
} = trustcore;

const seed = (n) => Buffer.alloc(32, n);
const keyOf = (n) => SecretKey.fromSeed(seed(n));

/** Awaits `promise` and asserts it rejects with an Error with `code` (and `extra`). */
async function rejectsWithCode(promise, code, extra = {}) {
  let caught;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected a rejection with code ${code}`);
  assert.ok(caught instanceof Error, `expected an Error, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  for (const [k, v] of Object.entries(extra)) assert.equal(caught[k], v, `${k} of ${caught.message}`);
  return caught;
}

function signersFile(entries) {
  return JSON.stringify({ signers: entries });
}

// ---- keys -------------------------------------------------------------------

test('generate gives fresh keys that sign and verify', () => {
  const a = SecretKey.generate();
  const b = SecretKey.generate();
  assert.notEqual(a.exportHex(), b.exportHex());
  assert.ok(!a.publicKey().equals(b.publicKey()));
  const sig = a.sign('hello');
  assert.equal(sig.length, 64);
  assert.ok(Buffer.isBuffer(sig));
  assert.equal(verify(a.publicKey().toBytes(), 'hello', sig), true);
  assert.equal(verify(a.publicKey().toBytes(), Buffer.from('hello'), sig), true);
  assert.equal(verify(a.publicKey().toBytes(), 'hellO', sig), false);
  assert.equal(verify(b.publicKey().toBytes(), 'hello', sig), false);
  a.publicKey().checkHygiene();
});

test('keys round-trip through every form', () => {
  const sk = keyOf(7);
  const pk = sk.publicKey();
  for (const back of [
    PublicKey.fromBytes(pk.toBytes()),
    PublicKey.fromBase64(pk.toBase64()),
    PublicKey.fromHex(pk.toHex()),
    PublicKey.fromPem(pk.toPem()),
    PublicKey.fromDer(pk.toDer()),
    PublicKey.fromJwk(pk.toJwk()),
    PublicKey.fromJwk(JSON.parse(pk.toJwk('k1'))),
    PublicKey.fromJwk(sk.exportJwk()),
  ]) {
    assert.ok(back.equals(pk));
  }
  assert.equal(JSON.parse(pk.toJwk('kernel-signer')).kid, 'kernel-signer');
  assert.equal(JSON.parse(sk.exportJwk('kernel-signer')).kid, 'kernel-signer');
  for (const back of [
    SecretKey.fromBytes(sk.exportBytes()),
    SecretKey.fromBase64(sk.exportBase64()),
    SecretKey.fromHex(sk.exportHex()),
    SecretKey.fromPem(sk.exportPem()),
    SecretKey.fromJwk(sk.exportJwk()),
    SecretKey.fromJwk(JSON.parse(sk.exportJwk())),
  ]) {
    assert.equal(back.exportHex(), seed(7).toString('hex'));
  }
  // A Uint8Array view is read at its own offset.
  const big = Buffer.concat([Buffer.from([1, 2, 3]), pk.toBytes(), Buffer.from([4])]);
  assert.ok(PublicKey.fromBytes(new Uint8Array(big.buffer, big.byteOffset + 3, 32)).equals(pk));
});

test('keys interoperate with Node crypto (PEM, DER, JWK, signatures)', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const sk = SecretKey.fromPem(privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const pk = PublicKey.fromPem(publicKey.export({ format: 'pem', type: 'spki' }));
  assert.ok(sk.publicKey().equals(pk));
  assert.ok(PublicKey.fromDer(publicKey.export({ format: 'der', type: 'spki' })).equals(pk));
  assert.ok(SecretKey.fromDer(privateKey.export({ format: 'der', type: 'pkcs8' })).publicKey().equals(pk));
  assert.ok(SecretKey.fromJwk(privateKey.export({ format: 'jwk' })).publicKey().equals(pk));
  assert.ok(PublicKey.fromJwk(publicKey.export({ format: 'jwk' })).equals(pk));
  // Our exports are what Node reads, byte for byte.
  assert.equal(sk.exportPem(), privateKey.export({ format: 'pem', type: 'pkcs8' }));
  assert.equal(pk.toPem(), publicKey.export({ format: 'pem', type: 'spki' }));
  assert.deepEqual(pk.toDer(), publicKey.export({ format: 'der', type: 'spki' }));
  const msg = Buffer.from('{"event":"upgrade.applied"}');
  const ours = sign(sk, msg);
  assert.deepEqual(ours, crypto.sign(null, msg, privateKey));
  assert.equal(crypto.verify(null, msg, crypto.createPublicKey(pk.toPem()), ours), true);
  const theirs = crypto.sign(null, msg, crypto.createPrivateKey(sk.exportPem()));
  assert.equal(verify(pk.toBytes(), msg, theirs), true);
});

test('secret keys never show in inspect, JSON, String() or errors', () => {
  const sk = keyOf(0x5a);
  const secrets = [sk.exportHex(), sk.exportBase64(), seed(0x5a).toString('base64url')];
  const b64 = sk.publicKey().toBase64();
  const shown = [
    util.inspect(sk),
    util.inspect({ nested: { sk } }, { depth: 5, showHidden: true }),
    JSON.stringify(sk),
    JSON.stringify({ sk }),
    String(sk),
    `${sk}`,
    sk.toString(),
    util.format('%o %O %s %j', sk, sk, sk, sk),
  ];
  for (const text of shown) {
    for (const s of secrets) assert.ok(!text.includes(s), `secret shown in: ${text}`);
  }
  assert.equal(util.inspect(sk), `SecretKey { publicKey: '${b64}' }`);
  assert.deepEqual(JSON.parse(JSON.stringify(sk)), { publicKey: b64 });
  assert.equal(String(sk), `SecretKey(publicKey=${b64})`);
  assert.deepEqual(Object.keys(sk), []);
  // Error messages name the form, never the bytes.
  const wrongX = JSON.parse(sk.exportJwk());
  wrongX.x = keyOf(1).publicKey().toJwk() && JSON.parse(keyOf(1).publicKey().toJwk()).x;
  const err = assertCode(() => SecretKey.fromJwk(wrongX), 'key_mismatch', { name: 'KeyError' });
  for (const s of secrets) assert.ok(!err.message.includes(s), err.message);
  const bad = assertCode(() => SecretKey.fromHex(sk.exportHex().slice(2)), 'invalid_key_length');
  for (const s of secrets) assert.ok(!bad.message.includes(s.slice(2)), bad.message);
  // Public keys and envelopes show what they are.
  assert.equal(util.inspect(sk.publicKey()), `PublicKey { base64: '${b64}' }`);
  assert.equal(JSON.stringify({ k: sk.publicKey() }), `{"k":"${b64}"}`);
  assert.equal(String(sk.publicKey()), `PublicKey(${b64})`);
});

test('key errors have names and codes', () => {
  assertCode(() => PublicKey.fromBytes(new Uint8Array(31)), 'invalid_key_length', { name: 'KeyError' });
  assertCode(() => PublicKey.fromHex('zz'), 'invalid_key_encoding', { name: 'KeyError' });
  assertCode(() => PublicKey.fromBase64('not base64!'), 'invalid_key_encoding');
  assertCode(() => PublicKey.fromPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), 'invalid_key_encoding');
  assertCode(() => PublicKey.fromJwk({ kty: 'RSA', n: 'x', e: 'AQAB' }), 'invalid_key_encoding');
  assertCode(() => PublicKey.fromJwk('{"kty":"OKP","crv":"Ed25519","x":"a","x":"b"}'), 'invalid_key_encoding');
  assertCode(() => SecretKey.fromJwk(keyOf(1).publicKey().toJwk()), 'invalid_key_encoding');
  assertCode(() => SecretKey.fromPem(keyOf(1).publicKey().toPem()), 'invalid_key_encoding');
  assertCode(() => SecretKey.fromBytes(new Uint8Array(64)), 'invalid_key_length');
  // The identity point: a valid encoding, but a weak key.
  const identity = PublicKey.fromHex('01' + '00'.repeat(31));
  assertCode(() => identity.checkHygiene(), 'weak_key', { name: 'KeyError' });
  assertCode(() => verify(new Uint8Array(31), 'm', new Uint8Array(64)), 'invalid_key_length');
  assertCode(() => verify(new Uint8Array(32), 'm', new Uint8Array(63)), 'invalid_signature_length');
  assertCode(() => signEd25519phDigest(keyOf(1), new Uint8Array(32)), 'invalid_digest_length');
});

test('wrong argument types throw invalid_argument TypeErrors', () => {
  const sk = keyOf(1);
  const env = Envelope.create('a.b', {});
  const bad = [
    () => PublicKey.fromBytes('00'.repeat(32)),
    () => PublicKey.fromBytes(new Uint16Array(16)),
    () => PublicKey.fromHex(42),
    () => PublicKey.fromJwk(42),
    () => SecretKey.fromSeed([1, 2, 3]),
    () => sign('not a key', 'm'),
    () => sign(sk.publicKey(), 'm'),
    () => sign(sk, 42),
    () => verify(sk.publicKey(), 'm', new Uint8Array(64)),
    () => sk.publicKey().equals(sk),
    () => env.sign(sk.publicKey(), 's'),
    () => env.sign(sk, 42),
    () => env.sign(sk, 's', 42),
    () => env.verify('0', sk.publicKey()),
    () => env.verify(0.5, sk.publicKey()),
    () => env.verify(-1, sk.publicKey()),
    () => env.attach('s', 'sig', sk.publicKey()),
    () => env.signWith('s', sk.publicKey(), 'not a function'),
    () => env.signWith('s', sk, () => new Uint8Array(64)),
    () => Envelope.create(1, {}),
    () => Envelope.fromJson({}),
    () => SignerRegistry.fromJson(42),
    () => SignerRegistry.fromJson('{"signers":[]}').verifyEnvelope({}, '2026-01-01T00:00:00Z'),
    () => SignerRegistry.fromJson('{"signers":[]}').verifyEnvelope(env, 1767225600),
  ];
  for (const fn of bad) {
    const err = assertCode(fn, 'invalid_argument');
    assert.ok(err instanceof TypeError, err.message);
  }
});

// ---- envelopes ----------------------------------------------------------------

test('envelopes: create, sign, verify, round trip, tampering', () => {
  const sk = keyOf(1);
  const env = Envelope.create('upgrade.applied', { version: '2.4.1', checks: 3, ok: true, note: 'café' });
  assert.equal(env.kind, 'upgrade.applied');
  assert.equal(env.payload, '{"checks":3,"note":"café","ok":true,"version":"2.4.1"}');
  assert.deepEqual(env.signatures, []);
  env.sign(sk, 'kernel-signer');
  env.sign(keyOf(2), 'kms-digest', 'ed25519ph');
  assert.deepEqual(
    env.signatures.map(({ alg, signer, sig }) => [alg, signer, Buffer.from(sig, 'base64').length]),
    [['ed25519', 'kernel-signer', 64], ['ed25519ph', 'kms-digest', 64]],
  );
  assert.equal(env.verify(0, sk.publicKey()), true);
  assert.equal(env.verify(1, keyOf(2).publicKey()), true);
  assert.equal(env.verify(0, keyOf(2).publicKey()), false);
  assertCode(() => env.verify(2, sk.publicKey()), 'no_such_signature', { name: 'EnvelopeError' });

  const text = env.toJson();
  assert.equal(String(env), text);
  const back = Envelope.fromJson(text);
  assert.equal(back.toJson(), text);
  assert.equal(back.verify(0, sk.publicKey()), true);
  assert.deepEqual(JSON.parse(JSON.stringify(env)), JSON.parse(text));
  assert.equal(util.inspect(env), `Envelope { kind: 'upgrade.applied', signatures: ["kernel-signer" (ed25519), "kms-digest" (ed25519ph)] }`);

  // The signing input names kind, signer and algorithm.
  const input = JSON.parse(env.signingInputOf(0).toString());
  assert.deepEqual(Object.keys(input), ['alg', 'kind', 'payload', 'signer', 'type']);
  assert.equal(input.type, 'trustcore.signing-input/v1');
  assert.deepEqual(env.prepare('kernel-signer').signingInput, env.signingInputOf(0));

  // Replayed as another kind, relabelled, or another payload: no longer valid.
  const doc = JSON.parse(text);
  const mutate = (f) => {
    const d = structuredClone(doc);
    f(d);
    return Envelope.fromJson(JSON.stringify(d)).verify(0, sk.publicKey());
  };
  assert.equal(mutate((d) => { d.kind = 'snapshot.manifest'; }), false);
  assert.equal(mutate((d) => { d.signatures[0].signer = 'someone-else'; }), false);
  assert.equal(mutate((d) => { d.signatures[0].alg = 'ed25519ph'; }), false);
  assert.equal(mutate((d) => { d.payload.checks = 4; }), false);
  assert.equal(mutate(() => {}), true);
});

test('envelopes: ed25519ph is its own algorithm (KMS digest mode)', () => {
  const sk = keyOf(3);
  const env = Envelope.fromText('manifest', '{"x": true}');
  const pure = env.prepare('kms', 'ed25519');
  const ph = env.prepare('kms', 'ed25519ph');
  assert.equal(ph.alg, 'ed25519ph');
  assert.equal(pure.message.toString(), pure.signingInput.toString());
  assert.deepEqual(ph.message, crypto.createHash('sha512').update(ph.signingInput).digest());
  assert.notDeepEqual(ph.signingInput, pure.signingInput);
  const sig = signEd25519phDigest(sk, ph.message);
  assert.equal(verifyEd25519phDigest(sk.publicKey().toBytes(), ph.message, sig), true);
  // Pure Ed25519 over the digest is not an Ed25519ph signature.
  assertCode(() => env.attach('kms', sign(sk, ph.message), sk.publicKey(), 'ed25519ph'), 'remote_signature_invalid');
  // An ed25519ph signature is not accepted as ed25519.
  assertCode(() => env.attach('kms', sig, sk.publicKey(), 'ed25519'), 'remote_signature_invalid');
  assert.equal(env.signatures.length, 0);
  env.attach('kms', sig, sk.publicKey(), 'ed25519ph');
  assert.equal(env.verify(0, sk.publicKey()), true);
});

test('envelope errors have names and codes', () => {
  assertCode(() => Envelope.create('a b', {}), 'invalid_kind', { name: 'EnvelopeError' });
  assertCode(() => Envelope.create('', {}), 'invalid_kind');
  assertCode(() => Envelope.create('k', { a: undefined }), 'unsupported_type', { name: 'CanonicalJsonError' });
  assertCode(() => Envelope.create('k', { a: NaN }), 'non_finite_number');
  assertCode(() => Envelope.fromText('k', '{"a":1,"a":2}'), 'duplicate_key', { offset: 7 });
  assertCode(() => Envelope.fromText('k', '["\ud800"]'), 'lone_surrogate', { offset: 2 });
  assertCode(() => Envelope.fromJson('{"type":"trustcore.envelope/v1"'), 'syntax');
  assertCode(() => Envelope.fromJson('{"x":"\ud800"}'), 'lone_surrogate', { offset: 6 });
  const env = Envelope.create('k', {});
  assertCode(() => env.sign(keyOf(1), 's', 'ed448'), 'unsupported_algorithm', { name: 'EnvelopeError' });
  assertCode(() => env.sign(keyOf(1), ''), 'invalid_signer');
  assertCode(() => env.sign(keyOf(1), 'bad\nsigner'), 'invalid_signer');
  // A lone surrogate in a signer id is refused, never replaced by U+FFFD.
  assertCode(() => env.sign(keyOf(1), 'signer-\ud800'), 'lone_surrogate', { name: 'CanonicalJsonError' });
  assertCode(() => env.prepare('signer-\udc00'), 'lone_surrogate');
  assertCode(() => env.attach('s', new Uint8Array(64), keyOf(1).publicKey()), 'remote_signature_invalid');
  assert.equal(env.signatures.length, 0);
});

// ---- remote signers ----------------------------------------------------------

test('signWith: an async KMS signer is awaited and its answer attached', async () => {
  const sk = keyOf(4);
  const env = Envelope.create('upgrade.applied', { version: '2.4.1' });
  const seen = [];
  const kms = async (message) => {
    seen.push(Buffer.from(message));
    await new Promise((resolve) => setTimeout(resolve, 20)); // a real round trip
    return crypto.sign(null, message, crypto.createPrivateKey(sk.exportPem()));
  };
  const pending = env.signWith('kernel-signer', sk.publicKey(), kms);
  assert.ok(pending instanceof Promise);
  assert.equal(env.signatures.length, 0, 'nothing attached before the signer answers');
  assert.equal(await pending, undefined);
  assert.equal(env.signatures.length, 1);
  assert.deepEqual(seen, [env.prepare('kernel-signer').message]);
  assert.equal(env.verify(0, sk.publicKey()), true);

  // DIGEST mode: the signer gets the 64-byte SHA-512 of the signing input.
  await env.signWith('kms-digest', keyOf(5).publicKey(), async (digest) => {
    assert.equal(digest.length, 64);
    return signEd25519phDigest(keyOf(5), digest);
  }, 'ed25519ph');
  assert.deepEqual(env.signatures.map((s) => s.alg), ['ed25519', 'ed25519ph']);
  assert.equal(env.verify(1, keyOf(5).publicKey()), true);
});

test('signWith: sync signers, Uint8Array and ArrayBuffer answers (WebCrypto)', async () => {
  const sk = keyOf(6);
  const env = Envelope.create('k', { n: 1 });
  await env.signWith('sync', sk.publicKey(), (m) => sk.sign(m));
  await env.signWith('u8', sk.publicKey(), (m) => new Uint8Array(sk.sign(m)));
  await env.signWith('ab', sk.publicKey(), (m) => {
    const s = sk.sign(m);
    return s.buffer.slice(s.byteOffset, s.byteOffset + s.length);
  });
  const webKey = await crypto.webcrypto.subtle.importKey(
    'jwk', JSON.parse(sk.exportJwk()), { name: 'Ed25519' }, false, ['sign'],
  );
  await env.signWith('webcrypto', sk.publicKey(), (m) => crypto.webcrypto.subtle.sign('Ed25519', webKey, m));
  assert.deepEqual(env.signatures.map((s) => s.signer), ['sync', 'u8', 'ab', 'webcrypto']);
  for (let i = 0; i < 4; i++) assert.equal(env.verify(i, sk.publicKey()), true);
});

test('signWith: many concurrent remote signatures', async () => {
  const env = Envelope.create('k', { n: 2 });
  const keys = Array.from({ length: 8 }, (_, i) => keyOf(10 + i));
  await Promise.all(keys.map((k, i) =>
    env.signWith(`signer-${i}`, k.publicKey(), async (m) => {
      await new Promise((r) => setTimeout(r, 8 - i));
      return k.sign(m);
    })));
  assert.equal(env.signatures.length, 8);
  for (const [i, s] of env.signatures.entries()) {
    const n = Number(s.signer.slice('signer-'.length));
    assert.equal(env.verify(i, keys[n].publicKey()), true);
  }
});

test('signWith fails closed: rejects with a code and attaches nothing', async () => {
  const sk = keyOf(7);
  const pk = sk.publicKey();
  const env = Envelope.create('upgrade.applied', { version: '2.4.2' });
  const kmsDown = new Error('KMS unavailable');
  kmsDown.code = 'ServiceUnavailableException';

  // The Promise rejects.
  let err = await rejectsWithCode(env.signWith('s', pk, async () => { throw kmsDown; }), 'remote_signer_failed', { name: 'EnvelopeError' });
  assert.equal(err.cause, kmsDown);
  assert.match(err.message, /KMS unavailable/);
  // The function throws synchronously.
  err = await rejectsWithCode(env.signWith('s', pk, () => { throw kmsDown; }), 'remote_signer_failed');
  assert.equal(err.cause, kmsDown);
  // A rejection with a non-Error value: the cause is an Error with its text.
  err = await rejectsWithCode(env.signWith('s', pk, () => Promise.reject('no quota')), 'remote_signer_failed');
  assert.match(err.message, /no quota/);
  assert.ok(err.cause instanceof Error);
  // Another key's signature, garbage, a wrong length.
  const other = keyOf(8);
  await rejectsWithCode(env.signWith('s', pk, async (m) => other.sign(m)), 'remote_signature_invalid', { name: 'EnvelopeError' });
  await rejectsWithCode(env.signWith('s', pk, async () => new Uint8Array(64)), 'remote_signature_invalid');
  await rejectsWithCode(env.signWith('s', pk, async (m) => sk.sign(m).subarray(0, 63)), 'remote_signature_invalid');
  // A signature for another signer id (the signer id is inside the signed bytes).
  const forOther = env.prepare('t').message;
  await rejectsWithCode(env.signWith('s', pk, () => sk.sign(forOther)), 'remote_signature_invalid');
  // Not bytes: a typed error.
  for (const answer of ['c2ln', 42, null, undefined, { signature: 'x' }, [1, 2], new Uint16Array(32)]) {
    const e = await rejectsWithCode(env.signWith('s', pk, async () => answer), 'invalid_argument');
    assert.ok(e instanceof TypeError);
    await rejectsWithCode(env.signWith('s', pk, () => answer), 'invalid_argument');
  }
  assert.deepEqual(env.signatures, [], 'never an unsigned or unverified record');
  // Bad arguments are refused before the signer is called.
  let called = false;
  assert.throws(() => env.signWith('', pk, () => { called = true; }), { code: 'invalid_signer' });
  assert.throws(() => env.signWith('s', pk, () => { called = true; }, 'rsa'), { code: 'unsupported_algorithm' });
  assert.equal(called, false);
});

// ---- registry and approvals --------------------------------------------------

test('registry: load, look up, verify envelopes at a time, JWKS', () => {
  const kernel = keyOf(20);
  const kms = keyOf(21);
  const reg = SignerRegistry.fromJson(signersFile([
    { signerId: 'kernel-signer', publicKey: kernel.publicKey().toBase64(), validFrom: '2026-01-01T00:00:00Z', validUntil: '2026-07-01T00:00:00Z' },
    { signerId: 'kms-digest', publicKey: kms.publicKey().toBase64(), algorithm: 'ed25519ph' },
  ]));
  assert.deepEqual(reg.signerIds(), ['kernel-signer', 'kms-digest']);
  assert.equal(reg.size, 2);
  // The signers-file entry, as the core writes it (algorithm only when not
  // ed25519).
  const rec = reg.get('kernel-signer');
  assert.deepEqual(rec, { signerId: 'kernel-signer', publicKey: kernel.publicKey().toBase64(), validFrom: '2026-01-01T00:00:00Z', validUntil: '2026-07-01T00:00:00Z' });
  assert.ok(PublicKey.fromBase64(rec.publicKey).equals(kernel.publicKey()));
  assert.equal('revokedAt' in rec, false);
  assert.equal(reg.get('kms-digest').algorithm, 'ed25519ph');
  assert.equal(reg.get('nobody'), null);
  assert.equal(util.inspect(reg), 'SignerRegistry { signers: ["kernel-signer", "kms-digest"] }');

  assert.ok(reg.keyFor('kernel-signer', '2026-03-01T00:00:00Z').equals(kernel.publicKey()));
  assert.ok(reg.keyFor('kernel-signer', new Date('2026-03-01T00:00:00Z')).equals(kernel.publicKey()));
  assert.ok(reg.keyFor('kms-digest', '2026-03-01T00:00:00Z', 'ed25519ph').equals(kms.publicKey()));
  assertCode(() => reg.keyFor('kernel-signer', '2025-12-31T23:59:59Z'), 'signer_not_yet_valid', { name: 'RegistryError' });
  assertCode(() => reg.keyFor('kernel-signer', '2026-07-01T00:00:00Z'), 'signer_expired');
  assertCode(() => reg.keyFor('kms-digest', '2026-03-01T00:00:00Z'), 'algorithm_mismatch');
  assertCode(() => reg.keyFor('nobody', '2026-03-01T00:00:00Z'), 'unknown_signer');
  assertCode(() => reg.keyFor('kernel-signer', '2026-03-01 00:00:00Z'), 'invalid_timestamp', { name: 'TimestampError', offset: 10 });
  // #15 finding 8: an invalid Date is the core's TimestampError, not a code-less RangeError.
  assertCode(() => reg.keyFor('kernel-signer', new Date(NaN)), 'invalid_timestamp', { name: 'TimestampError' });
  // A Date's own time value counts, not a toISOString put on it.
  const d = new Date('2026-03-01T00:00:00Z');
  d.toISOString = () => '1999-01-01T00:00:00Z';
  assert.ok(reg.keyFor('kernel-signer', d).equals(kernel.publicKey()));

  const env = Envelope.create('upgrade.applied', { version: '2.4.1' });
  env.sign(kernel, 'kernel-signer');
  env.sign(kms, 'kms-digest', 'ed25519ph');
  assert.deepEqual(reg.verifyEnvelope(env, '2026-03-01T00:00:00Z'), {
    valid: true,
    signatures: [
      { index: 0, signer: 'kernel-signer', alg: 'ed25519', valid: true },
      { index: 1, signer: 'kms-digest', alg: 'ed25519ph', valid: true },
    ],
  });
  const late = reg.verifyEnvelope(env, '2026-08-01T00:00:00Z');
  assert.equal(late.valid, false);
  assert.equal(late.signatures[0].reason, 'signer_expired');
  assert.equal(late.signatures[1].valid, true);
  const unsigned = reg.verifyEnvelope(Envelope.create('k', {}), '2026-03-01T00:00:00Z');
  assert.deepEqual(unsigned, { valid: false, signatures: [] });

  // JWKS out and back.
  const jwks = JSON.parse(reg.toJwks());
  assert.deepEqual(jwks.keys.map((k) => k.kid), ['kernel-signer', 'kms-digest']);
  assert.equal(SignerRegistry.fromJwks(reg.toJwks()).toJson(), reg.toJson());
  assert.equal(SignerRegistry.fromJson(Buffer.from(reg.toJson())).toJson(), reg.toJson());

  // Keys are checked where they enter.
  assertCode(() => SignerRegistry.fromJson(signersFile([{ signerId: 'w', publicKey: Buffer.from('01' + '00'.repeat(31), 'hex').toString('base64') }])), 'invalid_public_key', { name: 'RegistryError' });
  assertCode(() => SignerRegistry.fromJson(signersFile([{ signerId: 'x', publicKey: kernel.publicKey().toBase64(), validUntill: '2027-01-01T00:00:00Z' }])), 'invalid_registry');
  assertCode(() => SignerRegistry.fromJwks(JSON.stringify({ keys: [JSON.parse(kernel.exportJwk('k'))] })), 'invalid_registry');
});

test('registry: a rotation signed by the old and the new key', () => {
  const oldKey = keyOf(30);
  const newKey = keyOf(31);
  const reg = SignerRegistry.fromJson(signersFile([
    { signerId: 'kernel-signer', publicKey: oldKey.publicKey().toBase64(), validFrom: '2026-01-01T00:00:00Z' },
  ]));
  const rotation = Envelope.create(ROTATION_KIND, {
    previous: 'kernel-signer',
    next: { signerId: 'kernel-signer-2', publicKey: newKey.publicKey().toBase64(), validFrom: '2026-06-01T00:00:00Z' },
    previousValidUntil: '2026-07-01T00:00:00Z',
    rotatedAt: '2026-06-01T00:00:00Z',
  });
  assert.equal(ROTATION_KIND, 'trustcore.signer-rotation');
  rotation.sign(oldKey, 'kernel-signer');
  assertCode(() => reg.verifyRotation(rotation), 'invalid_rotation', { name: 'RegistryError' });
  rotation.sign(newKey, 'kernel-signer-2');
  const checked = reg.verifyRotation(rotation);
  assert.equal(reg.size, 1, 'verifyRotation changes nothing');
  assert.equal(checked.previous, 'kernel-signer');
  assert.equal(checked.next.signerId, 'kernel-signer-2');
  assert.equal(checked.next.publicKey, newKey.publicKey().toBase64());
  assert.equal(checked.next.rotatedFrom, 'kernel-signer');
  const applied = reg.applyRotation(rotation);
  assert.equal(applied.previousValidUntil, '2026-07-01T00:00:00Z');
  assert.deepEqual(reg.signerIds(), ['kernel-signer', 'kernel-signer-2']);
  assert.equal(reg.get('kernel-signer').validUntil, '2026-07-01T00:00:00Z');
  assertCode(() => reg.keyFor('kernel-signer', '2026-07-01T00:00:00Z'), 'signer_expired');
  assert.ok(reg.keyFor('kernel-signer-2', '2026-07-01T00:00:00Z').equals(newKey.publicKey()));
});

test('approvals: k-of-n distinct approvers', () => {
  const keys = [40, 41, 42, 43].map(keyOf);
  const reg = SignerRegistry.fromJson(signersFile(keys.map((k, i) => ({ signerId: `approver-${i + 1}`, publicKey: k.publicKey().toBase64() }))));
  const set = ApprovalSet.fromJson(JSON.stringify({ name: 'upgrade-approvers', threshold: 2, signers: ['approver-1', 'approver-2', 'approver-3'], kind: 'upgrade.applied' }));
  assert.equal(set.name, 'upgrade-approvers');
  assert.equal(set.threshold, 2);
  assert.equal(util.inspect(set), 'ApprovalSet { name: "upgrade-approvers", threshold: 2 }');
  const env = Envelope.create('upgrade.applied', { version: '2.4.1' });
  env.sign(keys[0], 'approver-1');
  env.sign(keys[0], 'approver-1');
  env.sign(keys[3], 'approver-4');
  let report = set.verify(env, reg, '2026-03-01T00:00:00Z');
  assert.equal(report.approved, false);
  assert.deepEqual(report.approvers, ['approver-1']);
  assert.deepEqual(report.signatures.map((s) => s.reason ?? null), [null, 'duplicate_signer', 'not_in_set']);
  env.sign(keys[2], 'approver-3');
  report = set.verify(env, reg, new Date('2026-03-01T00:00:00Z'));
  assert.deepEqual(
    { set: report.set, threshold: report.threshold, approved: report.approved, approvers: report.approvers },
    { set: 'upgrade-approvers', threshold: 2, approved: true, approvers: ['approver-1', 'approver-3'] },
  );
  const other = Envelope.create('snapshot.manifest', {});
  other.sign(keys[0], 'approver-1');
  assert.equal(set.verify(other, reg, '2026-03-01T00:00:00Z').signatures[0].reason, 'wrong_kind');
  assertCode(() => ApprovalSet.fromJson('{"name":"x","threshold":3,"signers":["a","b"]}'), 'invalid_approval_set', { name: 'RegistryError' });
  assertCode(() => ApprovalSet.fromJson('{"name":"x","threshold":1,"signers":["a","a"]}'), 'invalid_approval_set');
});
