// The files the app's browser test loads, made with the full module
// (pkg-node) and Node's crypto as the remote signer, into
// <repo>/target/app-fixtures/ (kept between runs; remade when the
// generator's version changes):
//
//   signers.json, jwks.json        the signers (kernel-signer)
//   wrong-signers.json             JSON that is not a signers file
//   other-key-signers.json         kernel-signer with another key: every row breaks
//   export.jsonl, export.jsonl.gz  EVENTS rows of one chain (~800 bytes each)
//   tampered.jsonl                 the same with row TAMPERED_ROW's payload edited
//   replayed.jsonl                 the same with row REPLAYED_FROM again after row REPLAYED_AT
//   small.jsonl + checkpoint.note + vkeys.txt   chain.json's good/ten and its signed checkpoint
//   event.json                     one event of small.jsonl with its inclusion proof
//   policy-set.json, policy-record.json   policy.json's kernel set and a recorded denial
//   snapshot.json, batch.jsonl, disclosures.txt, all-disclosures.txt   a signed
//                                  snapshot of redacted (commitment-form) traces
//
//   node test/browser/fixtures.mjs   (prints the folder)
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { eventBody, signer, signersFile, writeChain } from '../signer.mjs';

const require = createRequire(import.meta.url);
export const VERSION = 4;
export const EVENTS = Number(process.env.APP_EVENTS ?? 100000);
export const TAMPERED_ROW = Math.floor(EVENTS * 0.777);
// replayed.jsonl: row REPLAYED_FROM again after row REPLAYED_AT (so far apart that two workers verify them).
export const REPLAYED_FROM = 5;
export const REPLAYED_AT = Math.floor(EVENTS * 0.9);
export const dir = fileURLToPath(new URL('../../../target/app-fixtures/', import.meta.url));

const vec = (name) => JSON.parse(readFileSync(new URL(`../../../test-vectors/${name}`, import.meta.url), 'utf8'));

export function make() {
  const stamp = `${dir}VERSION`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === `${VERSION} ${EVENTS}`) return dir;
  const t = require('../../pkg-node/trustcore_wasm.js');
  mkdirSync(dir, { recursive: true });
  const key = signer(31);
  const signers = signersFile({ 'kernel-signer': { key, validFrom: '2023-01-01T00:00:00Z' } });
  writeFileSync(`${dir}signers.json`, signers);
  writeFileSync(`${dir}jwks.json`, t.SignerRegistry.fromJson(signers).toJwks());
  writeFileSync(`${dir}wrong-signers.json`, JSON.stringify({ signer: [{ id: 'kernel-signer', key: key.publicKeyBase64 }] }));
  writeFileSync(`${dir}other-key-signers.json`, signersFile({ 'kernel-signer': { key: signer(32), validFrom: '2023-01-01T00:00:00Z' } }));

  const lines = writeChain(t, { signerId: 'kernel-signer', key, count: EVENTS, body: (i) => eventBody(i) });
  const text = `${lines.join('\n')}\n`;
  writeFileSync(`${dir}export.jsonl`, text);
  writeFileSync(`${dir}export.jsonl.gz`, gzipSync(text));
  const tampered = [...lines];
  tampered[TAMPERED_ROW] = tampered[TAMPERED_ROW].replace(/"amount":[0-9.]+/, '"amount":99999');
  if (tampered[TAMPERED_ROW] === lines[TAMPERED_ROW]) throw new Error('the tamper did not change the row');
  writeFileSync(`${dir}tampered.jsonl`, `${tampered.join('\n')}\n`);
  const replayed = [...lines];
  replayed.splice(REPLAYED_AT + 1, 0, lines[REPLAYED_FROM]);
  writeFileSync(`${dir}replayed.jsonl`, `${replayed.join('\n')}\n`);

  const fx = JSON.parse(readFileSync(new URL('../fixtures/event-in-checkpoint.json', import.meta.url), 'utf8'));
  writeFileSync(`${dir}small-signers.json`, fx.registry);
  writeFileSync(`${dir}small.jsonl`, `${fx.rows.join('\n')}\n`);
  writeFileSync(`${dir}checkpoint.note`, fx.checkpoint.note);
  writeFileSync(`${dir}vkeys.txt`, `${fx.vkey}\n`);
  writeFileSync(`${dir}event.json`, JSON.stringify({ index: 3, row: fx.rows[3], proof: fx.inclusion[3] }));

  const policy = vec('policy.json');
  const set = t.PolicySet.fromJson(JSON.stringify(policy.policySets.kernel));
  const request = { action: 'POST /kernel/allocate', subject: { id: 'u1', roles: ['Operator'], division: 'ops' }, body: { amount: 5000, division: 'ops' } };
  const decision = t.evaluate(set, request);
  const record = decision.policyChecks.find((c) => c.decision === 'deny');
  writeFileSync(`${dir}policy-set.json`, JSON.stringify(policy.policySets.kernel));
  writeFileSync(`${dir}policy-record.json`, JSON.stringify(record));

  // Redacted traces in a signed snapshot (commitment form, SD-JWT style).
  const graph = signer(33);
  writeFileSync(`${dir}snapshot-signers.json`, signersFile({ 'graph-signer': { key: graph, validFrom: '2026-01-01T00:00:00Z' } }));
  const rp = t.RedactionPolicy.fromJson({
    type: 'trustcore.redaction-policy/v1', id: 'traces-external', version: 1,
    rules: [
      { id: 'emails', select: { keys: ['email'] }, action: 'replace', class: 'email' },
      { id: 'phones', select: { detect: 'phone' }, action: 'mask', keep: 4 },
    ],
  });
  const salt = new Uint8Array(32).fill(7);
  const b = t.SnapshotBuilder.create();
  const batch = [];
  const disclosures = [];
  for (let i = 1; i <= 5; i += 1) {
    const c = t.commit({
      trace_id: `tr-${i}`, ts: `2026-03-01T12:00:0${i}Z`,
      steps: [{ tool: 'answer', user: { email: `user${i}@example.com` } }],
      reviewer: { email: 'rev@example.org', phone: '+14155550123' },
    }, rp, salt);
    batch.push(Buffer.from(b.push(c.record)));
    disclosures.push(c.disclosures);
  }
  const prepared = b.finish('snap-app', '2026-03-01T13:00:00Z').prepare('graph-signer');
  const snap = prepared.attach(graph.sign(prepared.message), t.PublicKey.fromBytes(graph.publicKeyRaw));
  writeFileSync(`${dir}snapshot.json`, snap.toJson());
  writeFileSync(`${dir}batch.jsonl`, Buffer.concat(batch));
  const second = disclosures[1];
  const revEmail = second.find((d) => Buffer.from(d, 'base64url').toString().includes('rev@example.org'));
  writeFileSync(`${dir}disclosures.txt`, `${revEmail}\n`);
  writeFileSync(`${dir}all-disclosures.txt`, `${second.join('\n')}\n`);
  writeFileSync(stamp, `${VERSION} ${EVENTS}`);
  return dir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  console.log(`${make()} (${Date.now() - t0} ms)`);
}
