// One batch of fuzz calls, in a child process forked by fuzz.mjs. Before
// each call it tells the parent what it is about to call (export, method
// and the printable form of the arguments), so that when a call hangs or
// aborts the process, the parent reports that call. Each call's outcome is
// checked here: it returns, or throws an Error with a string `code` (a
// TypeError `invalid_argument` counts), or rethrows an error a fuzz value
// planted (a getter, a Proxy trap, a callback). Anything else is a failure.

import { createRequire } from 'node:module';
import { openSync, writeSync, writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generator, label, rng, PlantedError } from './values.mjs';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { types } from 'node:util';

/**
 * A plain object the harness may read or copy: never a fuzz Proxy, whose
 * traps (getPrototypeOf, getOwnPropertyDescriptor, ...) throw in the
 * harness rather than in the call under test.
 */
function isPlainData(v) {
  return v !== null && typeof v === 'object' && !types.isProxy(v) && Object.getPrototypeOf(v) === Object.prototype;
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const t = require('../index.js');

/** Valid instances and texts, made once per batch. */
function buildPool(r) {
  const sk = t.SecretKey.fromBytes(Buffer.alloc(32, 7));
  const other = t.SecretKey.fromBytes(Buffer.alloc(32, 8));
  const pk = sk.publicKey();
  const signers = JSON.stringify({ signers: [{ signerId: 'kernel-signer', publicKey: pk.toBase64() }, { signerId: 's', publicKey: other.publicKey().toBase64(), revokedAt: '2026-03-01T00:00:00Z' }] });
  const registry = t.SignerRegistry.fromJson(signers);
  const writer = t.ChainWriter.create('kernel-signer', pk);
  const body = (i) => ({ id: `6f1c2a4e-0000-4000-8000-${String(i).padStart(12, '0')}`, ts: `2026-03-01T12:00:0${i}Z`, eventType: 't', actor: 'a', payload: { i } });
  const rows = [1, 2, 3].map((i) => writer.append(body(i), sk));
  const envelope = t.Envelope.create('upgrade.applied', { v: 1 });
  envelope.sign(sk, 'kernel-signer');
  const tree = t.MerkleTree.fromLeafData(rows.map((r) => Buffer.from(JSON.parse(r).hash, 'hex')));
  const checkpoint = t.Checkpoint.create('log', 3, tree.root());
  const note = checkpoint.sign([{ name: 'log', secretKey: sk }]);
  const vkey = t.VerifierKey.create('log', pk);
  const frontier = new t.Frontier();
  for (const h of tree.leafHashes()) frontier.push(h);
  const kernel = JSON.parse(readFileSync(join(here, '..', '..', 'test-vectors', 'policy.json'), 'utf8')).policySets.kernel;
  const set = t.PolicySet.fromObject(kernel);
  const decision = t.evaluate(set, { action: 'POST /kernel/allocate', subject: { id: 'u', roles: ['Operator'] }, body: { amount: 5000 } });
  const approvals = t.ApprovalSet.fromJson(JSON.stringify({ name: 'a', threshold: 1, signers: ['kernel-signer'] }));
  const verifier = t.ChainVerifier.create(registry);
  const state = verifier.state();
  const prepared = writer.prepare(body(4));
  const rotation = t.Envelope.create(t.ROTATION_KIND, { previous: 'kernel-signer', next: { signerId: 'n', publicKey: other.publicKey().toBase64(), validFrom: '2026-03-01T00:00:00Z' }, previousValidUntil: '2026-04-01T00:00:00Z', rotatedAt: '2026-03-01T00:00:00Z' });
  const signedRotation = t.Envelope.fromJson(rotation.toJson());
  signedRotation.sign(sk, 'kernel-signer');
  signedRotation.sign(other, 'n');
  const rowsFile = join(mkdtempSync(join(tmpdir(), 'trustcore-fuzz-rows-')), 'rows.jsonl');
  writeFileSync(rowsFile, rows.join('\n') + '\n');
  const approvalsJson = JSON.stringify({ name: 'a', threshold: 1, signers: ['kernel-signer'] });
  const allowed = { action: 'POST /kernel/allocate', subject: { id: 'u', roles: ['Operator'], division: 'ops' }, body: { amount: 10, division: 'ops' } };
  const doc = () => ({ b: [1, 'x', { c: null, d: true }], a: 1.5, s: 'caf\u00e9' });
  const h32 = Buffer.alloc(32, 5);
  const dig64 = Buffer.alloc(64, 3);
  const signer = (m) => sk.sign(m);
  // #11: a signers file, the columns of the default profile's table, a plan.
  const signersFile = join(dirname(rowsFile), 'signers.json');
  writeFileSync(signersFile, signers);
  const columns = [['id', 'uuid'], ['seq', 'bigint'], ['ts', 'timestamp with time zone'], ['event_type', 'text'], ['actor', 'text'], ['payload', 'jsonb'], ['prev_hash', 'text'], ['hash', 'text'], ['signer_id', 'text'], ['signature', 'text']];
  const appendPlan = t.AppendPlan.create('trustcore/v1', 'audit_events', columns);
  const appendBody = () => ({ event_type: 't', actor: 'a', payload: { i: 1 } });
  // #10, #12, #14: chain profiles and revocation, snapshots and
  // redaction, segments.
  const kw = t.ChainWriter.create('kernel-signer', pk, { profile: 'kernel/v1' });
  const kernelRows = [1, 2, 3].map((i) => kw.appendRow({ id: body(i).id, created_at: body(i).ts, event_type: 't', payload: { i } }, sk));
  const v1Row = (i) => ({ id: body(i).id, ts: body(i).ts, event_type: 't', actor: 'a', payload: { i } });
  const revocationRecord = t.Envelope.fromText(t.REVOCATION_KIND, t.revocationPayload('kernel-signer', '2026-02-01T00:00:00Z', 'key compromise'));
  revocationRecord.sign(other, 's');
  const trace = (i) => ({ trace_id: `tr-${i}`, ts: `2026-03-01T12:00:0${i}Z`, user: { email: 'a@b.co', phone: '+14155550123' }, steps: [{ query: `q${i}`, token: 't' }, 'x'] });
  const snapBuilder = () => {
    const b = new t.SnapshotBuilder();
    for (let i = 1; i <= 3; i++) b.pushRecord(trace(i));
    return b;
  };
  const sb = new t.SnapshotBuilder();
  const batchLines = [1, 2, 3].map((i) => sb.pushRecord(trace(i)));
  const batch = Buffer.concat(batchLines);
  const unsigned = sb.finish('snap', at);
  const meta = unsigned.sign(sk, 'kernel-signer');
  const batchGz = join(dirname(rowsFile), 'batch.jsonl.gz');
  writeFileSync(batchGz, gzipSync(batch));
  const publishedRow = t.ChainWriter.create('kernel-signer', pk).append(t.snapshotEventBody(meta, body(7).id, at, 'svc'), sk);
  const policyDoc = { type: 'trustcore.redaction-policy/v1', id: 'p', version: 1, rules: [{ id: 'emails', select: { keys: ['email'] }, action: 'replace', class: 'email' }, { id: 'phones', select: { detect: 'phone' }, action: 'mask', keep: 4 }, { id: 'q', select: { pointer: '/steps/*/query' }, action: 'pseudonymize' }, { id: 'tok', select: { pointer: '/**/token' }, action: 'remove' }] };
  const policy = t.loadRedactionPolicy(policyDoc);
  const redKeys = { saltKey: Buffer.alloc(32, 7), pseudonymKey: Buffer.alloc(32, 8) };
  const committed = t.commit(trace(1), policy, redKeys.saltKey);
  const redacted = t.redact(trace(1), policy, redKeys);
  const segOf = () => {
    const v = new t.SegmentVerifier(registry);
    for (const row of rows) v.pushRow(row);
    return v.finish();
  };
  const seg = segOf();
  const stitcher = new t.Stitcher([seg.summary()], []);
  const request = stitcher.requests()[0];
  const answer = seg.answer(request);
  const p = {
    kernelRows, v1Row, revocationRecord, trace, batchLines, batch, unsigned, meta, batchGz, publishedRow, policyDoc, policy, redKeys,
    committed, redacted, seg, request, answer,
    signersFile, columns, appendPlan, appendBody,
    sk, other, pk, signers, registry, writer, body, rows, envelope, tree, checkpoint, note, vkey, frontier, kernel,
    set, decision, approvals, state, prepared, signedRotation, rowsFile, approvalsJson, allowed, doc, h32, dig64, signer,
  };
  // Fresh instances where a call may consume or change one.
  const instances = {
    PublicKey: () => pk,
    SecretKey: () => sk,
    Envelope: () => (r.chance(0.5) ? envelope : t.Envelope.fromJson(envelope.toJson())),
    SignerRegistry: () => (r.chance(0.5) ? registry : t.SignerRegistry.fromJson(signers)),
    ApprovalSet: () => approvals,
    ChainWriter: () => t.ChainWriter.create('kernel-signer', pk, { head: writer.head }),
    PreparedEvent: () => prepared,
    ChainVerifier: () => t.ChainVerifier.create(registry),
    MerkleTree: () => tree,
    Frontier: () => (r.chance(0.5) ? frontier : t.Frontier.fromParts(frontier.size, frontier.hashes())),
    Checkpoint: () => checkpoint,
    VerifierKey: () => vkey,
    PolicySet: () => set,
    // #12, #14
    SnapshotBuilder: () => snapBuilder(),
    UnsignedSnapshot: () => unsigned,
    PreparedSnapshot: () => unsigned.prepare('kernel-signer'),
    SnapshotVerifier: () => new t.SnapshotVerifier(meta, registry),
    RedactionPolicy: () => policy,
    SegmentVerifier: () => (r.chance(0.5) ? new t.SegmentVerifier(registry) : t.SegmentVerifier.forBytes(registry, 10, 400)),
    Segment: () => (r.chance(0.5) ? seg : segOf()),
    Stitcher: () => stitcher,
    // #11: the command line and the SQL plans.
    CliCommand: () => (r.chance(0.5) ? t.cliParse(['audit-verify', rowsFile, '--signers', signersFile, '--json']) : t.cliParse(['audit-verify', '--database-url', 'postgres://u@127.0.0.1:1/db', '--signers', signersFile])),
    CliRun: () => t.cliParse(['audit-verify', '-', '--signers', signersFile]).start(Buffer.from(signers)),
    AppendPlan: () => appendPlan,
    PreparedAppend: () => appendPlan.prepare(null, '0', 'kernel-signer', pk, appendBody(), { now: at, newId: body(5).id }),
  };
  const consts = [
    () => rows[0], () => rows.join('\n'), () => JSON.parse(rows[1]), () => Buffer.from(rows[2]), () => signers,
    () => note, () => Buffer.from(note), () => [vkey], () => tree.inclusionProof(0, 3), () => tree.root(),
    () => Buffer.alloc(32, 1), () => Buffer.alloc(64, 2), () => body(9), () => writer.head, () => state,
    () => JSON.stringify(state), () => decision, () => decision.policyChecks[0], () => kernel,
    () => ({ action: 'POST /kernel/allocate', body: { amount: 1 } }), () => rotation, () => [{ name: 'log', secretKey: sk }],
    () => ({ stopAtFirst: true, maxBreaks: 2 }), () => ({ expectedHead: writer.head }), () => ({ hashAlg: 'blake3' }),
    () => ({ maxDepth: 3 }), () => ({ chunkSize: 7 }), () => ({ checkpoint: { size: 3, root: tree.root().toString('hex') } }),
    () => 0, () => 1, () => 3, () => 2n, () => '2026-03-01T12:00:00Z', () => new Date('2026-03-01T12:00:00Z'),
    () => pk.toPem(), () => pk.toJwk('k'), () => sk.exportPem(), () => sk.exportJwk(), () => pk.toHex(), () => vkey.toString(),
    () => checkpoint.toText(), () => 'ed25519ph', () => (m) => sk.sign(m), () => async (m) => other.sign(m),
  ];
  return { instances, plausible: [...Object.values(instances), ...consts], p };
}

/**
 * A valid call per target (`(p, self) => args`): the fuzzer replaces or
 * mutates one or two of these arguments, so most calls get past the first
 * checks and reach the deeper conversions. A target without one is still
 * fuzzed with random arguments.
 */
const at = '2026-03-01T12:00:00Z';
const TEMPLATES = {
  version: () => [],
  canonicalize: (p) => [p.doc(), { maxDepth: 64 }],
  canonicalizeText: (p) => [JSON.stringify(p.doc()), { maxDepth: 64 }],
  digest: () => [Buffer.from('abc'), 'blake3'],
  canonicalDigest: (p) => [p.doc(), 'sha256', { maxDepth: 10 }],
  canonicalDigestText: (p) => [JSON.stringify(p.doc()), 'blake3'],
  parseDigest: () => ['sha256:' + 'ab'.repeat(32)],
  sign: (p) => [p.sk, 'message'],
  verify: (p) => [p.pk.toBytes(), 'message', p.sk.sign('message')],
  signEd25519phDigest: (p) => [p.sk, p.dig64],
  verifyEd25519phDigest: (p) => [p.pk.toBytes(), p.dig64, t.signEd25519phDigest(p.sk, p.dig64)],
  leafHash: (p) => [p.h32],
  nodeHash: (p) => [p.h32, p.h32],
  verifyInclusion: (p) => [p.tree.leafHashes()[0], 0, 3, p.tree.inclusionProof(0, 3), p.tree.root()],
  verifyConsistency: (p) => [2, 3n, p.tree.rootAt(2), p.tree.root(), p.tree.consistencyProof(2, 3)],
  openCheckpoint: (p) => [p.note, [p.vkey]],
  checkAgainstCheckpoint: (p) => [t.openCheckpoint(p.note, [p.vkey]).checkpoint, p.frontier],
  verifyJsonl: (p) => [p.rows.join('\n'), p.registry, { expectedHead: p.writer.head, maxBreaks: 5 }],
  verifyJsonlAsync: (p) => [Buffer.from(p.rows.join('\n')), p.registry, { checkpoint: { size: 3, root: p.tree.root().toString('hex') } }],
  verifyFd: (p) => [3, p.registry, { chunkSize: 64, threads: 1 }],
  verifyFile: (p) => [p.rowsFile, p.registry, { chunkSize: 64 }],
  verifyEventInCheckpoint: (p) => [p.rows[0], 0, p.tree.inclusionProof(0, 3), p.note, [p.vkey], p.registry, { hashAlg: 'sha256' }],
  replay: (p) => [[p.rows[2], p.rows[0], JSON.parse(p.rows[1])], { hash: '0'.repeat(64), seq: 0 }],
  evaluate: (p) => [p.set, p.allowed],
  evaluateToJson: (p) => [p.set, JSON.stringify(p.allowed)],
  evaluateWithDenial: (p) => [p.set, Buffer.from(JSON.stringify(p.allowed))],
  enforceOrThrow: (p) => [p.set, p.allowed],
  enforcePolicyOrThrow: (p) => [p.set, p.allowed],
  explain: (p) => [p.decision.policyChecks[0], p.set],
  impact: (p) => [p.set, p.set, [p.allowed, JSON.stringify(p.allowed)]],
  canaryBucket: () => [{ id: 'u1' }],
  'new PolicyDeniedError': (p) => [p.decision, 'denied'],
  'Envelope.create': () => ['k', { a: [1] }],
  'Envelope.fromText': () => ['k', '{"a":1}'],
  'Envelope.fromJson': (p) => [p.envelope.toJson()],
  'Envelope#attach': (p, self) => ['kernel-signer', p.sk.sign(self.prepare('kernel-signer').message), p.pk],
  'Envelope#prepare': () => ['kernel-signer', 'ed25519ph'],
  'Envelope#sign': (p) => [p.sk, 'kernel-signer'],
  'Envelope#signWith': (p) => ['kernel-signer', p.pk, p.signer],
  'Envelope#verify': (p) => [0, p.pk],
  'Envelope#signingInputOf': () => [0],
  'Checkpoint.create': (p) => ['log', 3, p.tree.root(), ['ext line']],
  'Checkpoint.parse': (p) => [p.checkpoint.toText()],
  'Checkpoint#sign': (p) => [[{ name: 'log', secretKey: p.sk }]],
  'Checkpoint#signWith': (p) => [p.vkey, p.signer],
  'VerifierKey.create': (p) => ['log', p.pk],
  'VerifierKey.parse': (p) => [p.vkey.toString()],
  'MerkleTree.fromLeafData': (p) => [[p.h32, Buffer.alloc(32, 6)]],
  'MerkleTree#consistencyProof': () => [1, 3],
  'MerkleTree#inclusionProof': () => [1, 3n],
  'MerkleTree#push': (p) => [p.h32],
  'MerkleTree#rootAt': () => [2],
  'ChainWriter.create': (p) => ['kernel-signer', p.pk, { hashAlg: 'sha256', alg: 'ed25519' }],
  'ChainWriter#append': (p) => [p.body(4), p.sk],
  'ChainWriter#appendWith': (p) => [p.body(4), p.signer],
  'ChainWriter#attach': (p, self) => {
    const pr = self.prepare(p.body(4));
    return [pr, p.sk.sign(pr.message)];
  },
  'ChainWriter#prepare': (p) => [p.body(4)],
  'ChainVerifier.create': (p) => [p.registry, { threads: 1, trackIds: false }],
  'ChainVerifier.resume': (p) => [p.registry, p.state, { stopAtFirst: true }],
  'ChainVerifier#feed': (p) => [p.rows.join('\n')],
  'ChainVerifier#feedRow': (p) => [JSON.parse(p.rows[0])],
  'SignerRegistry.fromJson': (p) => [p.signers],
  'SignerRegistry.fromJwks': (p) => [p.registry.toJwks()],
  'SignerRegistry#applyRotation': (p) => [p.signedRotation],
  'SignerRegistry#verifyRotation': (p) => [p.signedRotation],
  'SignerRegistry#get': () => ['kernel-signer'],
  'SignerRegistry#keyFor': () => ['kernel-signer', at],
  'SignerRegistry#verifyEnvelope': (p) => [p.envelope, new Date(at)],
  'Frontier.fromParts': (p) => [p.frontier.size, p.frontier.hashes()],
  'Frontier#push': (p) => [p.h32],
  'Frontier#pushData': (p) => [p.h32],
  'PolicySet.fromJson': (p) => [JSON.stringify(p.kernel)],
  'PolicySet.fromObject': (p) => [p.kernel],
  'PolicySet#checkUpdate': (p) => [p.set],
  'ApprovalSet.fromJson': (p) => [p.approvalsJson],
  'ApprovalSet#verify': (p) => [p.envelope, p.registry, at],
  'PublicKey.fromBase64': (p) => [p.pk.toBase64()],
  'PublicKey.fromBytes': (p) => [p.pk.toBytes()],
  'PublicKey.fromDer': (p) => [p.pk.toDer()],
  'PublicKey.fromHex': (p) => [p.pk.toHex()],
  'PublicKey.fromJwk': (p) => [JSON.parse(p.pk.toJwk())],
  'PublicKey.fromPem': (p) => [p.pk.toPem()],
  'PublicKey#equals': (p) => [p.pk],
  'PublicKey#toJwk': () => ['kid'],
  'SecretKey.fromBase64': (p) => [p.sk.exportBase64()],
  'SecretKey.fromBytes': (p) => [p.sk.exportBytes()],
  'SecretKey.fromSeed': (p) => [p.sk.exportBytes()],
  'SecretKey.fromDer': () => [Buffer.from('302e020100300506032b657004220420' + '07'.repeat(32), 'hex')],
  'SecretKey.fromHex': (p) => [p.sk.exportHex()],
  'SecretKey.fromJwk': (p) => [p.sk.exportJwk()],
  'SecretKey.fromPem': (p) => [p.sk.exportPem()],
  'SecretKey#sign': () => ['message'],
  'SecretKey#exportJwk': () => ['kid'],
  // #10: chain profiles, revocation
  builtinProfiles: () => [],
  loadProfile: () => [t.builtinProfiles()['kernel/v1']],
  profileDigest: () => ['kernel/v1'],
  profileCoverage: () => [t.builtinProfiles()['payload-sig/v1']],
  inferProfile: (p) => [p.kernelRows, p.registry],
  verifyRow: (p) => [p.kernelRows[1], p.registry, { profile: 'kernel/v1' }],
  revocationPayload: () => ['kernel-signer', '2026-02-01T00:00:00Z', 'key compromise'],
  revokeSigner: (p) => [p.registry, 'kernel-signer', '2026-02-01T00:00:00Z', 'key compromise', 's', p.other],
  revokeSignerWith: (p) => [p.registry, 'kernel-signer', '2026-02-01T00:00:00Z', 'key compromise', 's', p.other.publicKey(), async (m) => p.other.sign(m)],
  recheck: (p) => [[{ envelope: p.envelope, at }, { row: p.rows[0] }, { row: JSON.parse(p.rows[1]) }], p.registry, p.registry, { profile: 'trustcore/v1' }],
  'SignerRegistry#revoke': () => ['kernel-signer', '2026-02-01T00:00:00Z', 'key compromise'],
  'SignerRegistry#verifyRevocation': (p) => [p.revocationRecord],
  'SignerRegistry#applyRevocation': (p) => [p.revocationRecord],
  'ChainWriter#prepareRow': (p) => [p.v1Row(4)],
  'ChainWriter#appendRow': (p) => [p.v1Row(4), p.sk],
  'ChainWriter#appendRowWith': (p) => [p.v1Row(4), p.signer],
  // #12: snapshots, redaction
  'new SnapshotBuilder': () => [{ hashAlg: 'blake3', traceId: '/trace_id' }],
  'SnapshotBuilder#pushRecord': (p) => [p.trace(4)],
  'SnapshotBuilder#finish': () => ['snap', at],
  'UnsignedSnapshot#sign': (p) => [p.sk, 'kernel-signer'],
  'UnsignedSnapshot#prepare': () => ['kernel-signer', 'ed25519ph'],
  'UnsignedSnapshot#signWith': (p) => ['kernel-signer', p.pk, p.signer],
  'PreparedSnapshot#attach': (p, self) => [p.sk.sign(self.message), p.pk],
  'new SnapshotVerifier': (p) => [p.meta, p.registry],
  'SnapshotVerifier#pushBytes': (p) => [p.batch],
  verifySnapshot: (p) => [p.meta, p.batch, p.registry],
  verifySnapshotFile: (p) => [p.meta, p.batchGz, p.registry],
  verifySnapshotStream: (p) => [p.meta, Readable.from([p.batch.subarray(0, 9), p.batch.subarray(9)]), p.registry],
  recordProof: (p) => [p.batch, 1],
  verifyRecord: (p) => [p.meta, p.batchLines[1], 1, t.recordProof(p.batch, 1), p.registry],
  snapshotEventBody: (p) => [p.meta, p.body(7).id, at, 'svc'],
  checkSnapshotEvent: (p) => [p.meta, p.publishedRow],
  loadRedactionPolicy: (p) => [p.policyDoc],
  redact: (p) => [p.trace(2), p.policy, p.redKeys],
  commit: (p) => [p.trace(2), p.policy, p.redKeys.saltKey],
  disclose: (p) => [p.committed.record, p.committed.disclosures],
  discloseReport: (p) => [p.committed.record, p.committed.disclosures],
  proves: (p) => [p.redacted.record.redactions[0], 'a@b.co', p.redKeys.saltKey],
  // #14: segments
  'new SegmentVerifier': (p) => [p.registry, { trackIds: true, maxBreaks: 3 }],
  'SegmentVerifier.forBytes': (p) => [p.registry, 0, 500, { threads: 1 }],
  'SegmentVerifier#pushBytes': (p) => [Buffer.from(p.rows.join('\n') + '\n')],
  'SegmentVerifier#pushRow': (p) => [p.rows[0]],
  'Segment#idBuckets': () => [0, 4],
  'Segment#answer': (p) => [p.request],
  'Segment.fromBytes': (p) => [p.seg.toBytes()],
  duplicates: (p) => [p.seg.idBuckets(0, 2)],
  'new Stitcher': (p) => [[p.seg.summary()], [], { trackIds: true }],
  'Stitcher#finish': (p) => [[p.answer]],
  stitch: (p) => [[p.seg], { stopAtFirst: false }],
  splitBytes: () => [1000, 4],
  parallelVerifyPlan: () => [{ workers: 2, chunkSize: 100, stopAtFirst: true }],
  verifyFileParallel: (p) => [p.rowsFile, p.registry, { workers: 2, threads: 1 }],
  // #11
  cliParse: (p) => [['audit-verify', p.rowsFile, '--signers', p.signersFile, '--json', '--threads', '1']],
  cliFailure: () => ['readFlag', 'No such file or directory (os error 2)', { flag: '--signers', path: 'signers.json' }],
  osErrorText: () => [2],
  progressLine: () => [50000, 50, 100, 2],
  sqlTable: () => ['audit.events'],
  sqlMigration: () => ['kernel/v1', 'audit_events'],
  sqlRetryable: () => ['23505'],
  selectPlan: (p) => ['trustcore/v1', 'audit_events', p.columns],
  'AppendPlan.create': (p) => ['trustcore/v1', 'audit_events', p.columns],
  'AppendPlan#prepare': (p) => [null, '0', 'kernel-signer', p.pk, p.appendBody(), { now: at, newId: p.body(6).id }],
  'PreparedAppend#sign': (p) => [p.sk],
  'PreparedAppend#attach': (p, self) => [p.sk.sign(self.message)],
  'PreparedAppend#attachWith': (p) => [p.signer],
  'CliCommand#start': (p) => [Buffer.from(p.signers), null, null, null],
  'CliCommand#selectPlan': (p) => [null, p.columns],
  'CliRun#feed': (p) => [Buffer.from(p.rows.join('\n'))],
  'CliRun#feedRow': (p) => [p.rows[0]],
  'CliRun#feedRows': (p) => [p.rows],
  'CliRun#feedTableRow': (p) => [p.rows[0]],
  'CliRun#feedTableRows': (p) => [p.rows],
};

/** Every export and every class method, static method, getter and constructor. */
export function targets() {
  const out = [];
  for (const [name, v] of Object.entries(t)) {
    if (typeof v !== 'function') continue;
    const isClass = /^class\b/.test(Function.prototype.toString.call(v)) || Object.getOwnPropertyNames(v.prototype ?? {}).length > 1;
    if (!isClass) {
      out.push({ id: name, kind: 'function', fn: v, arity: v.length });
      continue;
    }
    out.push({ id: `new ${name}`, kind: 'new', ctor: v, arity: v.length });
    for (const s of Object.getOwnPropertyNames(v)) {
      if (['length', 'name', 'prototype'].includes(s) || typeof v[s] !== 'function') continue;
      out.push({ id: `${name}.${s}`, kind: 'function', fn: v[s], arity: v[s].length });
    }
    const proto = v.prototype;
    for (const key of [...Object.getOwnPropertyNames(proto), ...Object.getOwnPropertySymbols(proto)]) {
      if (key === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(proto, key);
      const shown = typeof key === 'symbol' ? `[${key.description}]` : key;
      if (d.get) out.push({ id: `${name}#${shown} (getter)`, kind: 'getter', cls: name, get: d.get });
      else if (typeof d.value === 'function') out.push({ id: `${name}#${shown}`, kind: 'method', cls: name, fn: d.value, arity: d.value.length });
    }
  }
  return out;
}

/** An error that passes: coded, or planted by the fuzz input itself. */
function acceptable(e) {
  if (e instanceof PlantedError || (e && e.planted === true)) return true;
  // A planted error thrown by a callback comes back as the cause of the
  // core's remote_signer_failed, which has its code: fine either way.
  return e instanceof Error && typeof e.code === 'string' && e.code.length > 0;
}

const send = (m) => new Promise((resolve) => process.send(m, resolve));

async function main() {
  const [seed, count, callMs] = process.argv.slice(2).map(Number);
  const r = rng(seed);
  const { instances, plausible, p } = buildPool(r);
  const gen = generator(r, plausible);
  const list = targets();
  const missing = [...new Set(list.filter((x) => x.kind === 'method' || x.kind === 'getter').map((x) => x.cls))].filter((c) => !instances[c]);
  if (missing.length) {
    await send({ k: 'fatal', message: `no instance factory for class ${missing.join(', ')}: add one to fuzz/worker.mjs` });
    process.exit(2);
  }
  // verifyFd reads a descriptor until its end: a small integer would be one
  // of this process's own (its IPC socket) and block by design, so numbers
  // that look like descriptors read a file of garbage instead.
  const garbage = join(mkdtempSync(join(tmpdir(), 'trustcore-fuzz-')), 'garbage.jsonl');
  const gfd = openSync(garbage, 'w+');
  writeSync(gfd, 'x\n{"a":1}\n'.repeat(1000));
  const stats = { calls: 0, threw: 0, codes: {}, perTarget: {}, okPerTarget: {} };
  for (let i = 0; i < count; i++) {
    const target = list[r.int(list.length)];
    const self = target.cls ? instances[target.cls]() : undefined;
    const template = TEMPLATES[target.id] ?? ((target.kind === 'getter' || target.arity === 0) && (() => []));
    let args;
    const mode = r.int(10);
    if (template && mode < 7) {
      // A valid call, as it is (1 in 7) or with one or two arguments (or
      // one member of an object argument) replaced by random values, an
      // argument dropped or one added.
      args = template(p, self);
      const own = new Set(args.filter(isPlainData));
      const changes = mode === 0 ? 0 : 1 + r.int(2);
      for (let c = 0; c < changes; c++) {
        const k = r.int(args.length + 1);
        const what = r.int(10);
        if (what === 0) args.splice(k, 1);
        else if (what === 1 || k === args.length) args.push(gen.value());
        else if (what < 5 && own.has(args[k])) {
          // Only the template's own plain objects: no fuzz value is touched here.
          const keys = Object.keys(args[k]);
          const key = keys.length && r.chance(0.7) ? r.pick(keys) : r.pick(['x', 'maxDepth', 'hash_alg', 'payload', 'seq', 'id']);
          args[k] = { ...args[k] };
          Object.defineProperty(args[k], key, { value: gen.value(), enumerable: true, writable: true, configurable: true });
          own.add(args[k]);
        } else args[k] = gen.value();
      }
    } else {
      const argc = target.kind === 'getter' ? 0 : r.int((target.arity ?? 2) + 3);
      args = Array.from({ length: argc }, () => gen.value());
    }
    if (target.id === 'verifyFd' && typeof args[0] === 'number' && Number.isInteger(args[0]) && args[0] >= 0 && args[0] < 2 ** 31) args[0] = gfd;
    // verifyFileParallel starts a worker thread per part (up to 64): more
    // than a few would make a call slower than the limit by design.
    if (target.id === 'verifyFileParallel' && isPlainData(args[2])) {
      const d = Object.getOwnPropertyDescriptor(args[2], 'workers');
      if (d && 'value' in d && typeof d.value === 'number' && d.value > 4) args[2] = { ...args[2], workers: 2 };
    }
    const desc = `${target.id}(${args.map(label).join(', ')})`.slice(0, 2000);
    await send({ k: 'call', i, id: target.id, desc });
    const t0 = process.hrtime.bigint();
    let outcome;
    try {
      let ret;
      if (target.kind === 'new') ret = new target.ctor(...args);
      else if (target.kind === 'getter') ret = target.get.call(self);
      else ret = target.fn.apply(self, args);
      if (ret && typeof ret.then === 'function') {
        let timer;
        ret = await Promise.race([ret, new Promise((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error('the promise did not settle'), { fuzzHang: true })), callMs); })]);
        clearTimeout(timer);
      }
      outcome = { ok: true };
    } catch (e) {
      outcome = { ok: false, e };
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    stats.calls++;
    stats.perTarget[target.id] = (stats.perTarget[target.id] ?? 0) + 1;
    let failure;
    if (outcome.ok) stats.okPerTarget[target.id] = (stats.okPerTarget[target.id] ?? 0) + 1;
    if (!outcome.ok) {
      stats.threw++;
      const e = outcome.e;
      if (e && e.fuzzHang) failure = `hang: the returned promise did not settle within ${callMs} ms`;
      else if (!acceptable(e)) failure = `threw a code-less error: ${e instanceof Error ? `${e.name}: ${e.message}` : `a non-Error ${typeof e} ${String(e).slice(0, 200)}`}`;
      else {
        const code = e.planted ? 'planted' : e.code;
        stats.codes[code] = (stats.codes[code] ?? 0) + 1;
      }
    }
    if (!failure && ms > callMs) failure = `slow: ${ms.toFixed(0)} ms (limit ${callMs} ms)`;
    if (failure) await send({ k: 'failure', i, id: target.id, desc, failure, stack: outcome.e?.stack?.split('\n').slice(0, 6).join('\n') });
  }
  await send({ k: 'stats', stats });
  process.exit(0);
}

if (process.send) main();
