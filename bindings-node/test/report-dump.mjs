// The cross-binding report dump (issue #16): runs every chain, segments
// (#14), replay, merkle (inclusion, consistency), checkpoint, policy,
// profiles (#10) and options vector through the Node binding and writes
// what it reports to <repo>/target/reports/node.json, in the format of
// .ci/compare_reports.py (which compares it with the Python and WASM dumps
// after key-case normalization). Run by ci.sh (`node test/report-dump.mjs
// [out]`); under the test runner it only checks that every vector case is
// dumped and writes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trustcore as t, loadVectors } from './helpers.mjs';

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

export function dump() {
  const cases = {};
  const hx = (s) => Buffer.from(s, 'hex');

  // chain: verifyJsonl of each case (whole report, messages included).
  const chain = loadVectors('chain.json');
  const registry = t.SignerRegistry.fromJson(chain.registry);
  for (const c of chain.cases) {
    cases[`chain/${c.id}`] = t.verifyJsonl(c.jsonl, registry, c.options ?? undefined);
  }
  // replay: each case's rows from its start.
  for (const c of chain.replay) {
    cases[`replay/${c.id}`] = t.replay(c.rows, c.start);
  }

  // segments (#14): each chain case's lines cut into 3 segments at rows
  // n/3 and 2n/3 (n the number of lines), verified apart and stitched with
  // the case's options: the whole report, which must be the chain group's.
  for (const c of chain.cases) {
    const lines = c.jsonl.split(/(?<=\n)/).filter((l) => l !== '');
    const n = lines.length;
    const cuts = [[0, Math.floor(n / 3)], [Math.floor(n / 3), Math.floor((2 * n) / 3)], [Math.floor((2 * n) / 3), n]];
    cases[`segments/${c.id}`] = attempt(() => {
      const segments = cuts.map(([a, b]) => {
        const v = new t.SegmentVerifier(registry, c.options ?? undefined);
        v.pushBytes(Buffer.from(lines.slice(a, b).join('')));
        return v.finish();
      });
      return t.stitch(segments, c.options ?? undefined);
    }, (r) => r);
  }

  // profiles (#10): `profiles/<id>`, verifyJsonl of each profiles.json
  // chain case under its profile (given as its document; the whole report,
  // messages included); `profiles/inference/<id>`, inferProfile's whole
  // result (or the error); `profiles/document/<id>`, { loaded: name } or
  // the error for each profile document.
  const prof = loadVectors('profiles.json');
  const profRegistry = t.SignerRegistry.fromJson(prof.registry);
  const profDocs = Object.fromEntries(prof.profiles.map((d) => [d.name, d]));
  for (const c of prof.cases) {
    cases[`profiles/${c.id}`] = attempt(() => t.verifyJsonl(c.jsonl, profRegistry, { ...(c.options ?? {}), profile: profDocs[c.profile] }), (r) => r);
  }
  for (const c of prof.inference) {
    const reg = c.registry === undefined ? profRegistry : t.SignerRegistry.fromJson(c.registry);
    cases[`profiles/inference/${c.id}`] = attempt(() => t.inferProfile(c.rows, reg), (r) => r);
  }
  for (const c of prof.documents) {
    cases[`profiles/document/${c.id}`] = attempt(() => ({ loaded: t.loadProfile(c.document).name }), (r) => r);
  }

  // inclusion, consistency: valid, or the MerkleError code.
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

  // checkpoint: the opened checkpoint, or the error.
  const cp = loadVectors('checkpoint.json');
  for (const c of cp.cases) {
    const note = c.note_hex !== undefined ? hx(c.note_hex) : c.note;
    cases[`checkpoint/${c.id}`] = attempt(
      () => t.openCheckpoint(note, c.trusted.map((k) => t.VerifierKey.parse(k))),
      (v) => v,
    );
  }

  // policy: the decision, explanation, impact report or bucket; null for a
  // set that loads or an update that is allowed; or the error.
  const policy = loadVectors('policy.json');
  const sets = policy.policySets;
  const setNamed = (name) => t.PolicySet.fromJson(JSON.stringify(typeof name === 'string' ? sets[name] : name));
  const label = (id, v) => `${id}@${v}`;
  const result = (value) => ({ result: value });
  for (const c of policy.cases) {
    let run;
    switch (c.kind) {
      case 'evaluate':
        run = () => t.evaluate(setNamed(c.policySet), c.requestText !== undefined ? c.requestText : c.request);
        break;
      case 'load':
        run = () => {
          if (c.policySetDoc !== undefined) t.PolicySet.fromObject(c.policySetDoc);
          else if (c.policySetText !== undefined) t.PolicySet.fromJson(c.policySetText);
          else setNamed(c.policySet);
          return null;
        };
        break;
      case 'update':
        run = () => {
          setNamed(c.current).checkUpdate(setNamed(c.candidate));
          return null;
        };
        break;
      case 'bucket':
        run = () => t.canaryBucket(c.value);
        break;
      case 'explain':
        run = () => {
          const set = setNamed(c.policySet);
          const d = t.evaluate(set, c.request);
          const rec = d.policyChecks.find((r) => label(r.policyId, r.policyVersion) === c.check);
          const withSet = c.explainWith === undefined || c.explainWith === null ? set : setNamed(c.explainWith);
          return t.explain({ ...rec, ...(c.tamper ?? {}) }, withSet);
        };
        break;
      case 'impact':
        run = () => t.impact(setNamed(c.current), setNamed(c.candidate), c.requests);
        break;
      default:
        throw new Error(`policy.json: unknown kind ${c.kind}`);
    }
    cases[`policy/${c.id}`] = attempt(run, result);
  }

  // options: accepted, or the error, with the JavaScript spelling.
  const options = loadVectors('options.json');
  const jsonl = chain.cases.find((c) => c.id === 'good/ten').jsonl;
  const kernelKey = t.PublicKey.fromBase64(registry.get('kernel-signer').publicKey);
  const calls = {
    verify_jsonl: (o) => t.verifyJsonl(jsonl, registry, o),
    chain_writer: (o) => t.ChainWriter.create('kernel-signer', kernelKey, o),
    canonicalize: (o) => t.canonicalize(1, o),
    // Options first: with good options the next argument fails, which is
    // not an options error, so the case counts as accepted.
    verify_event_in_checkpoint: (o) => {
      try {
        t.verifyEventInCheckpoint(null, null, null, null, null, null, o);
      } catch (e) {
        if (e.name === 'OptionsError') throw e;
      }
    },
  };
  for (const c of options.cases) {
    const call = calls[c.call];
    if (!call) throw new Error(`options.json: unknown call ${c.call}`);
    cases[`options/${c.id}`] = attempt(() => call(c.js), () => ({ ok: true }));
  }
  return { binding: 'node', cases };
}

