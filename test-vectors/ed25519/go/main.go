// Command go prints Go crypto/ed25519 verdicts on the shared Ed25519 vectors.
//
// Usage: go run . PATH/TO/all_normalized.json
//
// Output: {"go": {"library": "...", "verdicts": {"<id>": true|false, ...}}} on stdout.
// A public key or signature of the wrong length counts as false (Verify
// would panic on a short key).
package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
)

type vector struct {
	ID  string `json:"id"`
	PK  string `json:"pk"`
	Msg string `json:"msg"`
	Sig string `json:"sig"`
}

func must[T any](v T, err error) T {
	if err != nil {
		fmt.Fprintln(os.Stderr, "go:", err)
		os.Exit(1)
	}
	return v
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run . all_normalized.json")
		os.Exit(2)
	}
	var vectors []vector
	if err := json.Unmarshal(must(os.ReadFile(os.Args[1])), &vectors); err != nil {
		fmt.Fprintln(os.Stderr, "go:", err)
		os.Exit(1)
	}
	verdicts := make(map[string]bool, len(vectors))
	for _, v := range vectors {
		pk := must(hex.DecodeString(v.PK))
		msg := must(hex.DecodeString(v.Msg))
		sig := must(hex.DecodeString(v.Sig))
		ok := false
		if len(pk) == ed25519.PublicKeySize && len(sig) == ed25519.SignatureSize {
			ok = ed25519.Verify(ed25519.PublicKey(pk), msg, sig)
		}
		verdicts[v.ID] = ok
	}
	out := map[string]any{"go": map[string]any{
		"library":  "Go crypto/ed25519 (" + runtime.Version() + ")",
		"verdicts": verdicts,
	}}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "go:", err)
		os.Exit(1)
	}
}
