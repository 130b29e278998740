'use strict';
// The package's entry point (hand-written): everything the native addon
// exports (its generated loader is native.js, its types native.d.ts), plus
// what napi cannot declare: the `PolicyDeniedError` class and
// `enforceOrThrow`, a thin wrapper over the native `evaluate`, and
// `verifyFile`, the file reading an audit of a large export needs around
// the native `ChainVerifier` (the core does no IO).

const fs = require('node:fs');
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

/**
 * Verifies a JSONL export on disk in one call. Node opens the file; the
 * addon reads it through one reused buffer of `chunkSize` bytes (default
 * 256 KiB) into a `ChainVerifier`, so no read creates garbage and memory
 * stays flat however large the file (apart from 16 bytes per event for duplicate-id tracking;
 * `trackIds: false` drops it). Other options are `ChainVerifier.create`'s.
 * Blocks the calling thread; file errors are Node's (`ENOENT`, ...).
 */
function verifyFile(path, registry, options) {
  const { chunkSize = 1 << 18, ...verifyOptions } = options ?? {};
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 1 << 30) {
    const err = new RangeError(`chunkSize must be an integer from 1 to 2^30, got ${chunkSize}`);
    err.code = 'ERR_OUT_OF_RANGE';
    throw err;
  }
  // Node opens (so a missing file is Node's own ENOENT); the addon reads.
  const fd = fs.openSync(path, 'r');
  try {
    if (typeof native.verifyFd === 'function') {
      return native.verifyFd(fd, registry, verifyOptions, chunkSize);
    }
    // Platforms without the native reader: the same loop in JS.
    const verifier = native.ChainVerifier.create(registry, verifyOptions);
    const buf = Buffer.allocUnsafe(chunkSize);
    for (let n; (n = fs.readSync(fd, buf, 0, chunkSize, null)) > 0; ) {
      verifier.feed(buf.subarray(0, n));
    }
    return verifier.finish();
  } finally {
    fs.closeSync(fd);
  }
}

module.exports = Object.assign({}, native, { PolicyDeniedError, enforceOrThrow, verifyFile });
