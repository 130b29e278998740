// Type-checks the generated pkg-web/trustcore_wasm.d.ts (the declarations
// browsers and bundlers get; pkg-node's are the same apart from `init`)
// against typical use (`npm run typecheck`, run by ci.sh after the build).
// Never executed; a wrong declaration fails `tsc --strict`.
import init, {
  canonicalize,
  canonicalizeText,
  canonicalDigest,
  digest,
  parseDigest,
  verifyJsonl,
  verifyRow,
  ChainVerifier,
  SignerRegistry,
  Envelope,
  PublicKey,
  ApprovalSet,
  replay,
  openCheckpoint,
  verifyEventInCheckpoint,
  verifyInclusion,
  leafHash,
  MerkleTree,
  VerifierKey,
  PolicySet,
  evaluate,
  enforceOrThrow,
  explain,
  impact,
  canaryBucket,
  type Break,
  type BreakReason,
  type ChainReport,
  type Decision,
  type EnvelopeReport,
  type EventInCheckpointReport,
  type EventRow,
  type Explanation,
  type ImpactReport,
  type OpenedCheckpoint,
  type PolicyDeniedError,
  type ReplayReport,
  type ReportInteger,
  type RowReport,
  type SignerInfo,
  type TrustcoreError,
  type VerifierState,
  type VerifyOptions,
} from '../../pkg-web/trustcore_wasm.js';

export async function usage(text: string, note: string, vkey: string): Promise<number> {
  await init();
  const bytes: Uint8Array = canonicalize({ b: 1, a: [true, null] }, { maxDepth: 16 });
  const same: Uint8Array = canonicalizeText(new TextDecoder().decode(bytes), null);
  const named: string = digest(same, 'blake3') + canonicalDigest({ a: 1 }) + parseDigest(digest('x')).hex;

  const registry = SignerRegistry.fromJson(text);
  const info: SignerInfo | null = registry.get('kernel-signer');
  const lineage: string | undefined = info?.rotatedFrom;
  const key: PublicKey = registry.keyFor('kernel-signer', new Date());
  const env = Envelope.fromJson(text);
  const verdict: EnvelopeReport = registry.verifyEnvelope(env, '2026-03-01T00:00:00Z');
  const approved: boolean = ApprovalSet.fromJson(text).verify(env, registry, new Date()).approved;

  // Chains: options are the core's (a misspelling is a type error too).
  const options: VerifyOptions = { stopAtFirst: false, maxBreaks: 10, threads: 1, expectedHead: { hash: '00', seq: 3 } };
  // @ts-expect-error `expected_head` is not an option in JavaScript
  verifyJsonl(text, registry, { expected_head: { hash: '00', seq: 3 } });
  const report: ChainReport = verifyJsonl(text, registry, options);
  const counted: number = report.count + report.breakCount + (report.breakCounts.malformed_row ?? 0);
  const first: Break | undefined = report.breaks[0];
  const why: BreakReason | undefined = first?.reason;

  const verifier = ChainVerifier.create(registry, null);
  verifier.feed(text);
  verifier.feed(bytes);
  const state: VerifierState = verifier.state();
  const pinned: ReportInteger | undefined = state.pinned_head?.seq;
  const frontier: ReportInteger = state.merkle.size;
  const kept: Break[] = verifier.breaks();
  ChainVerifier.resume(registry, state, options).finish();
  ChainVerifier.resume(registry, JSON.stringify(state));

  const replayed: ReplayReport = replay([text, bytes], { hash: '00'.repeat(32), seq: 0 });
  const row: EventRow | undefined = replayed.events[0];
  if (row !== undefined) verifier.feedRow(row);
  const prev: string | undefined = replayed.forks[0]?.prevHash;
  const one: RowReport = verifyRow(row ?? text, registry, { hashAlg: 'sha256' });

  // Checkpoints: the core's opened checkpoint, nested.
  const opened: OpenedCheckpoint = openCheckpoint(note, [VerifierKey.parse(vkey), vkey]);
  const size: ReportInteger = opened.checkpoint.size;
  const keyHash: string | undefined = opened.unknown[0]?.keyHash;
  const check: EventInCheckpointReport = verifyEventInCheckpoint(row ?? text, 0n, [], note, [vkey], registry, { hashAlg: 'blake3' });
  const root: string = check.checkpoint.checkpoint.root;
  const included: boolean = verifyInclusion(leafHash(new Uint8Array(32)), 0, 1, [], root);
  const tree = MerkleTree.fromLeafData([new Uint8Array(32), '00'.repeat(32)]);
  const proof: Uint8Array[] = tree.inclusionProof(0, tree.size);

  // Policies.
  const set = PolicySet.fromJson(text);
  const decision: Decision = evaluate(set, { action: 'GET /health' });
  const x: Explanation = explain(decision.policyChecks[0] ?? {}, set);
  const changes: ImpactReport = impact(set, set, [{ action: 'GET /' }, text]);
  const bucket: number = canaryBucket({ tenant: 't' });
  try {
    enforceOrThrow(set, { action: 'POST /kernel/allocate' });
  } catch (e) {
    const denied = e as PolicyDeniedError;
    const code: 'policy_denied' = denied.code;
    const d: Decision = denied.decision;
    void [code, d];
  }
  try {
    canonicalize({}, { maxDepth: 0 });
  } catch (e) {
    const err = e as TrustcoreError;
    const name: TrustcoreError['name'] = err.name;
    const code: string = err.code;
    void [name, code, err.path, err.offset];
  }

  void [named, lineage, key, verdict, approved, why, pinned, frontier, kept, prev, one, size, keyHash, included, proof, x, changes];
  return counted + bucket + (typeof size === 'bigint' ? 0 : size);
}
