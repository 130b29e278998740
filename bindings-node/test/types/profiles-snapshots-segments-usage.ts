// Type-checks the declarations of chain profiles and revocation (#10),
// snapshots and redaction (#12) and segments (#14) against typical use
// (`npm run typecheck`). Never executed; a wrong declaration fails
// `tsc --strict`.
import {
  ChainWriter,
  ChainVerifier,
  Envelope,
  PreparedSnapshot,
  REVOCATION_KIND,
  RedactionPolicy,
  SNAPSHOT_PUBLISHED_EVENT,
  SecretKey,
  Segment,
  SegmentVerifier,
  SignerRegistry,
  SnapshotBuilder,
  SnapshotVerifier,
  Stitcher,
  UnsignedSnapshot,
  builtinProfiles,
  checkSnapshotEvent,
  commit,
  disclose,
  duplicates,
  inferProfile,
  loadProfile,
  loadRedactionPolicy,
  profileCoverage,
  profileDigest,
  proves,
  recheck,
  recordProof,
  redact,
  replay,
  revocationPayload,
  revokeSigner,
  revokeSignerWith,
  snapshotEventBody,
  splitBytes,
  stitch,
  verifyEventInCheckpoint,
  verifyFile,
  verifyFileParallel,
  verifyJsonl,
  verifyRecord,
  verifyRow,
  verifySnapshot,
  verifySnapshotFile,
  verifySnapshotStream,
  type ChainProfileDocument,
  type ChainReport,
  type Committed,
  type EventBody,
  type Inference,
  type RecheckReport,
  type Redacted,
  type RedactionRecord,
  type RevocationInfo,
  type RevokedSigner,
  type RowVerdict,
  type SnapshotMetadata,
  type SnapshotReport,
} from '../../index.js';
import { createReadStream } from 'node:fs';

export async function profiles(registry: SignerRegistry, key: SecretKey): Promise<void> {
  const all: Record<string, ChainProfileDocument> = builtinProfiles();
  const kernel: ChainProfileDocument = loadProfile(all['kernel/v1']);
  const fromText: ChainProfileDocument = loadProfile('{"type":"trustcore.chain-profile/v1"}');
  const encoding: 'hex' | 'base64' | 'prefixed' = kernel.hash.encoding;
  const digest: string = profileDigest('kernel/v1') + profileDigest(fromText);
  const unsigned: string[] = profileCoverage(kernel).unsigned;
  const w: ChainWriter = ChainWriter.create('kernel-signer', key.publicKey(), { profile: 'kernel/v1' });
  const row: string = w.appendRow({ id: 'x', created_at: '2026-03-01T12:00:00Z', event_type: 't', payload: {} }, key);
  const prepared = w.prepareRow({ id: 'y' });
  const attached: string = w.attach(prepared, key.sign(prepared.message));
  const remote: string = await w.appendRowWith({ id: 'z' }, async (m: Buffer) => key.sign(m));
  const name: string = w.profile.name;
  const report: ChainReport = verifyJsonl([row, attached, remote].join('\n'), registry, { profile: kernel, stopAtFirst: true });
  const fileReport: ChainReport = verifyFile('export.jsonl', registry, { profile: 'kernel/v1', chunkSize: 1 << 16 });
  const v: ChainVerifier = ChainVerifier.create(registry, { profile: kernel });
  v.feedRow(row);
  const one: RowVerdict = verifyRow(row, registry, { profile: 'kernel/v1' });
  const reason: string | undefined = one.valid ? undefined : one.reason;
  const events = replay([row], null, { profile: 'kernel/v1' }).events;
  const inc = verifyEventInCheckpoint(row, 0, [], 'note', [], registry, { profile: kernel });
  const inferred: Inference = inferProfile([row, JSON.parse(row) as object, Buffer.from(row)], registry);
  const matched: string[] = inferred.matches.map((m) => m.name);
  const hashes: number = inferred.attempts[0].hashesMatched;
  console.log(encoding, digest, unsigned, name, report.valid, fileReport.breakCount, reason, events.length, inc.valid, matched, hashes, inferred.ambiguous);
}

export async function revocation(registry: SignerRegistry, officer: SecretKey): Promise<void> {
  const r: RevokedSigner = revokeSigner(registry, 'kernel-signer', '2026-03-01T12:00:05Z', 'key compromise', 'security-officer', officer);
  const updated: SignerRegistry = r.registry;
  const published: string = r.signersFile + r.record.toJson();
  const when: string = r.revocation.revokedAt;
  const remote: RevokedSigner = await revokeSignerWith(registry, 'kernel-signer', new Date(), 'key compromise', 'security-officer', officer.publicKey(), async (m) => officer.sign(m));
  const record: Envelope = Envelope.fromText(REVOCATION_KIND, revocationPayload('kernel-signer', new Date(), 'x'));
  const info: RevocationInfo = updated.verifyRevocation(record);
  const applied: RevocationInfo = registry.clone().applyRevocation(record);
  const direct: RevocationInfo = registry.clone().revoke('kernel-signer', '2026-03-01T00:00:00Z', 'x');
  const rc: RecheckReport = recheck([{ envelope: record, at: new Date() }, { row: '{}' }], registry, updated, { profile: 'trustcore/v1' });
  const status: 'still_valid' | 'now_invalid' | 'was_invalid' | 'now_valid' = rc.items[0].status;
  console.log(published, when, remote.revocation.signer, info.reason, applied.signer, direct.revokedAt, rc.nowInvalid, status);
}

