// The verifying side of signing through the Node build (pkg-node): every
// verify-side section of test-vectors/signing.json, the third-party Ed25519
// vectors against Go's verdicts, and the binding's own argument and error
// behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { api, loadVectors } from './load.mjs';
import { assertThrows, hexToBytes } from './vector-cases.mjs';
import { base64ToBytes, controlPanelChecks, signingChecks } from './signing-cases.mjs';

const { PublicKey, Envelope, SignerRegistry, ApprovalSet } = api;
const vectors = loadVectors('signing.json');

// ---------------------------------------------------------------------------
// Shared vectors
// ---------------------------------------------------------------------------

for (const { id, run } of [...signingChecks(api, vectors), ...controlPanelChecks(api, vectors)]) {
  test(id, run);
}

test('signing.json: every verify-side section was run', () => {
  const ids = signingChecks(api, vectors).map((c) => c.id.split(' ')[1]);
  const count = (section) => ids.filter((s) => s === section).length;
  for (const section of ['keys', 'verify', 'envelopes', 'envelopeErrors', 'registryLoad', 'jwks',
    'lookups', 'verifications', 'rotations', 'approvals']) {
    assert.equal(count(section), vectors[section].length, section);
    assert.ok(count(section) > 0, section);
  }
  const publicKeyErrors = vectors.keyErrors.filter((c) => c.key === 'public');
  assert.equal(count('keyErrors'), publicKeyErrors.length);
});

// ---------------------------------------------------------------------------
// Third-party Ed25519 vectors (../shared/vectors/ed25519)
// ---------------------------------------------------------------------------

const sharedDir = new URL('../../../shared/vectors/ed25519/', import.meta.url);

function shared(name) {
  const url = new URL(name, sharedDir);
  if (!existsSync(url)) {
    console.log(`NOTE: ${fileURLToPath(url)} is absent; these third-party vectors were not run`);
    return undefined;
  }
  return readFileSync(url, 'utf8');
}

/** The raw verdict, with wrong lengths counted as false (as verdicts.json does). */
function verdict(pk, msg, sig) {
  try {
    return api.verify(hexToBytes(pk), hexToBytes(msg), hexToBytes(sig));
  } catch (e) {
    if (e.code === 'invalid_key_length' || e.code === 'invalid_signature_length') return false;
    throw e;
  }
}

test('third-party: 1,077 speccheck + Wycheproof + CCTV verdicts equal Go crypto/ed25519', (t) => {
  const text = shared('all_normalized.json');
  if (text === undefined) {
    t.skip('../shared/vectors absent');
    return;
  }
  const cases = JSON.parse(text);
  const go = new Map(loadVectors('ed25519/verdicts.json').cases.map((c) => [c.id, c.go]));
  assert.equal(cases.length, 1077);
  const differ = [];
  for (const c of cases) {
    assert.equal(typeof go.get(c.id), 'boolean', `verdicts.json has no go verdict for ${c.id}`);
    if (verdict(c.pk, c.msg, c.sig) !== go.get(c.id)) differ.push(c.id);
  }
  assert.deepEqual(differ, [], 'cases where the wasm verdict differs from Go');
});

test('third-party: RFC 8032 / SUPERCOP signatures verify (and fail when changed)', (t) => {
  const text = shared('rfc8032_sign.input');
  if (text === undefined) {
    t.skip('../shared/vectors absent');
    return;
  }
  const lines = text.split('\n').filter((l) => l.length > 0);
  assert.ok(lines.length >= 128, `${lines.length} lines`);
  for (const [n, line] of lines.entries()) {
    const [skPk, pk, msg, sigMsg] = line.split(':');
    assert.equal(skPk.slice(64), pk, `line ${n}: key pair`);
    const sig = hexToBytes(sigMsg.slice(0, 128));
    assert.equal(sigMsg.slice(128), msg, `line ${n}: sig||msg`);
    const key = PublicKey.fromHex(pk);
    key.checkHygiene();
    assert.equal(api.verify(hexToBytes(pk), hexToBytes(msg), sig), true, `line ${n}`);
    const other = hexToBytes(msg.length > 0 ? msg : '00');
    other[0] ^= msg.length > 0 ? 1 : 0; // '00' vs the empty message
    assert.equal(api.verify(hexToBytes(pk), other, sig), false, `line ${n}: changed message`);
    key.free();
  }
});

