// The verify-side checks of test-vectors/signing.json, written once for
// Node's test runner (test/signing.test.mjs) and the browser page
// (test/browser/). Environment-neutral: no Node modules, only TextEncoder,
// TextDecoder and atob.
//
// The module has no secret keys (see README "Signing"), so the secret-key
// forms of `keys`, the secret cases of `keyErrors` and the `sign` section
// are not run here; envelopes are rebuilt with `prepare` and the vector's
// own signature is attached through `attach`, which verifies it first.
//
// Each builder returns `[{ id, run }]`; `run()` throws on a mismatch.
import { assertThrows, hexToBytes } from './vector-cases.mjs';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function base64ToBytes(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function fail(what, actual, expected) {
  throw new Error(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

export function assertEqual(actual, expected, what) {
  if (actual !== expected) fail(what, actual, expected);
}

function assertBytes(actual, expectedHex, what) {
  if (!(actual instanceof Uint8Array)) {
    throw new Error(`${what}: expected a Uint8Array, got ${Object.prototype.toString.call(actual)}`);
  }
  assertEqual(bytesToHex(actual), expectedHex, what);
}

/** JSON values equal, member order free (what the vectors' reports mean). */
export function sameJson(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(b)) {
    return false;
  }
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return sameJson(ka, kb) && ka.every((k) => sameJson(a[k], b[k]));
}

export function assertSameJson(actual, expected, what) {
  if (!sameJson(actual, expected)) fail(what, actual, expected);
}

/** Asserts `fn` throws an Error with `code` (and `name` when given). */
function assertCode(fn, code, what, name) {
  return assertThrows(fn, { code, name }, what);
}

/** Frees wasm-bindgen objects made by a check (they would be collected anyway). */
function using(objects, fn) {
  try {
    return fn();
  } finally {
    for (const o of objects) o?.free?.();
  }
}

/** Checks for every verify-side section of signing.json. */
export function signingChecks(api, file) {
  if (!file || file.format !== 'trustcore-vectors/signing') {
    throw new Error('vector file is not trustcore-vectors/signing');
  }
  const { PublicKey, Envelope, SignerRegistry, ApprovalSet } = api;
  const keys = Object.fromEntries(file.keys.map((k) => [k.id, k]));
  const registryText = (name) => {
    const text = file.registries[name];
    if (typeof text !== 'string') throw new Error(`unknown registry ${name}`);
    return text;
  };
  const checks = [];
  const add = (id, run) => checks.push({ id: `signing ${id}`, run });

  for (const k of file.keys) {
    add(`keys ${k.id}`, () => {
      const pub = k.publicKey;
      const imported = [
        ['bytes', PublicKey.fromBytes(hexToBytes(pub.hex))],
        ['hex', PublicKey.fromHex(pub.hex)],
        ['base64', PublicKey.fromBase64(pub.base64)],
        ['pem', PublicKey.fromPem(pub.spkiPem)],
        ['jwk', PublicKey.fromJwk(pub.jwk)],
        ['jwk object', PublicKey.fromJwk(JSON.parse(pub.jwk))],
        ['private jwk (public half)', PublicKey.fromJwk(k.secretKey.jwk)],
      ];
      const first = imported[0][1];
      imported.push(['der', PublicKey.fromDer(first.toDer())]);
      using(imported.map(([, key]) => key), () => {
        for (const [form, key] of imported) {
          assertEqual(key.toHex(), pub.hex, `import from ${form}`);
          if (!key.equals(first)) throw new Error(`${form}: equals() is false`);
          key.checkHygiene();
        }
        assertBytes(first.toBytes(), pub.hex, 'toBytes');
        assertEqual(first.toBase64(), pub.base64, 'toBase64');
        assertEqual(first.toPem(), pub.spkiPem, 'toPem');
        assertEqual(first.toJwk(), pub.jwk, 'toJwk');
        const withKid = JSON.parse(first.toJwk('kid-1'));
        assertSameJson(withKid, { ...JSON.parse(pub.jwk), kid: 'kid-1' }, 'toJwk(kid)');
        assertEqual(JSON.stringify({ k: first }), JSON.stringify({ k: pub.base64 }), 'toJSON');
      });
    });
  }

  const importers = {
    hex: (input) => PublicKey.fromHex(input),
    base64: (input) => PublicKey.fromBase64(input),
    pem: (input) => PublicKey.fromPem(input),
    jwk: (input) => PublicKey.fromJwk(input),
  };
  for (const c of file.keyErrors) {
    if (c.key !== 'public') continue; // no secret keys in this module
    add(`keyErrors ${c.id}`, () => {
      if (c.format === 'hygiene') {
        const key = PublicKey.fromHex(c.input);
        using([key], () => assertCode(() => key.checkHygiene(), c.error, c.description, 'KeyError'));
        return;
      }
      const importer = importers[c.format];
      if (!importer) throw new Error(`unknown key format ${c.format}`);
      assertCode(() => importer(c.input), c.error, c.description, 'KeyError');
    });
  }

  for (const c of file.verify) {
    add(`verify ${c.id}`, () => {
      const args = [hexToBytes(c.publicKey), hexToBytes(c.message), hexToBytes(c.signature)];
      if (c.error) {
        assertCode(() => api.verify(...args), c.error, c.description, 'KeyError');
        return;
      }
      assertEqual(api.verify(...args), c.valid, c.description);
    });
  }

  for (const c of file.envelopes) {
    add(`envelopes ${c.id}`, () => {
      const key = PublicKey.fromHex(keys[c.key].publicKey.hex);
      const built = Envelope.fromText(c.kind, c.payload);
      const parsed = Envelope.fromJson(c.envelope);
      using([key, built, parsed], () => {
        assertEqual(built.kind, c.kind, 'kind');
        const prepared = built.prepare(c.signer, c.alg);
        assertEqual(fromUtf8.decode(prepared.signingInput), c.signingInput, 'prepare().signingInput');
        assertBytes(prepared.message, c.message, 'prepare().message');
        assertEqual(prepared.alg, c.alg, 'prepare().alg');
        assertEqual(prepared.signer, c.signer, 'prepare().signer');
        // Parse the vector's envelope and verify signature 0.
        assertEqual(parsed.kind, c.kind, 'parsed kind');
        assertEqual(parsed.payload, built.payload, 'parsed payload is the canonical payload');
        assertEqual(parsed.signatures.length, 1, 'one signature');
        const [sig] = parsed.signatures;
        assertEqual(sig.signer, c.signer, 'signature signer');
        assertEqual(sig.alg, c.alg, 'signature alg');
        assertEqual(parsed.verify(0, key), true, 'verify(0, key)');
        assertEqual(fromUtf8.decode(parsed.signingInputOf(0)), c.signingInput, 'signingInputOf(0)');
        assertEqual(parsed.toJson(), c.envelope, 'parsed toJson() is the envelope text');
        // Rebuild: attaching the vector's signature (checked first) gives the same text.
        built.attach(c.signer, base64ToBytes(sig.sig), key, c.alg);
        assertEqual(built.toJson(), c.envelope, 'rebuilt envelope');
        // The value path builds the same payload when JSON.parse keeps the numbers.
        const value = JSON.parse(c.payload);
        const fromValue = Envelope.create(c.kind, value);
        using([fromValue], () => assertEqual(fromValue.payload, built.payload, 'create(kind, value).payload'));
      });
    });
  }

  for (const c of file.envelopeErrors) {
    add(`envelopeErrors ${c.id}`, () => {
      assertCode(() => Envelope.fromJson(c.envelope), c.error, c.description);
      assertCode(() => Envelope.fromJson(utf8.encode(c.envelope)), c.error, `${c.description} (bytes)`);
    });
  }

  for (const c of file.registryLoad) {
    add(`registryLoad ${c.id}`, () => {
      const load = c.format === 'jwks' ? SignerRegistry.fromJwks : SignerRegistry.fromJson;
      if (c.error) {
        assertCode(() => load(c.document), c.error, c.description);
        return;
      }
      const registry = load(c.document);
      using([registry], () => {
        assertSameJson(registry.signerIds(), c.signers, 'signerIds()');
        assertEqual(registry.size, c.signers.length, 'size');
        // Writing and reading back is a fixed point.
        const again = SignerRegistry.fromJson(registry.toJson());
        using([again], () => assertEqual(again.toJson(), registry.toJson(), 'toJson round trip'));
      });
    });
  }

  for (const c of file.jwks) {
    add(`jwks ${c.id}`, () => {
      const registry = SignerRegistry.fromJson(registryText(c.registry));
      const fromJwks = SignerRegistry.fromJwks(c.jwks);
      using([registry, fromJwks], () => {
        assertEqual(registry.toJwks(), c.jwks, 'toJwks()');
        assertEqual(registry.toJson(), c.signersJson, 'toJson()');
        assertEqual(fromJwks.toJson(), c.signersJson, 'fromJwks(jwks).toJson()');
      });
    });
  }

  for (const c of file.lookups) {
    add(`lookups ${c.id}`, () => {
      const registry = SignerRegistry.fromJson(registryText(c.registry));
      using([registry], () => {
        if (c.reason === null) {
          const key = registry.keyFor(c.signerId, c.at, c.alg);
          const info = registry.get(c.signerId);
          using([key, info?.publicKey], () => {
            if (!key.equals(info.publicKey)) throw new Error('keyFor is not the registered key');
          });
          return;
        }
        assertCode(() => registry.keyFor(c.signerId, c.at, c.alg), c.reason, c.id, 'RegistryError');
      });
    });
  }

  for (const c of file.verifications) {
    add(`verifications ${c.id}`, () => {
      const registry = SignerRegistry.fromJson(registryText(c.registry));
      const envelope = Envelope.fromJson(c.envelope);
      using([registry, envelope], () => {
        assertSameJson(registry.verifyEnvelope(envelope, c.at), c.expected, c.description);
      });
    });
  }

  for (const c of file.rotations) {
    add(`rotations ${c.id}`, () => {
      const registry = SignerRegistry.fromJson(registryText(c.registry));
      const before = registry.toJson();
      let envelope;
      try {
        envelope = Envelope.fromJson(c.envelope);
      } catch (e) {
        // A record that does not even parse must be one that is refused.
        if (!c.error) throw e;
        assertEqual(e.code, c.error, `${c.description} (parse)`);
        registry.free();
        return;
      }
      using([registry, envelope], () => {
        if (c.error) {
          assertCode(() => registry.verifyRotation(envelope), c.error, `${c.description} (verifyRotation)`);
          assertCode(() => registry.applyRotation(envelope), c.error, `${c.description} (applyRotation)`);
          assertEqual(registry.toJson(), before, 'a failed rotation changes nothing');
          return;
        }
        const checked = registry.verifyRotation(envelope);
        assertEqual(registry.toJson(), before, 'verifyRotation changes nothing');
        const applied = registry.applyRotation(envelope);
        using([checked.next.publicKey, applied.next.publicKey], () => {
          assertEqual(registry.toJson(), c.after, c.description);
          const payload = JSON.parse(envelope.payload);
          assertEqual(applied.previous, payload.previous, 'rotation.previous');
          assertEqual(applied.previousValidUntil, payload.previousValidUntil, 'rotation.previousValidUntil');
          assertEqual(applied.rotatedAt, payload.rotatedAt, 'rotation.rotatedAt');
          assertEqual(applied.next.signerId, payload.next.signerId, 'rotation.next.signerId');
          assertEqual(applied.next.publicKey.toBase64(), payload.next.publicKey, 'rotation.next.publicKey');
          assertSameJson(
            { ...checked, next: { ...checked.next, publicKey: checked.next.publicKey.toBase64() } },
            { ...applied, next: { ...applied.next, publicKey: applied.next.publicKey.toBase64() } },
            'verifyRotation and applyRotation describe the same rotation',
          );
        });
      });
    });
  }

  for (const c of file.approvals) {
    add(`approvals ${c.id}`, () => {
      const registry = SignerRegistry.fromJson(registryText(c.registry));
      const set = ApprovalSet.fromJson(c.set);
      const envelope = Envelope.fromJson(c.envelope);
      using([registry, set, envelope], () => {
        const doc = JSON.parse(c.set);
        assertEqual(set.name, doc.name, 'name');
        assertEqual(set.threshold, doc.threshold, 'threshold');
        assertSameJson(set.verify(envelope, registry, c.at), c.expected, c.description);
      });
    });
  }

  return checks;
}

/**
 * The control-panel flow on vector data, as the browser test runs it: a
 * signed envelope verifies against its registry, an approval report comes
 * out, and a tampered envelope fails.
 */
export function controlPanelChecks(api, file) {
  const { Envelope, SignerRegistry, ApprovalSet } = api;
  const inWindow = file.verifications.find((c) => c.expected.valid && c.expected.signatures.length > 0);
  const approval = file.approvals.find((c) => c.expected.approved);
  if (!inWindow || !approval) throw new Error('signing.json lacks a valid verification or approval case');
  return [
    {
      id: `control-panel: ${inWindow.id} verifies against registry ${inWindow.registry}`,
      run() {
        const registry = SignerRegistry.fromJson(file.registries[inWindow.registry]);
        const envelope = Envelope.fromJson(inWindow.envelope);
        const report = registry.verifyEnvelope(envelope, inWindow.at);
        assertEqual(report.valid, true, 'valid');
        assertSameJson(report, inWindow.expected, 'report');
      },
    },
    {
      id: `control-panel: ${approval.id} approval report`,
      run() {
        const registry = SignerRegistry.fromJson(file.registries[approval.registry]);
        const set = ApprovalSet.fromJson(approval.set);
        const report = set.verify(Envelope.fromJson(approval.envelope), registry, approval.at);
        assertEqual(report.approved, true, 'approved');
        assertSameJson(report, approval.expected, 'report');
      },
    },
    {
      id: `control-panel: ${inWindow.id} with a tampered payload fails`,
      run() {
        const registry = SignerRegistry.fromJson(file.registries[inWindow.registry]);
        const doc = JSON.parse(inWindow.envelope);
        doc.payload = { ...doc.payload, tampered: true };
        const report = registry.verifyEnvelope(Envelope.fromJson(JSON.stringify(doc)), inWindow.at);
        assertEqual(report.valid, false, 'valid');
        for (const s of report.signatures) assertEqual(s.reason, 'invalid_signature', `signature ${s.index}`);
      },
    },
  ];
}
