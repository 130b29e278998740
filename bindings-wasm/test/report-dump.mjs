// The cross-binding report dump (issue #16): runs every chain, replay,
// merkle (inclusion, consistency), checkpoint, policy and options vector
// through the WASM binding (pkg-node) and writes what it reports to
// <repo>/target/reports/wasm.json, in the format of .ci/compare_reports.py
// (which compares it with the Node and Python dumps after key-case
// normalization). The same choices per group as
// bindings-node/test/report-dump.mjs and bindings-python/tests/report_dump.py:
//
// * chain: verifyJsonl of the case's jsonl with its options and chain.json's
//   registry: the whole report, messages included;
// * replay: replay of the case's rows from its start;
// * inclusion, consistency: {valid: true}, or {valid: false, error: <code>};
// * checkpoint: openCheckpoint of the note against its trusted keys, or
//   {error: {kind, code}};
// * policy: {result: <decision | explanation | impact report | bucket>},
//   {result: null} for a set that loads or an update that is allowed, or
//   {error: {kind, code}};
// * profiles: verifyJsonl of every profiles.json case's jsonl with its
//   options and the case's profile document (profiles.json's `profiles`),
//   under profiles.json's registry: the whole report, messages included;
//   inferProfile of every inference case; every profile document loaded
//   or refused;
// * segments: every chain.json case cut into 3 segments before its lines
//   ⌊n/3⌋ and ⌊2n/3⌋ (test/segment-cases.mjs `cutThree`: each part the exact
//   text it spans), each verified by a SegmentVerifier with the case's
//   options, stitched (`stitch`) into the report;
// * options: {ok: true} or {error: {kind, code}}, with the JavaScript
//   spelling (`js`); the `chain_writer` cases through the full module's
//   ChainWriter (remote signing). verify_event_in_checkpoint reads its options
//   first, so it gets a real registry (which the glue checks before Rust
//   runs) and nothing usable otherwise, and counts as accepted unless the
//   error is an OptionsError.
//
// Run by ci.sh: `node test/report-dump.mjs [out]`; test/report-dump.test.mjs
// checks that every case is dumped.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api as t, loadVectors } from './load.mjs';
import { cutThree, stitchedReport } from './segment-cases.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** `{kind, code}` of a thrown error (the comparison ignores messages). */
function errorOf(e) {
  if (!(e instanceof Error) || typeof e.code !== 'string') throw e;
  return { kind: e.name, code: e.code };
}

function attempt(fn, ok) {
  try {
    return ok(fn());
  } catch (e) {
    return { error: errorOf(e) };
  }
}

/** The calls of options.json this module has (the verify side). */
export const OPTION_CALLS = ['verify_jsonl', 'canonicalize', 'verify_event_in_checkpoint', 'chain_writer'];