// ---------------------------------------------------------------------------
// Behaviour and errors
// ---------------------------------------------------------------------------

const k1 = vectors.keys[0];
const main = vectors.registries.main;
const inWindow = vectors.verifications.find((c) => c.id === 'verify/in-window');
const typeError = { name: 'TypeError', code: 'invalid_argument' };

/** Asserts a TypeError with code invalid_argument (no `[code]` in the message). */
function assertTypeError(fn, what) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof TypeError, `${what}: ${e}`);
    assert.equal(e.code, 'invalid_argument', what);
    return true;
  }, what);
}

test('verify: strings are verified as UTF-8, wrong lengths throw KeyError with a code', () => {
  const c = vectors.verify.find((v) => v.id === 'verify/valid');
  const pk = hexToBytes(c.publicKey);
  const sig = hexToBytes(c.signature);
  const message = new TextDecoder().decode(hexToBytes(c.message));
  assert.equal(api.verify(pk, message, sig), true);
  assert.equal(api.verify(pk, Buffer.from(message), sig), true, 'a Buffer is a Uint8Array');
  assert.equal(api.verify(pk, `${message}!`, sig), false);
  const e = assertThrows(() => api.verify(pk.subarray(1), message, sig),
    { name: 'KeyError', code: 'invalid_key_length' }, 'short key');
  assert.match(e.message, /32 bytes/);
  assertThrows(() => api.verify(pk, message, sig.subarray(1)),
    { name: 'KeyError', code: 'invalid_signature_length' }, 'short signature');
  assertThrows(() => api.verify(pk, 'a\uD800', sig), { name: 'CanonicalJsonError', code: 'lone_surrogate' }, 'lone surrogate');
  assertTypeError(() => api.verify(c.publicKey, message, sig), 'hex string as key');
  assertTypeError(() => api.verify(pk, 42, sig), 'number message');
  assertTypeError(() => api.verify(pk, message, [1, 2]), 'array signature');
});

test('PublicKey: import errors carry name KeyError and a code; wrong types are TypeErrors', () => {
  assertThrows(() => PublicKey.fromBytes(new Uint8Array(31)), { name: 'KeyError', code: 'invalid_key_length' }, '31 bytes');
  assertThrows(() => PublicKey.fromBase64('not base64!'), { name: 'KeyError', code: 'invalid_key_encoding' }, 'base64');
  assertThrows(() => PublicKey.fromPem('-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n'),
    { name: 'KeyError', code: 'invalid_key_encoding' }, 'pem');
  assertThrows(() => PublicKey.fromDer(new Uint8Array([0x30, 0x00])), { name: 'KeyError', code: 'invalid_key_encoding' }, 'der');
  assertThrows(() => PublicKey.fromJwk({ kty: 'OKP', crv: 'Ed448', x: 'AA' }), { name: 'KeyError', code: 'invalid_key_encoding' }, 'jwk object');
  assertThrows(() => PublicKey.fromJwk({ kty: 'OKP', x: undefined }), { name: 'CanonicalJsonError', code: 'unsupported_type' }, 'jwk with undefined');
  assertTypeError(() => PublicKey.fromBytes(k1.publicKey.hex), 'string to fromBytes');
  assertTypeError(() => PublicKey.fromHex(hexToBytes(k1.publicKey.hex)), 'bytes to fromHex');
  assertTypeError(() => PublicKey.fromJwk(42), 'number to fromJwk');
  assertTypeError(() => PublicKey.fromJwk(new Uint8Array(32)), 'bytes to fromJwk');
  const key = PublicKey.fromHex(k1.publicKey.hex);
  assertTypeError(() => key.toJwk(7), 'kid number');
  assertTypeError(() => key.equals(k1.publicKey.hex), 'equals(string)');
  assert.equal(key.toJwk(undefined), key.toJwk(null));
  assert.equal(String(key), `PublicKey(${k1.publicKey.base64})`);
  // A weak key imports (raw verify has no hygiene) but checkHygiene refuses it.
  const identity = PublicKey.fromHex(`01${'00'.repeat(31)}`);
  assertThrows(() => identity.checkHygiene(), { name: 'KeyError', code: 'weak_key' }, 'identity');
});

