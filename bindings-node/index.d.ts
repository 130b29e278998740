// The package's types (hand-written entry point): everything generated from
// the native addon (native.d.ts), plus PolicyDeniedError and enforceOrThrow
// (implemented in index.js over the native `evaluate`).
import type { ChainReport, Decision, EventRow, PolicySet, SignerRegistry, VerifyOptions } from './native.js';

export * from './native.js';

/** The columns of a prepared event: every column of the row but `signature`. */
export type PreparedEventColumns = Omit<EventRow, 'signature'>;

/** Thrown by `enforceOrThrow` when the decision is `deny`. */
export declare class PolicyDeniedError extends Error {
  constructor(decision: Decision);
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
 * `'policy_denied'`, `.decision`) when it denies. Invalid requests throw
 * `PolicyError` / `CanonicalJsonError` as `evaluate` does.
 */
export declare function enforceOrThrow(
  policySet: PolicySet,
  request: object | string | Uint8Array,
): Decision;

/** Options of `verifyFile`: `ChainVerifier`'s, plus the read size. */
export interface VerifyFileOptions extends VerifyOptions {
  /** Bytes read per call into the one reused buffer (default 256 KiB). */
  chunkSize?: number;
}

/**
 * Verifies a JSONL export on disk in one call, reading it through one
 * reused buffer into a `ChainVerifier`: memory stays flat however large the
 * file (plus 16 bytes per event with `trackIds`, the default). Blocks the
 * calling thread. A bad `chunkSize` throws `RangeError` (code
 * `'ERR_OUT_OF_RANGE'`); file errors are Node's (`ENOENT`, ...).
 *
 * ```js
 * const report = verifyFile('audit-2026-03.jsonl', registry, { expectedHead });
 * if (!report.valid) console.error(report.breaks);
 * ```
 */
export declare function verifyFile(
  path: string,
  registry: SignerRegistry,
  options?: VerifyFileOptions,
): ChainReport;
