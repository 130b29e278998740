// Type-checks the declarations of the chain profiles, revocation, recheck,
// segments, snapshots and redaction (#10, #12, #14) in both modules: the
// full one (pkg-web) and the verify one (pkg-verify, whose declarations
// lack the producing side). Never executed; a wrong declaration fails
// `tsc --strict`.
import init, {
  builtinProfiles,
  loadProfile,
  inferProfile,
  recheck,
  verifyRow,
  replay,
  verifyJsonl,
  SignerRegistry,
  Envelope,
  PublicKey,
  SegmentVerifier,
  Segment,
  Stitcher,
  stitch,
  splitBytes,
  duplicates,
  Snapshot,
  SnapshotVerifier,
  SnapshotBuilder,
  verifySnapshot,
  recordProof,
  verifyRecord,
  disclose,
  discloseReport,
  type DisclosedView,
  proves,
  redact,
  commit,
  RedactionPolicy,
  ChainWriter,
  thousands,
  type ChainReport,
  type DuplicateRow,
  type Inference,
  type LoadedProfile,
  type RecheckReport,
  type Revocation,
  type SnapshotReport,
  type ChainProfileDocument,
} from '../../pkg-web/trustcore_wasm.js';
import * as verifyModule from '../../pkg-verify/trustcore_wasm.js';

export async function phase2(text: string, doc: ChainProfileDocument, file: Blob): Promise<number> {
  await init();
  const names: string[] = builtinProfiles();
  const p: LoadedProfile = loadProfile(names[1] ?? doc);
  const hashed: string[] = p.coverage.hashed;
  const registry = SignerRegistry.fromJson(text);
  const inferred: Inference = inferProfile([text, new Uint8Array(0)], registry);
  const first: ChainProfileDocument | undefined = inferred.matches[0];
  verifyRow(text, registry, { profile: 'kernel/v1' });
  replay([text], null, { profile: doc });
  const r: ChainReport = verifyJsonl(text, registry, { profile: 'kernel/v1', maxBreaks: 5 });

  // Revocation and recheck.
  const after = registry.clone();
  const rev: Revocation = after.applyRevocation(Envelope.fromJson(text));
  registry.verifyRevocation(Envelope.fromJson(text));
  after.revokeSigner('kernel-signer', new Date(), 'key compromise');
  const rc: RecheckReport = recheck(registry, after, [text, { envelope: text, at: new Date() }], { profile: 'kernel/v1' });
  const nowInvalid: number = rc.nowInvalid + rc.items.length;

  // Segments: byte ranges in workers, documents as JSON text.
  const ranges: [number, number][] = splitBytes(file.size, 2);
  const segs: Segment[] = ranges.map(([start, end]) => {
    const v = SegmentVerifier.forBytes(registry, start, end, { profile: 'kernel/v1' });
    if (v.needsMore) v.pushBytes(new Uint8Array(0));
    return v.finish();
  });
  const summaries: string[] = segs.map((s) => s.summary());
  const buckets: Uint8Array[] = segs[0]?.idBuckets(0, 4) ?? [];
  const dups: DuplicateRow[] = duplicates(buckets);
  const st = Stitcher.create(summaries, dups, { profile: 'kernel/v1' });
  const answers: string[] = st.requests().map((q, i) => segs[st.requestSegments()[i] ?? 0]?.answer(q) ?? '');
  const stitched: ChainReport = st.finish(answers);
  const again: ChainReport = stitch([Segment.fromBytes(segs[0]!.toBytes())], null);

  // Snapshots and redaction.
  const b = SnapshotBuilder.create({ hashAlg: 'blake3', traceId: '/id' });
  const line: Uint8Array = b.push({ id: 't', ts: '2026-03-01T00:00:00Z' });
  const prepared = b.finish('s', new Date()).prepare('graph-signer', 'ed25519');
  const snap: Snapshot = prepared.attach(new Uint8Array(64), PublicKey.fromBase64(text));
  const v = SnapshotVerifier.create(snap, registry);
  v.pushBytes(line);
  const sr: SnapshotReport = v.finish();
  const one: SnapshotReport = verifyRecord(snap, line, 0, recordProof(line, 0), registry);
  const whole: boolean = verifySnapshot(Snapshot.fromJson(snap.toJson()), line, registry).valid;
  snap.checkEvent(text);
  const policy = RedactionPolicy.fromJson(text);
  const red = redact({ a: 1 }, policy, new Uint8Array(32), null);
  const c = commit({ a: 1 }, policy, new Uint8Array(32));
  const view: Record<string, unknown> = disclose(c.record, c.disclosures.slice(0, 1));
  const report: DisclosedView = discloseReport(c.record, c.disclosures);
  const firstOpened: string | undefined = report.opened[0];
  const leftHere: number | undefined = report.hidden[0]?.digests;
  const proven: boolean = proves({}, 'x', new Uint8Array(32));
  const w = ChainWriter.create('kernel-signer', PublicKey.fromBase64(text), { profile: 'kernel/v1' });
  const ev = w.prepare({ id: 'x', ts: 'y', eventType: 'e', actor: 'a', payload: null });
  const published = w.prepare(snap.eventBody('x', 'y', 'graph'));
  const row: Record<string, unknown> = w.attach(ev, new Uint8Array(64));

  // The verify module: the verifier's API, without the producing side.
  await verifyModule.default();
  const vr: ChainReport = verifyModule.verifyJsonl(text, verifyModule.SignerRegistry.fromJson(text), { profile: doc });
  const vs: string = verifyModule.thousands(1234567n);
  // @ts-expect-error the verify module has no snapshot builder
  verifyModule.SnapshotBuilder.create();

  void [hashed, first, r, rev, stitched, again, sr, one, whole, red, view, report, firstOpened, leftHere, published, proven, row, vr, vs];
  return nowInvalid + Number(thousands(1).length);
}
