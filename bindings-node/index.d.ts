// The package's types (hand-written entry point): everything generated from
// the native addon (native.d.ts), plus PolicyDeniedError and enforceOrThrow
// (implemented in index.js over the native `evaluate`).
import type { Decision, PolicySet } from './native.js';

export * from './native.js';

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
