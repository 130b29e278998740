#!/usr/bin/env bash
# Go parity checker for the shared vectors: runs ../canonical-json.json and
# ../digest.json through github.com/gowebpki/jcs, crypto/sha256 and
# lukechampine.com/blake3 (see docs/go-parity.md). Non-interactive and
# idempotent; exits non-zero on any disagreement not listed (with a reason)
# in knownDifferences, or on a listed one that no longer occurs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v go >/dev/null 2>&1; then
  echo "run.sh: go is not on PATH (Go 1.26 or newer is needed: golang.org/x/mod v0.42 requires it)" >&2
  exit 2
fi

# go.mod and go.sum are committed: never rewrite them here, and verify every
# module against go.sum.
export GOFLAGS="-mod=readonly"
# Use the installed Go; do not download a toolchain.
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

go vet ./...
# -count=1: always run, never report a cached result.
go test -count=1 ./...
