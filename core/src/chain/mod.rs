//! Hash-linked, signed audit chains: append with [`ChainWriter`], verify as
//! a stream with [`ChainVerifier`].
//!
//! An event is a row of the `audit_events` table (format in
//! `docs/audit-chain.md`):
//!
//! ```json
//! {"actor":"svc:kernel","event_type":"manifest.signed","hash":"<64 hex>","id":"1b4e28ba-2fa1-41d2-883f-0016d3cca427",
//!  "payload":{…},"prev_hash":"<64 hex>","seq":1,"signature":"<base64>","signer_id":"kernel-signer","ts":"2026-03-01T12:00:00Z"}
//! ```
//!
//! * `hash` is the digest (SHA-256 by default; the chain declares its
//!   algorithm once) of the canonical JSON of the row without `hash` and
//!   `signature`, in lowercase hex as the column stores it.
//! * `prev_hash` is the previous event's `hash`; the first event's is 64
//!   zeros ([`GENESIS_PREV_HASH`]), and `seq` counts from 1.
//! * `signature` (standard base64) is the signer's signature over a typed
//!   envelope of kind [`EVENT_KIND`] whose payload is `{"hash":"sha256:<hex>"}`
//!   (see `docs/signing.md`), with the algorithm the registry records for
//!   `signer_id`. Because the hash covers every other column, the signature
//!   does too, and it can never be replayed as another kind of record.
//!
//! [`ChainVerifier`] checks, per event and in this order: the row is strict
//! I-JSON with exactly these members (`malformed_row`) and canonical field
//! spellings (`invalid_field`); the id is new (`duplicate_id`); `seq`
//! follows (`seq_gap`); `prev_hash` links (`prev_hash_mismatch`); `hash` is
//! right (`hash_mismatch`); `ts` does not go back (`ts_regression`); the
//! signer's key vouches at `ts` (the registry's reasons) and the signature
//! verifies (`invalid_signature`). After a break it resynchronises on the
//! event's own `seq` and `hash`, so one tampered row is one break, not a
//! cascade. Memory is constant except for duplicate-id tracking, which keeps
//! the 16 bytes of each id seen (it can be turned off for unbounded streams).
//!
//! Signature verification is the cost; with the `parallel` feature,
//! [`ChainVerifier`] checks each batch of rows on all cores and links them in
//! order afterwards, so the verdict is the sequential one.
//!
//! Where each part lives: rows and what is hashed and signed
//! (`event.rs`), one row's own checks (`check.rs`), the streaming verifier
//! (`verifier.rs`, with duplicate ids in `ids.rs`), the writer (`writer.rs`),
//! one event against a checkpoint (`in_checkpoint.rs`), replay
//! (`replay.rs`), errors and break reasons (`error.rs`).

mod check;
mod error;
mod event;
mod ids;
mod in_checkpoint;
mod options;
mod recheck;
mod replay;
mod report;
mod row;
pub mod segment;
mod state;
mod verifier;
mod writer;

pub use check::{verify_row, verify_row_with};
pub use error::{Break, Error, ErrorCode, Reason};
pub use event::{Event, EventBody, Head, TreeHead, EVENT_KIND, GENESIS_PREV_HASH};
pub use in_checkpoint::{
    verify_event_in_checkpoint, verify_event_in_checkpoint_with, EventCheckFailure,
    EventCheckStage, EventInCheckpoint,
};
pub use options::{
    VerifyOptions, DEFAULT_MAX_BREAKS, DEFAULT_MAX_ROW_BYTES, MAX_BREAKS_LIMIT,
    MAX_ROW_BYTES_LIMIT, MAX_THREADS,
};
pub use recheck::{recheck, RecheckItem, RecheckReport, RecheckStatus, RecheckVerdict};
pub use replay::{replay, replay_with, Fork, Replay};
pub use report::ChainReport;
pub use row::Row;
pub use state::{VerifierState, STATE_TYPE};
pub use verifier::{verify_jsonl, ChainVerifier};
pub use writer::{ChainWriter, PreparedEvent, WriterOptions};
