// The shared vector checks (../../test-vectors), written once for Node's test
// runner (test/vectors.test.mjs) and the browser page (test/browser/).
// Environment-neutral: no Node modules, only TextEncoder/TextDecoder.
//
// Each builder returns `[{ id, run }]`; `run()` throws on a mismatch.

const utf8 = new TextEncoder();

export function hexToBytes(hex) {
  if (hex.length % 2 !== 0) throw new Error(`odd-length hex: ${hex}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const byte = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    if (Number.isNaN(byte)) throw new Error(`bad hex: ${hex}`);
    out[i] = byte;
  }
  return out;
}

function show(bytes) {
  return JSON.stringify(new TextDecoder().decode(bytes));
}

function assertBytes(actual, expected, what) {
  if (!(actual instanceof Uint8Array)) {
    throw new Error(`${what}: expected a Uint8Array, got ${Object.prototype.toString.call(actual)}`);
  }
  const same = actual.length === expected.length && actual.every((b, i) => b === expected[i]);
  if (!same) throw new Error(`${what}: got ${show(actual)}, expected ${show(expected)}`);
}

function assertEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
}

/** Asserts that `fn` throws an Error with `name`, `code` and (if given) `offset`. */
export function assertThrows(fn, { name, code, offset }, what) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`${what}: did not throw (expected ${code})`);
  if (!(error instanceof Error)) throw new Error(`${what}: threw a non-Error ${String(error)}`);
  const got = `${error.name}/${error.code}@${error.offset} (${error.message})`;
  if (error.code !== code) throw new Error(`${what}: expected code ${code}, got ${got}`);
  if (name !== undefined && error.name !== name) {
    throw new Error(`${what}: expected name ${name}, got ${got}`);
  }
  if (offset !== undefined && error.offset !== offset) {
    throw new Error(`${what}: expected offset ${offset}, got ${got}`);
  }
  if (typeof error.message !== 'string' || !error.message.includes(`[${code}]`)) {
    throw new Error(`${what}: message should be the core's text naming [${code}], got ${got}`);
  }
  return error;
}

function checkFormat(file, format) {
  if (!file || file.format !== format || !Array.isArray(file.cases) || file.cases.length === 0) {
    throw new Error(`vector file is not ${format} with cases`);
  }
}

/** Checks for every case of canonical-json.json. */
export function canonicalChecks(api, file) {
  checkFormat(file, 'trustcore-vectors/canonical-json');
  return file.cases.map((c) => ({
    id: `canonical-json ${c.id}`,
    run() {
      const hasText = typeof c.input === 'string';
      const bytes = hasText ? utf8.encode(c.input) : hexToBytes(c.input_hex);
      const options = c.max_depth === undefined ? undefined : { maxDepth: c.max_depth };
      if (c.error) {
        const expected = { name: 'CanonicalJsonError', code: c.error.code, offset: c.error.offset };
        assertThrows(() => api.canonicalizeText(bytes, options), expected, 'text path (bytes)');
        if (hasText) {
          assertThrows(() => api.canonicalizeText(c.input, options), expected, 'text path (string)');
        }
        return;
      }
      const want = utf8.encode(c.expected);
      const out = api.canonicalizeText(bytes, options);
      assertBytes(out, want, 'text path (bytes)');
      assertBytes(api.canonicalizeText(out, options), want, 'fixed point');
      if (c.sha256 !== undefined) {
        assertEqual(api.canonicalDigestText(bytes, 'sha256', options), c.sha256, 'sha256');
      }
      if (c.blake3 !== undefined) {
        assertEqual(api.canonicalDigestText(bytes, 'blake3', options), c.blake3, 'blake3');
      }
      if (hasText) {
        assertBytes(api.canonicalizeText(c.input, options), want, 'text path (string)');
        if (c.value_path !== false) {
          assertBytes(api.canonicalize(JSON.parse(c.input), options), want, 'value path');
        }
      }
    },
  }));
}

/** Checks for every case and every parse case of digest.json. */
export function digestChecks(api, file) {
  checkFormat(file, 'trustcore-vectors/digest');
  const checks = file.cases.map((c) => ({
    id: `digest ${c.id}`,
    run() {
      const bytes = hexToBytes(c.input_hex);
      assertEqual(api.digest(bytes), c.sha256, 'default (sha256)');
      assertEqual(api.digest(bytes, 'sha256'), c.sha256, 'sha256');
      assertEqual(api.digest(bytes, 'blake3'), c.blake3, 'blake3');
      let text;
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      } catch {
        text = undefined; // not UTF-8: no string form
      }
      if (text !== undefined) {
        assertEqual(api.digest(text, 'sha256'), c.sha256, 'sha256 of the string');
        assertEqual(api.digest(text, 'blake3'), c.blake3, 'blake3 of the string');
      }
    },
  }));
  for (const p of file.parse ?? []) {
    checks.push({
      id: `digest-parse ${p.id}`,
      run() {
        if (p.error) {
          const expected = { name: 'DigestError', code: p.error.code, offset: p.error.offset };
          assertThrows(() => api.parseDigest(p.text), expected, 'parseDigest');
          return;
        }
        const parsed = api.parseDigest(p.text);
        assertEqual(parsed.algorithm, p.algorithm, 'algorithm');
        assertEqual(parsed.hex, p.hex, 'hex');
      },
    });
  }
  return checks;
}
