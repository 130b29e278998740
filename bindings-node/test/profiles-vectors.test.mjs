// test-vectors/profiles.json (#10): every chain case under its profile
// (the profile given as its document and, for built-ins, by name; the text
// whole as a string and as bytes, in 7-byte chunks, row by row, on 1 and 2
// threads, and through verifyFile), every inference case and every refused
// profile document, compared with the vectors' expectations (computed by
// the independent generator tools/gen_profiles.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustcore as t, loadVectors, snakeKeys } from './helpers.mjs';

const doc = loadVectors('profiles.json');
const registry = t.SignerRegistry.fromJson(doc.registry);
const profiles = Object.fromEntries(doc.profiles.map((p) => [p.name, p]));
const builtins = t.builtinProfiles();
const dir = mkdtempSync(join(tmpdir(), 'trustcore-profiles-'));

/** The report as snake_case data without messages, as the vectors spell it. */
function plain(report) {
  assert.ok('breakCount' in report, 'camelCase report members');
  const r = snakeKeys(report);
  for (const b of r.breaks) {
    assert.ok(typeof b.message === 'string' && b.message.length > 0, 'every break has a message');
    delete b.message;
  }
  return r;
}

test('profiles.json has the documented shape, and its built-ins are the core\'s', () => {
  assert.equal(doc.format, 'trustcore-vectors/profiles');
  assert.ok(doc.cases.length >= 150 && doc.inference.length >= 12 && doc.documents.length >= 12);
  assert.deepEqual(Object.keys(builtins).sort(), ['kernel/v1', 'payload-sig/v1', 'row-digest/v1', 'trustcore/v1']);
  for (const [name, d] of Object.entries(builtins)) {
    assert.deepEqual(d, profiles[name], name);
    // A document loads back as itself, from the object and from its text.
    assert.deepEqual(t.loadProfile(d), d);
    assert.deepEqual(t.loadProfile(JSON.stringify(d)), d);
    assert.deepEqual(t.loadProfile(Buffer.from(JSON.stringify(d))), d);
  }
  // Custom documents load with their defaults written out, and the result
  // loads back as itself.
  for (const p of doc.profiles) {
    const loaded = t.loadProfile(p);
    assert.equal(loaded.name, p.name);
    assert.deepEqual(t.loadProfile(loaded), loaded, p.name);
    assert.equal(t.profileDigest(loaded), t.profileDigest(p));
  }
});

// Every break kind of the vectors is reached by some case.
test('the cases cover every break reason the profiles can give', () => {
  const reasons = new Set();
  for (const c of doc.cases) for (const b of c.expected.breaks) reasons.add(b.reason);
  for (const r of ['malformed_row', 'invalid_field', 'duplicate_id', 'seq_gap', 'prev_hash_mismatch', 'hash_mismatch', 'ts_regression', 'unknown_signer', 'signer_expired', 'invalid_signature', 'truncated', 'head_mismatch', 'checkpoint_mismatch']) {
    assert.ok(reasons.has(r), `no case breaks with ${r}`);
  }
});

for (const c of doc.cases) {
  test(`profiles: ${c.id}`, () => {
    const document = profiles[c.profile];
    assert.ok(document, `profile ${c.profile} is in profiles.json`);
    const bytes = Buffer.from(c.jsonl, 'utf8');
    const ways = [document];
    if (builtins[c.profile]) ways.push(c.profile);
    for (const profile of ways) {
      for (const threads of [1, 2]) {
        const opts = { ...(c.options ?? {}), profile, threads };
        const label = `${typeof profile === 'string' ? 'by name' : 'document'}, ${threads} thread(s)`;
        assert.deepEqual(plain(t.verifyJsonl(c.jsonl, registry, opts)), c.expected, `whole string, ${label}`);
        assert.deepEqual(plain(t.verifyJsonl(bytes, registry, opts)), c.expected, `whole bytes, ${label}`);
      }
    }
    const opts = { ...(c.options ?? {}), profile: document };
    const v = t.ChainVerifier.create(registry, opts);
    for (let i = 0; i < bytes.length; i += 7) v.feed(bytes.subarray(i, i + 7));
    assert.deepEqual(plain(v.finish()), c.expected, '7-byte chunks');
    const r = t.ChainVerifier.create(registry, opts);
    for (const line of c.jsonl.split('\n')) if (line.trim() !== '') r.feedRow(line);
    assert.deepEqual(plain(r.finish()), c.expected, 'row by row');
    const file = join(dir, `${c.id.replace(/[^a-z0-9]+/gi, '_')}.jsonl`);
    writeFileSync(file, bytes);
    assert.deepEqual(plain(t.verifyFile(file, registry, { ...opts, chunkSize: 5 })), c.expected, 'verifyFile');
  });
}

