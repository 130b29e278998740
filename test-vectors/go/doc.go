// Package vectors is the Go parity checker for trustcore's shared test
// vectors (../canonical-json.json and ../digest.json).
//
// It has no library code: `go test ./...` runs every vector through
// implementations independent of trustcore — github.com/gowebpki/jcs for
// RFC 8785, crypto/sha256, lukechampine.com/blake3 — and through a small
// parser for the named digest text form written here from the rules in
// ../README.md. Disagreements that are understood are listed, with a reason,
// in knownDifferences (vectors_test.go) and documented in
// ../../docs/go-parity.md; any other disagreement fails the test, and so
// does a listed difference that no longer occurs.
package vectors
