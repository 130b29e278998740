// Ed25519 against third-party vectors in ../../shared/vectors/ed25519/
// (override with TRUSTCORE_ED25519_VECTORS_DIR):
// - rfc8032_sign.input (RFC 8032 / SUPERCOP lines `sk||pk:pk:msg:sig||msg:`):
//   the public key and the signature must be exact;
// - all_normalized.json (1,077 speccheck + Wycheproof + CCTV cases): the raw
//   `verify` verdict must equal Go crypto/ed25519's, the `go` column of
//   ../test-vectors/ed25519/verdicts.json (a wrong-length key or signature
//   throws, which counts as false).
// When the shared folder is absent these tests are skipped with a NOTE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trustcore, loadVectors } from './helpers.mjs';

const { SecretKey, sign, verify } = trustcore;

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir =
  process.env.TRUSTCORE_ED25519_VECTORS_DIR ??
  join(here, '..', '..', '..', 'shared', 'vectors', 'ed25519');

function shared(name) {
  const file = join(sharedDir, name);
  if (!existsSync(file)) {
    console.log(`NOTE: ${file} is absent; these third-party vectors were not run`);
    return null;
  }
  return readFileSync(file, 'utf8');
}

const rfcText = shared('rfc8032_sign.input');
const edgeText = shared('all_normalized.json');

test('RFC 8032 / SUPERCOP signatures are exact', { skip: rfcText === null && 'shared vectors absent' }, () => {
  const lines = rfcText.split('\n').filter((l) => l.length > 0);
  assert.equal(lines.length, 128);
  lines.forEach((line, n) => {
    const [skPk, pk, msgHex, sigMsg] = line.split(':');
    const seed = Buffer.from(skPk.slice(0, 64), 'hex');
    const msg = Buffer.from(msgHex, 'hex');
    const sk = SecretKey.fromBytes(seed);
    assert.equal(sk.publicKey().toHex(), pk, `line ${n}`);
    assert.equal(skPk.slice(64), pk, `line ${n}`);
    const sig = sign(sk, msg);
    assert.equal(sig.toString('hex'), sigMsg.slice(0, 128), `line ${n}`);
    assert.equal(verify(Buffer.from(pk, 'hex'), msg, sig), true, `line ${n}`);
  });
});

test('1,077 edge cases: verdicts equal Go crypto/ed25519', { skip: edgeText === null && 'shared vectors absent' }, () => {
  const all = JSON.parse(edgeText);
  assert.equal(all.length, 1077);
  const verdicts = loadVectors('ed25519/verdicts.json');
  const go = new Map(verdicts.cases.map((c) => [c.id, c.go]));
  assert.equal(go.size, 1077);
  let accepted = 0;
  const mismatches = [];
  for (const v of all) {
    assert.ok(go.has(v.id), `no Go verdict for ${v.id}`);
    let verdict;
    try {
      verdict = verify(Buffer.from(v.pk, 'hex'), Buffer.from(v.msg, 'hex'), Buffer.from(v.sig, 'hex'));
    } catch (err) {
      // Wrong-length keys or signatures: an "invalid" verdict.
      assert.ok(['invalid_key_length', 'invalid_signature_length'].includes(err.code), `${v.id}: ${err.message}`);
      verdict = false;
    }
    if (verdict) accepted += 1;
    if (verdict !== go.get(v.id)) mismatches.push(`${v.id}: trustcore ${verdict}, go ${go.get(v.id)}`);
    if (v.expected === 'valid' || v.expected === 'invalid') {
      assert.equal(verdict, v.expected === 'valid', `${v.id} (Wycheproof expected)`);
    }
  }
  assert.deepEqual(mismatches, []);
  const goAccepted = verdicts.cases.filter((c) => c.go).length;
  assert.equal(accepted, goAccepted);
});