/** What the vectors pin of a matched profile beyond its columns. */
function summary(d) {
  return {
    name: d.name,
    hash: { input: d.hash.input, algorithm: d.hash.algorithm, encoding: d.hash.encoding },
    signature: { signs: d.signature.signs, encoding: d.signature.encoding },
    genesis: d.genesis,
    timestamp: d.timestamp,
  };
}

const byName = (a, b) => (a.name + JSON.stringify(a)).localeCompare(b.name + JSON.stringify(b));

for (const c of doc.inference) {
  test(`inference: ${c.id}`, () => {
    const reg = c.registry === undefined ? registry : t.SignerRegistry.fromJson(c.registry);
    const got = t.inferProfile(c.rows, reg);
    // Rows as bytes and as row objects give the same answer.
    assert.deepEqual(t.inferProfile(c.rows.map((r) => Buffer.from(r)), reg), got);
    assert.deepEqual(t.inferProfile(c.rows.map((r) => JSON.parse(r)), reg), got);
    const want = c.expected;
    assert.deepEqual(got.matches.map((m) => m.name).sort(), want.matches);
    assert.equal(got.ambiguous, want.ambiguous);
    assert.equal(got.rows, c.rows.length);
    assert.deepEqual(got.matches.map(summary).sort(byName), [...want.matched].sort(byName));
    // Every match is a profile the chain calls take: the sample verifies under it.
    for (const m of got.matches) {
      const report = t.verifyJsonl(c.rows.join('\n'), reg, { profile: m });
      assert.equal(report.breakCounts.hash_mismatch ?? 0, 0, `${m.name}: hashes`);
      assert.equal(report.breakCounts.invalid_signature ?? 0, 0, `${m.name}: signatures`);
    }
    if (want.explanation) {
      const e = want.explanation;
      const attempt = got.attempts.find((a) => a.hashInput === e.hashInput && a.hashAlg === e.hashAlgorithm);
      assert.ok(attempt, `an attempt for ${e.hashInput} (${e.hashAlgorithm})`);
      assert.equal(attempt.hashesMatched, e.hashesMatched);
      const best = Math.max(0, ...Object.values(attempt.signaturesVerified));
      assert.equal(best, e.signaturesVerified);
    }
    if (want.note !== undefined) assert.ok(got.notes.includes(want.note), `note: ${want.note}\n got: ${got.notes.join(' | ')}`);
    if (got.matches.length > 1) assert.ok(got.notes.length > 0, 'an ambiguous answer says why');
  });
}

for (const c of doc.documents) {
  test(`document: ${c.id}`, () => {
    for (const [how, arg] of [['object', c.document], ['text', JSON.stringify(c.document)], ['bytes', Buffer.from(JSON.stringify(c.document))]]) {
      let got;
      try {
        got = { loaded: t.loadProfile(arg).name };
      } catch (e) {
        assert.equal(e.name, 'ProfileError', `${how}: ${e.message}`);
        got = { code: e.code, path: e.path ?? null };
      }
      assert.deepEqual(got, c.expected, how);
      // The same refusal through a chain call's profile option.
      if (how === 'object' && c.expected.code) {
        assert.throws(() => t.verifyJsonl('', registry, { profile: c.document }), (e) => e.code === c.expected.code && e.path === c.expected.path);
      }
    }
  });
}
