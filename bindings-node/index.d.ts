// The package's types (hand-written entry point): everything generated from
// the native addon (native.d.ts), plus PolicyDeniedError, enforceOrThrow /
// enforcePolicyOrThrow and verifyFile (implemented in index.js over the
// native `evaluateWithDenial` and `verifyFd`).
import type { ChainReport, Decision, EventRow, PolicySet, SignerRegistry, VerifyFdOptions } from './native.js';

export * from './native.js';

/** The columns of a prepared event: every column of the row but `signature`. */
export type PreparedEventColumns = Omit<EventRow, 'signature'>;

/**
 * Thrown by `enforceOrThrow` / `enforcePolicyOrThrow` when the decision is
 * `deny`. Its `message` is the core's denial message (`denied by
 * <id>@<version>: <rationale>`, the same in Python and WASM).
 */
export declare class PolicyDeniedError extends Error {
  /** `message` is the core's denial message (`evaluateWithDenial(...).denialMessage`). */
  constructor(decision: Decision, message?: string);
  readonly name: 'PolicyDeniedError';
  /** Always `'policy_denied'`. */
  readonly code: 'policy_denied';
  /** The full decision record: `determinedBy`, and every `policyChecks`
   * record with its rationale, evidence and evaluation path. */
  readonly decision: Decision;
}

/**
 * Evaluates `request` under `policySet` (see `evaluate`) and returns the
 * decision when it allows; throws `PolicyDeniedError` (code
 * `'policy_denied'`, `.decision`, the core's message) when it denies.
 * Invalid requests throw `PolicyError` / `CanonicalJsonError` as `evaluate`
 * does: treat them as a denial.
 */
export declare function enforceOrThrow(
  policySet: PolicySet,
  request: object | string | Uint8Array,
): Decision;

/** The same function as `enforceOrThrow`, under the name the Kernel API calls. */
export declare const enforcePolicyOrThrow: typeof enforceOrThrow;

/** Options of `verifyFile`: `ChainVerifier`'s, plus the read size (`chunkSize`), all read by the core. */
export type VerifyFileOptions = VerifyFdOptions;

/**
 * Verifies a JSONL export on disk in one call, reading it through one
 * reused buffer into a `ChainVerifier`: memory stays flat however large the
 * file (plus 16 bytes per event with `trackIds`, the default; at most
 * `maxBreaks` breaks are kept). Blocks the calling thread. Options are read
 * by the core: an unknown key is `OptionsError` `unknown_option`, a bad
 * value (`chunkSize: 0`) `invalid_option`; file errors are Node's
 * (`ENOENT`, `EISDIR`, ...).
 *
 * ```js
 * const report = verifyFile('audit-2026-03.jsonl', registry, { expectedHead });
 * if (!report.valid) console.error(report.breakCount, report.breaks);
 * ```
 */
export declare function verifyFile(
  path: string,
  registry: SignerRegistry,
  options?: VerifyFileOptions,
): ChainReport;

/**
 * What every error this package throws carries (`docs/errors.md`): `name`
 * is the kind (`CanonicalJsonError`, `ChainError`, `OptionsError`, ... or
 * `TypeError` for an argument of the wrong type, code `invalid_argument`),
 * `code` the stable code, `offset` / `path` where the error has a position.
 */
export interface TrustcoreError extends Error {
  readonly code: string;
  readonly offset?: number;
  readonly path?: string;
}

/** The codes of `OptionsError` (options are read by the core). */
export type OptionsErrorCode = 'unknown_option' | 'invalid_option';

// ---------------------------------------------------------------------------
// Snapshot files and streams (#12) and the parallel file verifier (#14):
// lib/snapshot-file.js and lib/parallel.js, IO over the native classes.
// ---------------------------------------------------------------------------

import type {
  SignerRegistry as SnapshotRegistry,
  SnapshotMetadata,
  SnapshotReport,
  ChainReport as ParallelChainReport,
  VerifyFileParallelOptions,
} from './native.js';

/**
 * Verifies a snapshot batch file against its signed metadata (the document,
 * or its JSON text), streaming in bounded memory: a name ending in `.gz` is
 * gunzipped by Node's zlib (every member of a multi-member file). Resolves
 * to the core's report: every line re-canonicalized (a failing line is
 * named by its number), the digest, the Merkle root, `trace_range`, the
 * count and the signature under `signer_kid` at `ts`. File and gzip errors
 * reject with Node's own (`ENOENT`, `Z_DATA_ERROR`, ...).
 *
 * ```js
 * const report = await verifySnapshotFile(metadata, 'traces-2026-03-01.jsonl.gz', registry);
 * for (const f of report.failures) console.error(f.line, f.code, f.message);
 * ```
 */
export declare function verifySnapshotFile(
  metadata: SnapshotMetadata | object | string,
  path: string | Buffer | URL,
  registry: SnapshotRegistry,
): Promise<SnapshotReport>;

/**
 * Verifies a batch read from a readable stream (or any async iterable of
 * `Uint8Array` / string chunks) against its signed metadata: the chunks go
 * to a `SnapshotVerifier` one by one.
 */
export declare function verifySnapshotStream(
  metadata: SnapshotMetadata | object | string,
  source: AsyncIterable<Uint8Array | string>,
  registry: SnapshotRegistry,
): Promise<SnapshotReport>;

/**
 * Verifies a JSONL export on disk with `workers` worker threads (default
 * `os.availableParallelism()`, 1..64), each verifying one byte range of the
 * file (`splitBytes`, `SegmentVerifier.forBytes`), and stitches their
 * segments on the calling thread into exactly the report `verifyFile` gives
 * with the same options. Each worker checks signatures on `threads` cores
 * (default: every core; with as many workers as cores, `threads: 1`).
 * Options are read by the core (`OptionsError`); file errors reject with
 * Node's (`ENOENT`, ...).
 *
 * ```js
 * const report = await verifyFileParallel('audit_events.jsonl', registry, { workers: 2, threads: 1 });
 * ```
 */
export declare function verifyFileParallel(
  path: string | Buffer | URL,
  registry: SnapshotRegistry,
  options?: VerifyFileParallelOptions,
): Promise<ParallelChainReport>;
