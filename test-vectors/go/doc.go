// Package vectors is the Go parity checker for trustcore's shared test
// vectors (../canonical-json.json, ../digest.json, ../signing.json,
// ../chain.json, ../merkle.json, ../checkpoint.json, ../policy.json and
// ../profiles.json).
//
// It has no library code: `go test ./...` runs every vector through
// implementations independent of trustcore — github.com/gowebpki/jcs for
// RFC 8785, crypto/sha256, lukechampine.com/blake3 — and through a small
// parser for the named digest text form written here from the rules in
// ../README.md; merkle_test.go checks the Merkle and checkpoint vectors with
// golang.org/x/mod/sumdb/tlog and golang.org/x/mod/sumdb/note
// (merkleKnownDifferences lists where Go's verdict differs, and why);
// signing_test.go verifies every signature vector with crypto/ed25519
// (pure and Ed25519ph) and re-implements the signer-registry and k-of-n
// rules; chain_test.go re-verifies every audit chain with crypto/sha256,
// crypto/ed25519 and jcs, break by break, and replay_test.go replays every
// replay case with the replay rules written again in Go; policy_test.go
// recomputes every canary bucket and policyCheck record id of
// ../policy.json with crypto/sha256 and jcs; profiles_test.go reads every
// chain profile document with its own code and re-verifies every profile
// case (hash per construction, Ed25519 and Ed25519ph per signed form, links,
// anchors).
// Disagreements that are understood are listed, with a reason, in
// knownDifferences (vectors_test.go) and documented in
// ../../docs/go-parity.md; any other disagreement fails the test, and so
// does a listed difference that no longer occurs.
package vectors