/** JSON text with bigints (sizes beyond 2^53 - 1) written as exact integers. */
export function stringify(value) {
  const mark = '\u0000bigint:';
  const text = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${mark}${v}` : v), 1);
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

if (process.env.NODE_TEST_CONTEXT) {
  const { test } = await import('node:test');
  const assert = (await import('node:assert/strict')).default;
  test('report-dump: every vector case is dumped, in JSON', () => {
    const d = dump();
    const n = (g) => Object.keys(d.cases).filter((k) => k.startsWith(`${g}/`)).length;
    assert.equal(n('chain'), loadVectors('chain.json').cases.length);
    assert.equal(n('replay'), loadVectors('chain.json').replay.length);
    assert.equal(n('policy'), loadVectors('policy.json').cases.length);
    assert.equal(n('options'), loadVectors('options.json').cases.length);
    assert.equal(n('segments'), loadVectors('chain.json').cases.length);
    const prof = loadVectors('profiles.json');
    assert.equal(n('profiles'), prof.cases.length + prof.inference.length + prof.documents.length);
    // A stitched report is the one-pass report.
    for (const c of loadVectors('chain.json').cases) assert.deepEqual(d.cases[`segments/${c.id}`], d.cases[`chain/${c.id}`], c.id);
    assert.ok(n('inclusion') > 0 && n('consistency') > 0 && n('checkpoint') > 0);
    assert.match(stringify(d), /"size": 9223372036854775807\b/);
  });
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? join(here, '..', '..', 'target', 'reports', 'node.json');
  const d = dump();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, stringify(d) + '\n');
  const groups = {};
  for (const k of Object.keys(d.cases)) groups[k.split('/')[0]] = (groups[k.split('/')[0]] ?? 0) + 1;
  console.log(`report-dump: ${Object.keys(d.cases).length} cases (${Object.entries(groups).map(([g, n]) => `${g} ${n}`).join(', ')}) -> ${out}`);
}
