// Runs the shared, language-neutral vectors in ../test-vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustcore, loadVectors, assertCode } from './helpers.mjs';

const {
  canonicalize,
  canonicalizeText,
  canonicalDigest,
  canonicalDigestText,
  digest,
  parseDigest,
} = trustcore;

/**
 * Decodes generalized UTF-8 (WTF-8: surrogate code points allowed) into a JS
 * string, or returns null when the bytes are not WTF-8 or when they encode a
 * surrogate pair as two separate surrogates (a JS string cannot keep those
 * apart). Such a string must get the same verdict, at the same byte offset,
 * as the bytes.
 */
function wtf8ToString(bytes) {
  const units = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let cp;
    let n;
    if (b < 0x80) { cp = b; n = 1; }
    else if (b >= 0xc2 && b < 0xe0) { cp = b & 0x1f; n = 2; }
    else if (b >= 0xe0 && b < 0xf0) { cp = b & 0x0f; n = 3; }
    else if (b >= 0xf0 && b < 0xf5) { cp = b & 0x07; n = 4; }
    else return null;
    if (i + n > bytes.length) return null;
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (c & 0x3f);
    }
    if ((n === 3 && cp < 0x800) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff))) return null;
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      const prev = units[units.length - 1];
      // A high surrogate followed by a low one would merge into a pair in a
      // JS string (a high unit is last only when it came from 3 bytes).
      if (cp >= 0xdc00 && cp < 0xe000 && prev >= 0xd800 && prev < 0xdc00) return null;
      units.push(cp);
    }
  }
  let s = '';
  for (let k = 0; k < units.length; k += 4096) {
    s += String.fromCharCode(...units.slice(k, k + 4096));
  }
  return s;
}

function inputBytes(c) {
  return c.input !== undefined ? Buffer.from(c.input, 'utf8') : Buffer.from(c.input_hex, 'hex');
}

function optionsOf(c) {
  return c.max_depth !== undefined ? { maxDepth: c.max_depth } : undefined;
}

test('canonical-json.json vectors', async (t) => {
  const file = loadVectors('canonical-json.json');
  assert.equal(file.format, 'trustcore-vectors/canonical-json');
  assert.ok(Array.isArray(file.cases) && file.cases.length > 0, 'no cases');
  let valueChecked = 0;
  let stringChecked = 0;
  for (const c of file.cases) {
    await t.test(c.id, () => {
      const bytes = inputBytes(c);
      const opts = optionsOf(c);
      // The same text as a JS string, when it has one.
      const str = c.input !== undefined ? c.input : wtf8ToString(bytes);
      if (c.expected !== undefined) {
        const expected = Buffer.from(c.expected, 'utf8');
        const out = canonicalizeText(bytes, opts);
        assert.ok(Buffer.isBuffer(out));
        assert.deepEqual(out, expected, 'canonicalizeText(Buffer)');
        assert.deepEqual(canonicalizeText(new Uint8Array(bytes), opts), expected, 'Uint8Array');
        if (str !== null) {
          assert.deepEqual(canonicalizeText(str, opts), expected, 'canonicalizeText(string)');
          stringChecked++;
        }
        assert.deepEqual(canonicalizeText(out, opts), out, 'fixed point');
        assert.deepEqual(canonicalizeText(out.toString('utf8'), opts), out, 'fixed point (string)');
        assert.equal(canonicalDigestText(bytes, 'sha256', opts), c.sha256, 'sha256');
        assert.equal(canonicalDigestText(bytes, 'blake3', opts), c.blake3, 'blake3');
        assert.equal(canonicalDigestText(bytes, undefined, opts), c.sha256, 'default algorithm');
        if (str !== null) {
          assert.equal(canonicalDigestText(str, 'blake3', opts), c.blake3, 'blake3 (string)');
        }
        assert.equal(digest(out, 'sha256'), c.sha256, 'digest of expected bytes');
        if (c.value_path !== false && c.input !== undefined) {
          const value = JSON.parse(c.input);
          assert.deepEqual(canonicalize(value, opts), expected, 'canonicalize(JSON.parse(input))');
          assert.equal(canonicalDigest(value, 'sha256', opts), c.sha256, 'canonicalDigest');
          valueChecked++;
        }
      } else {
        assert.ok(c.error && typeof c.error.code === 'string', 'case has neither expected nor error');
        const want = { name: 'CanonicalJsonError' };
        if (c.error.offset !== undefined) want.offset = c.error.offset;
        assertCode(() => canonicalizeText(bytes, opts), c.error.code, want);
        assertCode(() => canonicalDigestText(bytes, 'sha256', opts), c.error.code, want);
        if (str !== null) {
          assertCode(() => canonicalizeText(str, opts), c.error.code, want);
          stringChecked++;
        }
      }
    });
  }
  assert.ok(valueChecked > 0, 'no case went through the value path');
  assert.ok(stringChecked > 0, 'no case went through the string path');
});

test('digest.json vectors', async (t) => {
  const file = loadVectors('digest.json');
  assert.equal(file.format, 'trustcore-vectors/digest');
  assert.ok(Array.isArray(file.cases) && file.cases.length > 0, 'no digest cases');
  for (const c of file.cases) {
    await t.test(`digest ${c.id}`, () => {
      const data = Buffer.from(c.input_hex, 'hex');
      assert.equal(digest(data, 'sha256'), c.sha256);
      assert.equal(digest(data), c.sha256);
      assert.equal(digest(data, 'blake3'), c.blake3);
      const str = data.toString('utf8');
      if (Buffer.from(str, 'utf8').equals(data)) {
        assert.equal(digest(str, 'sha256'), c.sha256, 'string input');
        assert.equal(digest(str, 'blake3'), c.blake3, 'string input');
      }
    });
  }
  assert.ok(Array.isArray(file.parse) && file.parse.length > 0, 'no parse cases');
  for (const c of file.parse) {
    await t.test(`parse ${c.id}`, () => {
      if (c.error !== undefined) {
        const want = { name: 'DigestError' };
        if (c.error.offset !== undefined) want.offset = c.error.offset;
        assertCode(() => parseDigest(c.text), c.error.code, want);
      } else {
        assert.deepEqual({ ...parseDigest(c.text) }, { algorithm: c.algorithm, hex: c.hex });
      }
    });
  }
});