test('Envelope: create, signatures, toJSON, errors', () => {
  const env = Envelope.create('upgrade.applied', { version: '2.4.1', checks: 3 });
  assert.equal(env.kind, 'upgrade.applied');
  assert.equal(env.payload, '{"checks":3,"version":"2.4.1"}');
  assert.deepEqual(env.signatures, []);
  assert.equal(env.toJson(), '{"kind":"upgrade.applied","payload":{"checks":3,"version":"2.4.1"},"signatures":[],"type":"trustcore.envelope/v1"}');
  assert.deepEqual(JSON.parse(JSON.stringify(env)), JSON.parse(env.toJson()));
  assert.equal(String(env), env.toJson());
  assertThrows(() => Envelope.create('has space', {}), { name: 'EnvelopeError', code: 'invalid_kind' }, 'kind');
  assertThrows(() => Envelope.create('k', { a: new Date(0) }), { name: 'CanonicalJsonError', code: 'unsupported_type' }, 'Date payload');
  assertThrows(() => Envelope.fromText('k', '{"a":1,"a":2}'), { name: 'CanonicalJsonError', code: 'duplicate_key', offset: 7 }, 'duplicate');
  assertThrows(() => Envelope.fromText('k', '"\uD800"'), { name: 'CanonicalJsonError', code: 'lone_surrogate' }, 'lone surrogate text');
  assertThrows(() => Envelope.fromJson('{"kind":"\uDC00"}'), { code: 'lone_surrogate' }, 'lone surrogate envelope');
  assertThrows(() => env.prepare('signer\u0000', 'ed25519'), { name: 'EnvelopeError', code: 'invalid_signer' }, 'signer');
  assertThrows(() => env.prepare('s', 'EdDSA'), { name: 'EnvelopeError', code: 'unsupported_algorithm' }, 'alg');
  assertTypeError(() => env.prepare('s', 1), 'alg number');
  assertTypeError(() => env.prepare(1), 'signer number');
  assertThrows(() => env.signingInputOf(0), { name: 'EnvelopeError', code: 'no_such_signature' }, 'no signature');
  assertTypeError(() => env.signingInputOf(-1), 'negative index');
  assertTypeError(() => env.signingInputOf(1.5), 'fractional index');
  assertTypeError(() => env.signingInputOf('0'), 'string index');
  // The default algorithm is ed25519.
  assert.equal(env.prepare('s').alg, 'ed25519');
});

test('Envelope.attach fails closed and leaves the envelope unchanged', () => {
  const c = vectors.envelopes.find((e) => e.id === 'envelope/basic');
  const key = PublicKey.fromHex(vectors.keys.find((k) => k.id === c.key).publicKey.hex);
  const other = PublicKey.fromHex(vectors.keys.find((k) => k.id !== c.key).publicKey.hex);
  const sig = base64ToBytes(JSON.parse(c.envelope).signatures[0].sig);
  const env = Envelope.fromText(c.kind, c.payload);
  assertThrows(() => env.attach(c.signer, sig, other), { name: 'EnvelopeError', code: 'remote_signature_invalid' }, 'wrong key');
  assertThrows(() => env.attach(c.signer, sig.subarray(0, 63), key), { name: 'EnvelopeError', code: 'remote_signature_invalid' }, 'short');
  assertThrows(() => env.attach(`${c.signer}-x`, sig, key), { name: 'EnvelopeError', code: 'remote_signature_invalid' }, 'relabelled signer');
  assertThrows(() => env.attach(c.signer, sig, key, 'ed25519ph'), { name: 'EnvelopeError', code: 'remote_signature_invalid' }, 'other alg');
  assert.equal(env.signatures.length, 0);
  assertTypeError(() => env.attach(c.signer, sig, key.toBytes()), 'bytes as expectedPublicKey');
  env.attach(c.signer, sig, key);
  assert.equal(env.toJson(), c.envelope);
  assert.equal(env.verify(0, key), true);
  assert.equal(env.verify(0, other), false);
  assertTypeError(() => env.verify(0, {}), 'object as publicKey');
});

