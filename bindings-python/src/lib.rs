//! Placeholder; filled in by the binding work.
