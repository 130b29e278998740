// The package's types (hand-written entry point): everything generated from
// the native addon (native.d.ts), plus PolicyDeniedError, enforceOrThrow /
// enforcePolicyOrThrow and verifyFile (implemented in index.js over the
// native `evaluateWithDenial` and `verifyFd`), and appendEvent, migrate and
// AppendError (lib/pg.js, #11).
import type { ChainReport, Decision, EventRow, PolicySet, PublicKey, SecretKey, SignerRegistry, VerifyFdOptions } from './native.js';

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
// PostgreSQL (#11): appendEvent, migrate, AppendError (lib/pg.js)
// ---------------------------------------------------------------------------

/**
 * What `appendEvent` and `migrate` need of a `pg` client: a connected
 * `pg.Client`, or a client checked out of a `pg.Pool` (not the pool: one
 * transaction needs one connection).
 */
export interface PgClient {
  query(queryTextOrConfig: any, values?: any): Promise<any>;
}

/** A remote signer: gets exactly the bytes to sign, returns (or resolves to) the 64-byte signature. */
export type AppendSigner = (message: Buffer) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>;

interface AppendEventCommon {
  /** The table (`name` or `schema.name`), default `'audit_events'`. */
  table?: string;
  /** The table's chain profile: a built-in name (default `'trustcore/v1'`) or a profile document. */
  profile?: string | object;
  /** The signer id written in the row. */
  signerId: string;
  /** The signature algorithm the registry records for the signer (default `'ed25519'`). */
  alg?: 'ed25519' | 'ed25519ph';
}

/** Options of `appendEvent`: a local `key`, or a remote `signer` with the registered `publicKey`. */
export type AppendEventOptions = AppendEventCommon &
  (
    | { key: SecretKey; signer?: undefined; publicKey?: PublicKey }
    | { signer: AppendSigner; publicKey: PublicKey; key?: undefined }
  );

/** The appended row. */
export interface AppendResult {
  /** The row as canonical JSON (its JSONL export line). */
  row: string;
  /** Its hash: the chain's new head. */
  hash: string;
  /** Its place in the chain: the new head's seq. */
  seq: number;
  /** Transactions run (more than 1 when another writer inserted first). */
  attempts: number;
}

/**
 * Appends one row to an audit table in one transaction (lock the head, read
 * it, build and sign the next row with the core's writer, insert, commit);
 * concurrent appenders serialize, a retryable SQLSTATE is retried from a
 * fresh head up to `SQL_APPEND_ATTEMPTS` times, and any failure rolls back
 * (no row, no gap): `AppendError`, the signer's `EnvelopeError`
 * (`remote_signer_failed` with `cause`, `remote_signature_invalid`), or the
 * core's `ChainError` / `SqlError` / `ProfileError` / `CanonicalJsonError`.
 * `body` is the row's columns by name; `id` and the timestamp may be left
 * out (a random UUID; the clock, read after the lock).
 *
 * ```js
 * await appendEvent(client, { signerId: 'kernel-signer', key }, { event_type: 'manifest.signed', actor: 'svc:kernel', payload: { version: '2.4.1' } });
 * ```
 */
export declare function appendEvent(client: PgClient, options: AppendEventOptions, body: Record<string, unknown>): Promise<AppendResult>;

/** Options of `migrate`. */
export interface MigrateOptions {
  /** The table, default `'audit_events'`. */
  table?: string;
  /** The chain profile, default `'trustcore/v1'`. */
  profile?: string | object;
}

/** Creates the profile's table if it does not exist (the core's `sqlMigration`); resolves to the SQL it ran. */
export declare function migrate(client: PgClient, options?: MigrateOptions): Promise<string>;

/** An append the database refused or could not finish (rolled back). */
export declare class AppendError extends Error {
  private constructor();
  readonly name: 'AppendError';
  /** `'database_error'` (see `sqlstate`) or `'connection_lost'` (no answer, or the server ended the session). */
  readonly code: 'database_error' | 'connection_lost';
  /** The server's SQLSTATE (`'22P05'`: jsonb refuses `\u0000`; `'23505'` after every attempt), or `null`. */
  readonly sqlstate: string | null;
  /** Where it failed. With `connection_lost` at `'commit'` the row may have been committed. */
  readonly stage: 'columns' | 'begin' | 'lock' | 'head' | 'insert' | 'commit' | 'migrate';
  /** Transactions run. */
  readonly attempts: number;
  /** The `pg` client's error. */
  readonly cause: unknown;
}

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