export function dump() {
  const cases = {};
  const skipped = [];
  const hx = (s) => Uint8Array.from(Buffer.from(s, 'hex'));

  const chain = loadVectors('chain.json');
  const registry = t.SignerRegistry.fromJson(chain.registry);
  for (const c of chain.cases) {
    cases[`chain/${c.id}`] = t.verifyJsonl(c.jsonl, registry, c.options ?? undefined);
  }
  for (const c of chain.replay) {
    cases[`replay/${c.id}`] = t.replay(c.rows, c.start);
  }

  for (const c of chain.cases) {
    cases[`segments/${c.id}`] = stitchedReport(t, cutThree(c.jsonl), registry, c.options ?? undefined);
  }

  const profiles = loadVectors('profiles.json');
  const profileRegistry = t.SignerRegistry.fromJson(profiles.registry);
  const docs = Object.fromEntries(profiles.profiles.map((p) => [p.name, p]));
  for (const c of profiles.cases) {
    cases[`profiles/${c.id}`] = t.verifyJsonl(c.jsonl, profileRegistry, { ...(c.options ?? {}), profile: docs[c.profile] });
  }
  // inferProfile's whole result (or the error), and each profile document
  // loaded ({ loaded: name }) or refused, as Node and Python dump them.
  for (const c of profiles.inference) {
    const reg = c.registry === undefined ? profileRegistry : t.SignerRegistry.fromJson(c.registry);
    cases[`profiles/inference/${c.id}`] = attempt(() => t.inferProfile(c.rows, reg), (r) => r);
  }
  for (const c of profiles.documents) {
    cases[`profiles/document/${c.id}`] = attempt(() => ({ loaded: t.loadProfile(c.document).name }), (r) => r);
  }

  const merkle = loadVectors('merkle.json');
  const verdict = (fn) => {
    try {
      return { valid: fn() === true };
    } catch (e) {
      return { valid: false, error: errorOf(e).code };
    }
  };
  for (const c of merkle.inclusion) {
    cases[`inclusion/${c.id}`] = verdict(() => t.verifyInclusion(hx(c.leaf_hash), c.leaf_index, c.tree_size, c.proof.map(hx), hx(c.root)));
  }
  for (const c of merkle.consistency) {
    cases[`consistency/${c.id}`] = verdict(() => t.verifyConsistency(c.old_size, c.new_size, hx(c.old_root), hx(c.new_root), c.proof.map(hx)));
  }

  const cp = loadVectors('checkpoint.json');
  for (const c of cp.cases) {
    const note = c.note_hex !== undefined ? hx(c.note_hex) : c.note;
    cases[`checkpoint/${c.id}`] = attempt(() => t.openCheckpoint(note, c.trusted.map((k) => t.VerifierKey.parse(k))), (v) => v);
  }

  const policy = loadVectors('policy.json');
  const sets = policy.policySets;
  const setNamed = (name) => t.PolicySet.fromJson(JSON.stringify(typeof name === 'string' ? sets[name] : name));
  const label = (id, v) => `${id}@${v}`;
  const runners = {
    evaluate: (c) => t.evaluate(setNamed(c.policySet), c.requestText !== undefined ? c.requestText : c.request),
    load: (c) => {
      if (c.policySetDoc !== undefined) t.PolicySet.fromObject(c.policySetDoc);
      else if (c.policySetText !== undefined) t.PolicySet.fromJson(c.policySetText);
      else setNamed(c.policySet);
      return null;
    },
    update: (c) => {
      setNamed(c.current).checkUpdate(setNamed(c.candidate));
      return null;
    },
    bucket: (c) => t.canaryBucket(c.value),
    explain: (c) => {
      const set = setNamed(c.policySet);
      const d = t.evaluate(set, c.request);
      const rec = d.policyChecks.find((r) => label(r.policyId, r.policyVersion) === c.check);
      const withSet = c.explainWith === undefined || c.explainWith === null ? set : setNamed(c.explainWith);
      return t.explain({ ...rec, ...(c.tamper ?? {}) }, withSet);
    },
    impact: (c) => t.impact(setNamed(c.current), setNamed(c.candidate), c.requests),
  };
  for (const c of policy.cases) {
    const run = runners[c.kind];
    if (!run) throw new Error(`policy.json: unknown kind ${c.kind}`);
    cases[`policy/${c.id}`] = attempt(() => run(c), (value) => ({ result: value }));
  }

  const options = loadVectors('options.json');
  const jsonl = chain.cases.find((c) => c.id === 'good/ten').jsonl;
  const calls = {
    verify_jsonl: (o) => t.verifyJsonl(jsonl, registry, o),
    canonicalize: (o) => t.canonicalize(1, o),
    // The full module's writer (remote signing only); the key is any valid one.
    chain_writer: (o) => t.ChainWriter.create('kernel-signer', registry.keyFor('kernel-signer', '2026-03-01T12:00:00Z'), o),
    verify_event_in_checkpoint: (o) => {
      try {
        t.verifyEventInCheckpoint(null, null, null, null, null, registry, o);
      } catch (e) {
        if (e.name === 'OptionsError') throw e;
      }
    },
  };
  for (const c of options.cases) {
    const call = calls[c.call];
    if (!call) {
      if (c.call !== 'chain_writer') throw new Error(`options.json: unknown call ${c.call}`);
      skipped.push(`options/${c.id}`);
      continue;
    }
    cases[`options/${c.id}`] = attempt(() => call(c.js), () => ({ ok: true }));
  }
  return { binding: 'wasm', cases, skipped };
}

/** JSON text with bigints (sizes beyond 2^53 - 1) written as exact integers. */
export function stringify(value) {
  const mark = '\u0000bigint:';
  const text = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${mark}${v}` : v), 1);
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? join(here, '..', '..', 'target', 'reports', 'wasm.json');
  const d = dump();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${stringify(d)}\n`);
  const groups = {};
  for (const k of Object.keys(d.cases)) groups[k.split('/')[0]] = (groups[k.split('/')[0]] ?? 0) + 1;
  console.log(`report-dump: ${Object.keys(d.cases).length} cases (${Object.entries(groups).map(([g, n]) => `${g} ${n}`).join(', ')}) -> ${out}`);
  if (d.skipped.length) console.log(`report-dump: not in this module (no ChainWriter: verify side only): ${d.skipped.join(', ')}`);
}
