'use strict';
// The package's entry point (hand-written): everything the native addon
// exports (its generated loader is native.js, its types native.d.ts), plus
// what napi cannot declare: the `PolicyDeniedError` class and
// `enforceOrThrow`, a thin wrapper over the native `evaluate`.

const native = require('./native.js');

/** Thrown by `enforceOrThrow` when the decision is `deny`. */
class PolicyDeniedError extends Error {
  constructor(decision) {
    super(deniedMessage(decision));
    this.name = 'PolicyDeniedError';
    /** Always `'policy_denied'`. */
    this.code = 'policy_denied';
    /** The full decision record (rationale, evidence, evaluation path). */
    this.decision = decision;
  }
}

function deniedMessage(decision) {
  const by = (decision && decision.determinedBy) || [];
  if (by.length === 0) {
    return 'denied by default: no enforced policy allowed the request';
  }
  const checks = decision.policyChecks || [];
  const parts = by.map((d) => {
    const record = checks.find((c) => c.id === d.policyCheckId);
    const why = record && record.rationale ? `: ${record.rationale}` : '';
    return `${d.policyId}@${d.policyVersion}${why}`;
  });
  return `denied by ${parts.join('; ')}`;
}

/**
 * Evaluates `request` and returns the decision when it allows; throws a
 * `PolicyDeniedError` carrying the decision when it denies.
 */
function enforceOrThrow(policySet, request) {
  const decision = native.evaluate(policySet, request);
  if (decision.decision !== 'allow') {
    throw new PolicyDeniedError(decision);
  }
  return decision;
}

module.exports = Object.assign({}, native, { PolicyDeniedError, enforceOrThrow });
