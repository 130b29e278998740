// Shared by the document-style vector tests (redaction-vectors,
// snapshot-vectors): a vector file loaded with its format, version and
// sections checked (a missing file or an empty section is one failing
// test, never an empty pass), and the small byte and naming helpers both
// use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVectors } from './load.mjs';

/**
 * `name` (e.g. `redaction.json`) as `trustcore-vectors/<stem>` version 1
 * with every array section in `sections` non-empty and `check(doc)` (extra
 * members) passing; otherwise a failing `<name> loads` test and undefined.
 */
export function vectorDoc(name, sections, check = () => {}) {
  try {
    const doc = loadVectors(name);
    const format = `trustcore-vectors/${name.replace(/\.json$/, '')}`;
    if (doc.format !== format || doc.version !== 1) {
      throw new Error(`${name} is not ${format} version 1 (format ${JSON.stringify(doc.format)}, version ${JSON.stringify(doc.version)})`);
    }
    for (const s of sections) {
      if (!Array.isArray(doc[s]) || doc[s].length === 0) throw new Error(`${name}: section ${s} is missing or empty`);
    }
    check(doc);
    return doc;
  } catch (e) {
    test(`${name} loads`, () => {
      throw e;
    });
    return undefined;
  }
}

export const toHex = (bytes) => {
  assert.ok(bytes instanceof Uint8Array, 'a Uint8Array');
  return Buffer.from(bytes).toString('hex');
};

export function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** snake_case member names, as the vectors spell reports. */
export function snakeKeys(v) {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/(?<=[a-z0-9])([A-Z])/g, (m) => `_${m.toLowerCase()}`), snakeKeys(x)]));
  }
  return v;
}