export async function snapshots(registry: SignerRegistry, key: SecretKey): Promise<void> {
  const b: SnapshotBuilder = new SnapshotBuilder({ hashAlg: 'blake3', traceId: '/id' });
  const line: Buffer = b.pushRecord({ trace_id: 't', ts: '2026-03-01T00:00:00Z' });
  b.pushRecord('{"trace_id":"u","ts":"2026-03-01T00:00:01Z"}');
  const count: number = b.count;
  const u: UnsignedSnapshot = b.finish('snap', new Date());
  const partial = u.metadata;
  const local: SnapshotMetadata = u.sign(key, 'graph-signer');
  const p: PreparedSnapshot = u.prepare('kms', 'ed25519ph');
  const viaKms: SnapshotMetadata = p.attach(await Promise.resolve(key.sign(p.message)), key.publicKey());
  const remote: SnapshotMetadata = await u.signWith('kms', key.publicKey(), async (digest: Buffer) => key.sign(digest), 'ed25519ph');
  const range: string = remote.trace_range.first_trace_id + remote.signer_kid + local.snapshot_id + partial.hash;
  const r1: SnapshotReport = verifySnapshot(local, line, registry);
  const r2: SnapshotReport = await verifySnapshotFile(JSON.stringify(viaKms), 'batch.jsonl.gz', registry);
  const r3: SnapshotReport = await verifySnapshotStream(local, createReadStream('batch.jsonl'), registry);
  const sv = new SnapshotVerifier(local, registry);
  sv.pushBytes(line);
  const r4: SnapshotReport = sv.finish();
  const where: number | undefined = r4.failures[0]?.line;
  const proof: Buffer[] = recordProof(line, 0);
  const r5: SnapshotReport = verifyRecord(local, line, 0, proof, registry);
  const body: EventBody = snapshotEventBody(local, 'id', '2026-03-01T00:00:00Z', 'svc');
  const row: string = ChainWriter.create('graph-signer', key.publicKey()).append(body, key);
  checkSnapshotEvent(local, row);
  console.log(count, range, r1.valid, r2.failureCounts, r3.records, where, r5.snapshotId, SNAPSHOT_PUBLISHED_EVENT);
}

export function redaction(): void {
  const policy: RedactionPolicy = loadRedactionPolicy({ type: 'trustcore.redaction-policy/v1', id: 'p', version: 1, rules: [] });
  const again: RedactionPolicy = loadRedactionPolicy(JSON.stringify(policy));
  const keys = { saltKey: Buffer.alloc(32), pseudonymKey: new Uint8Array(32) };
  const r: Redacted = redact({ user: { email: 'a@b.co' } }, policy, keys);
  const bytes: Buffer = r.document;
  const rec: RedactionRecord = r.record;
  const action: 'remove' | 'replace' | 'mask' | 'pseudonymize' = rec.redactions[0].action;
  const ok: boolean = proves(rec.redactions[0], 'a@b.co', keys.saltKey);
  const c: Committed = commit({ user: { email: 'a@b.co' } }, again, keys.saltKey);
  const view: unknown = disclose(c.record, c.disclosures.slice(0, 1));
  console.log(bytes.length, action, ok, view, policy.id, policy.version, policy.digest, policy.needsPseudonymKey);
}

export async function segments(registry: SignerRegistry, text: Buffer): Promise<void> {
  const ranges: Array<[number | bigint, number | bigint]> = splitBytes(text.length, 3);
  const parts: Segment[] = ranges.map(([start, end]) => {
    const v: SegmentVerifier = SegmentVerifier.forBytes(registry, start, end, { trackIds: true });
    if (v.needsMore) v.pushBytes(text.subarray(Math.max(0, Number(start) - 1)));
    return v.finish();
  });
  const rows = new SegmentVerifier(registry, { profile: 'kernel/v1' });
  rows.pushRow('{}');
  const fed: number = rows.rowsFed;
  const moved: Segment = Segment.fromBytes(parts[0].toBytes());
  const summaries: string[] = parts.map((s) => s.summary());
  const buckets: Buffer[] = moved.idBuckets(0, 4);
  const dups: Array<[number, number | bigint]> = duplicates(buckets);
  const st = new Stitcher(summaries, dups, { expectedHead: { hash: '00', seq: 1 } });
  const answers: string[] = st.requests().map((q: string) => parts[(JSON.parse(q) as { segment: number }).segment].answer(q));
  const report: ChainReport = st.finish(answers);
  const same: ChainReport = stitch(parts, { stopAtFirst: true });
  const parallel: ChainReport = await verifyFileParallel('audit_events.jsonl', registry, { workers: 2, threads: 1, chunkSize: 65536, profile: 'kernel/v1' });
  console.log(fed, report.valid, same.breakCount, parallel.head.seq);
}