test('SignerRegistry: get, keyFor (string or Date), errors', () => {
  const registry = SignerRegistry.fromJson(main);
  const info = registry.get('kms-digest');
  assert.equal(info.signerId, 'kms-digest');
  assert.equal(info.algorithm, 'ed25519ph');
  assert.ok(info.publicKey instanceof PublicKey);
  assert.equal(info.validFrom, undefined);
  const kernel = registry.get('kernel-signer');
  assert.equal(kernel.algorithm, 'ed25519');
  assert.equal(kernel.validFrom, '2026-01-01T00:00:00Z');
  assert.equal(kernel.validUntil, '2026-07-01T00:00:00Z');
  assert.equal(registry.get('revoked-signer').revokedAt, '2026-03-01T00:00:00Z');
  assert.equal(registry.get('nobody'), null);
  assert.ok(registry.keyFor('kernel-signer', new Date('2026-03-01T00:00:00Z')).equals(kernel.publicKey));
  assertThrows(() => registry.keyFor('kernel-signer', new Date('2026-07-01T00:00:00Z')),
    { name: 'RegistryError', code: 'signer_expired' }, 'Date after the window');
  assertThrows(() => registry.keyFor('kms-digest', '2026-03-01T00:00:00Z'),
    { name: 'RegistryError', code: 'algorithm_mismatch' }, 'default alg is ed25519');
  // An invalid Date is the core's TimestampError for its text (#15 finding 8).
  assertThrows(() => registry.keyFor('kernel-signer', new Date(NaN)),
    { name: 'TimestampError', code: 'invalid_timestamp' }, 'invalid Date');
  assertThrows(() => registry.keyFor('kernel-signer', new Date(8.64e15)),
    { name: 'TimestampError', code: 'invalid_timestamp' }, 'a Date beyond RFC 3339 years');
  // Only a real Date is a Date: an object pretending to be one is a TypeError.
  assertTypeError(() => registry.keyFor('kernel-signer', Object.create(Date.prototype)), 'fake Date');
  assertTypeError(() => registry.keyFor('kernel-signer', new Proxy(new Date(), {})), 'Proxy of a Date');
  class Later extends Date { toISOString() { return '2099-01-01T00:00:00Z'; } }
  assert.ok(registry.keyFor('kernel-signer', new Later('2026-03-01T00:00:00Z')).equals(kernel.publicKey), 'own toISOString ignored');
  const te = assertThrows(() => registry.keyFor('kernel-signer', '2026-03-01'),
    { name: 'TimestampError', code: 'invalid_timestamp' }, 'date only');
  assert.equal(typeof te.offset, 'number');
  assertThrows(() => registry.verifyEnvelope(Envelope.fromJson(inWindow.envelope), '2026-03-01T00:00:00+01:00'),
    { name: 'TimestampError', code: 'invalid_timestamp' }, 'offset timestamp');
  assertTypeError(() => registry.keyFor('kernel-signer', 1767225600000), 'epoch number');
  assertTypeError(() => registry.verifyEnvelope(inWindow.envelope, inWindow.at), 'envelope text instead of an Envelope');
  assertThrows(() => SignerRegistry.fromJson('{"signers":[]} x'), { name: 'CanonicalJsonError', code: 'trailing_data', offset: 15 }, 'trailing');
  const privateJwk = JSON.parse(vectors.keys[0].secretKey.jwk);
  assertThrows(() => SignerRegistry.fromJwks(JSON.stringify({ keys: [{ ...privateJwk, kid: 'a' }] })),
    { name: 'RegistryError', code: 'invalid_registry' }, 'a private JWK never lands in a registry');
  assertThrows(() => SignerRegistry.fromJson('{"signers":[{"signerId":"a","publicKey":"AA=="}]}'),
    { name: 'RegistryError', code: 'invalid_public_key' }, 'short key');
  // Either form through one call, told apart by the core.
  const fromMain = SignerRegistry.fromJson(main);
  assert.equal(SignerRegistry.fromDocument(main).toJson(), fromMain.toJson(), 'a signers file');
  assert.equal(SignerRegistry.fromDocument(fromMain.toJwks()).toJson(), fromMain.toJson(), 'a JWKS');
  assertThrows(() => SignerRegistry.fromDocument(JSON.stringify({ keys: [{ ...privateJwk, kid: 'a' }] })),
    { name: 'RegistryError', code: 'invalid_registry' }, 'a private JWK, as a JWKS');
  assertThrows(() => SignerRegistry.fromDocument('{"signers":[]} x'), { name: 'CanonicalJsonError', code: 'trailing_data', offset: 15 }, 'not JSON: the signers file error');
});

