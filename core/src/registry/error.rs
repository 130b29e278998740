//! The registry's errors and the reasons a signature does not count.

/// Stable error codes of the registry module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The registry (or JWKS) document is not of the documented shape.
    InvalidRegistry,
    /// Two entries share a signer id.
    DuplicateSigner,
    /// A public key is malformed, weak or not canonically encoded.
    InvalidPublicKey,
    /// A window timestamp is not RFC 3339 UTC, or the window is empty.
    InvalidWindow,
    /// An approval set is not of the documented shape.
    InvalidApprovalSet,
    /// A rotation record is malformed or does not carry both valid
    /// signatures.
    InvalidRotation,
    /// A revocation record is malformed or lacks an authority's signature.
    InvalidRevocation,
    /// A signer id that the registry does not know.
    UnknownSigner,
    /// The signer's key does not vouch for the record (window, revocation,
    /// algorithm); the code is the [`Reason`]'s (e.g. `signer_expired`).
    SignerUnusable(Reason),
}

impl ErrorCode {
    /// Every code (one per reason a key can be unusable).
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidRegistry,
        ErrorCode::DuplicateSigner,
        ErrorCode::InvalidPublicKey,
        ErrorCode::InvalidWindow,
        ErrorCode::InvalidApprovalSet,
        ErrorCode::InvalidRotation,
        ErrorCode::InvalidRevocation,
        ErrorCode::UnknownSigner,
        ErrorCode::SignerUnusable(Reason::SignerNotYetValid),
        ErrorCode::SignerUnusable(Reason::SignerExpired),
        ErrorCode::SignerUnusable(Reason::SignerRevoked),
        ErrorCode::SignerUnusable(Reason::AlgorithmMismatch),
    ];

    /// The stable string code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRegistry => "invalid_registry",
            ErrorCode::DuplicateSigner => "duplicate_signer",
            ErrorCode::InvalidPublicKey => "invalid_public_key",
            ErrorCode::InvalidWindow => "invalid_window",
            ErrorCode::InvalidApprovalSet => "invalid_approval_set",
            ErrorCode::InvalidRotation => "invalid_rotation",
            ErrorCode::InvalidRevocation => "invalid_revocation",
            ErrorCode::UnknownSigner => "unknown_signer",
            ErrorCode::SignerUnusable(reason) => reason.as_str(),
        }
    }

    /// What the code means.
    pub fn description(self) -> &'static str {
        match self {
            ErrorCode::InvalidRegistry => {
                "The registry (or JWKS) document is not of the documented shape."
            }
            ErrorCode::DuplicateSigner => "Two entries share a signer id.",
            ErrorCode::InvalidPublicKey => {
                "A public key is malformed, weak or not canonically encoded."
            }
            ErrorCode::InvalidWindow => {
                "A window timestamp is not RFC 3339 UTC, or the window is empty."
            }
            ErrorCode::InvalidApprovalSet => "An approval set is not of the documented shape.",
            ErrorCode::InvalidRotation => {
                "A rotation record is malformed or does not carry both valid signatures."
            }
            ErrorCode::InvalidRevocation => {
                "A revocation record is malformed or lacks the signature of another registered signer whose key vouches at revokedAt."
            }
            ErrorCode::UnknownSigner => "A signer id that the registry does not know.",
            ErrorCode::SignerUnusable(reason) => reason.description(),
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

coded_error! {
    /// A registry, approval-set or rotation error.
}

stable_codes! {
    /// Why a signature does not count. Verdict data, not an error: reports
    /// list one per rejected signature.
    pub enum Reason {
        /// The signer id is not in the registry.
        UnknownSigner = "unknown_signer",
        /// The record's time is before the key's `validFrom`.
        SignerNotYetValid = "signer_not_yet_valid",
        /// The record's time is at or after the key's `validUntil`.
        SignerExpired = "signer_expired",
        /// The record's time is at or after the key's `revokedAt`.
        SignerRevoked = "signer_revoked",
        /// The signature's algorithm is not the one registered for the signer.
        AlgorithmMismatch = "algorithm_mismatch",
        /// The signature does not verify.
        InvalidSignature = "invalid_signature",
        /// Approvals: the signer is not in the approval set.
        NotInSet = "not_in_set",
        /// Approvals: the signer already has a counted signature.
        DuplicateSigner = "duplicate_signer",
        /// Approvals: the envelope is not of the kind the set approves.
        WrongKind = "wrong_kind",
    }
}