test('verifyEnvelope: report objects, Date times, tampering and unknown signers', () => {
  const registry = SignerRegistry.fromJson(main);
  const envelope = Envelope.fromJson(inWindow.envelope);
  const report = registry.verifyEnvelope(envelope, new Date(inWindow.at));
  assert.deepEqual(report, inWindow.expected);
  assert.equal(Object.getPrototypeOf(report), Object.prototype, 'a plain object');
  // Outside the window the same signature does not count.
  const late = registry.verifyEnvelope(envelope, '2026-07-01T00:00:00Z');
  assert.equal(late.valid, false);
  assert.equal(late.signatures[0].reason, 'signer_expired');
  // Tampered payload / relabelled signer.
  const doc = JSON.parse(inWindow.envelope);
  const tampered = { ...doc, payload: { ...doc.payload, version: '9.9.9' } };
  const bad = registry.verifyEnvelope(Envelope.fromJson(JSON.stringify(tampered)), inWindow.at);
  assert.deepEqual(bad.signatures.map((s) => s.reason), ['invalid_signature']);
  const relabelled = { ...doc, signatures: [{ ...doc.signatures[0], signer: 'approver-1' }] };
  const other = registry.verifyEnvelope(Envelope.fromJson(JSON.stringify(relabelled)), inWindow.at);
  assert.deepEqual(other.signatures.map((s) => s.reason), ['invalid_signature']);
  const unknown = { ...doc, signatures: [{ ...doc.signatures[0], signer: 'nobody' }] };
  assert.deepEqual(registry.verifyEnvelope(Envelope.fromJson(JSON.stringify(unknown)), inWindow.at).signatures[0],
    { index: 0, signer: 'nobody', alg: 'ed25519', valid: false, reason: 'unknown_signer' });
  // No signatures: not valid.
  assert.deepEqual(registry.verifyEnvelope(Envelope.create('k', {}), inWindow.at), { valid: false, signatures: [] });
});

test('ApprovalSet: getters, errors, wrong argument types', () => {
  const c = vectors.approvals[0];
  const set = ApprovalSet.fromJson(c.set);
  assert.equal(set.name, 'upgrade-approvers');
  assert.equal(set.threshold, 3);
  assertThrows(() => ApprovalSet.fromJson('{"name":"x","threshold":2,"signers":["a"]}'),
    { name: 'RegistryError', code: 'invalid_approval_set' }, 'threshold above n');
  assertThrows(() => ApprovalSet.fromJson('{"name":"x","threshold":1,"signers":["a","a"]}'),
    { name: 'RegistryError', code: 'invalid_approval_set' }, 'listed twice');
  const registry = SignerRegistry.fromJson(vectors.registries[c.registry]);
  const envelope = Envelope.fromJson(c.envelope);
  assertTypeError(() => set.verify(registry, envelope, c.at), 'arguments swapped');
  assertTypeError(() => set.verify(envelope, registry, undefined), 'no time');
  assert.deepEqual(set.verify(envelope, registry, c.at), c.expected);
});

test('rotation: applyRotation changes the registry; keys of the new signer resolve', () => {
  const c = vectors.rotations.find((r) => r.id === 'rotation/good');
  const registry = SignerRegistry.fromJson(vectors.registries[c.registry]);
  const rotation = registry.applyRotation(Envelope.fromJson(c.envelope));
  assert.equal(rotation.previous, 'kernel-signer');
  assert.equal(rotation.next.signerId, 'kernel-signer-2');
  assert.ok(registry.keyFor('kernel-signer-2', '2026-06-15T00:00:00Z').equals(rotation.next.publicKey));
  assert.equal(registry.toJson(), c.after);
  assertThrows(() => registry.verifyRotation(Envelope.create('upgrade.applied', {})),
    { name: 'RegistryError', code: 'invalid_rotation' }, 'not a rotation record');
});

test('a call that throws leaves the module usable', () => {
  for (let i = 0; i < 200; i++) {
    assert.throws(() => Envelope.fromJson('{'), { code: 'syntax' });
    assert.throws(() => PublicKey.fromHex('zz'), { code: 'invalid_key_encoding' });
  }
  const registry = SignerRegistry.fromJson(main);
  assert.equal(registry.verifyEnvelope(Envelope.fromJson(inWindow.envelope), inWindow.at).valid, true);
});
