package vectors

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/gowebpki/jcs"
)

// signing.json checked with the Go standard library: crypto/ed25519 for
// every signature verdict (pure Ed25519 and Ed25519ph), crypto/x509 for the
// key forms, gowebpki/jcs for the signing inputs, and the registry rules
// (windows, revocation, algorithm, k-of-n counting) written again here
// from docs/registry.md. Any verdict that differs from trustcore's fails.

type sigEntry struct {
	Alg    string `json:"alg"`
	Signer string `json:"signer"`
	Sig    string `json:"sig"`
}

type envelope struct {
	Kind       string          `json:"kind"`
	Payload    json.RawMessage `json:"payload"`
	Signatures []sigEntry      `json:"signatures"`
	Type       string          `json:"type"`
}

type signer struct {
	SignerID   string `json:"signerId"`
	PublicKey  string `json:"publicKey"`
	Algorithm  string `json:"algorithm"`
	ValidFrom  string `json:"validFrom"`
	ValidUntil string `json:"validUntil"`
	RevokedAt  string `json:"revokedAt"`
	// The signer this key was rotated from: its revocation applies here too.
	RotatedFrom string `json:"rotatedFrom"`
}

func loadSigning(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "signing.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func section(t *testing.T, doc map[string]json.RawMessage, name string) []map[string]any {
	t.Helper()
	var list []map[string]any
	if err := json.Unmarshal(doc[name], &list); err != nil || len(list) == 0 {
		t.Fatalf("section %s: %v (%d cases)", name, err, len(list))
	}
	return list
}

func unhex(t *testing.T, s any) []byte {
	t.Helper()
	b, err := hex.DecodeString(s.(string))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func signingInput(t *testing.T, kind string, payload json.RawMessage, alg, signerID string) []byte {
	t.Helper()
	obj := map[string]any{"alg": alg, "kind": kind, "payload": payload, "signer": signerID, "type": "trustcore.signing-input/v1"}
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// verifyAlg is the one rule, through Go's crypto/ed25519.
func verifyAlg(pub ed25519.PublicKey, alg string, input, sig []byte) bool {
	if len(sig) != ed25519.SignatureSize {
		return false
	}
	if alg == "ed25519ph" {
		d := sha512.Sum512(input)
		return ed25519.VerifyWithOptions(pub, d[:], sig, &ed25519.Options{Hash: crypto.SHA512}) == nil
	}
	return ed25519.Verify(pub, input, sig)
}

func instant(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return ts
}

func registryOf(t *testing.T, text string) []signer {
	t.Helper()
	var doc struct {
		Signers []signer `json:"signers"`
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Signers
}

func reasonFor(t *testing.T, reg []signer, id, alg string, at time.Time) (string, ed25519.PublicKey) {
	for _, s := range reg {
		if s.SignerID != id {
			continue
		}
		switch {
		case s.RevokedAt != "" && !at.Before(instant(t, s.RevokedAt)):
			return "signer_revoked", nil
		case s.ValidFrom != "" && at.Before(instant(t, s.ValidFrom)):
			return "signer_not_yet_valid", nil
		case s.ValidUntil != "" && !at.Before(instant(t, s.ValidUntil)):
			return "signer_expired", nil
		}
		// Revocation is transitive along rotatedFrom links.
		seen := map[string]bool{}
		for cur := s; cur.RotatedFrom != "" && !seen[cur.RotatedFrom]; {
			seen[cur.RotatedFrom] = true
			found := false
			for _, p := range reg {
				if p.SignerID == cur.RotatedFrom {
					cur, found = p, true
					break
				}
			}
			if !found {
				return "unknown_signer", nil
			}
			if cur.RevokedAt != "" && !at.Before(instant(t, cur.RevokedAt)) {
				return "signer_revoked", nil
			}
		}
		registered := s.Algorithm
		if registered == "" {
			registered = "ed25519"
		}
		if registered != alg {
			return "algorithm_mismatch", nil
		}
		pk, err := base64.StdEncoding.DecodeString(s.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		return "", ed25519.PublicKey(pk)
	}
	return "unknown_signer", nil
}

func verdicts(t *testing.T, reg []signer, envText string, at time.Time) []any {
	var env envelope
	if err := json.Unmarshal([]byte(envText), &env); err != nil {
		t.Fatal(err)
	}
	out := []any{}
	for i, s := range env.Signatures {
		reason, pk := reasonFor(t, reg, s.Signer, s.Alg, at)
		if reason == "" {
			sig, _ := base64.StdEncoding.DecodeString(s.Sig)
			if !verifyAlg(pk, s.Alg, signingInput(t, env.Kind, env.Payload, s.Alg, s.Signer), sig) {
				reason = "invalid_signature"
			}
		}
		v := map[string]any{"index": float64(i), "signer": s.Signer, "alg": s.Alg, "valid": reason == ""}
		if reason != "" {
			v["reason"] = reason
		}
		out = append(out, v)
	}
	return out
}

func TestSigningKeysAndRawSignatures(t *testing.T) {
	doc := loadSigning(t)
	for _, k := range section(t, doc, "keys") {
		priv := ed25519.NewKeyFromSeed(unhex(t, k["seed"]))
		pub := k["publicKey"].(map[string]any)
		if hex.EncodeToString(priv.Public().(ed25519.PublicKey)) != pub["hex"] {
			t.Errorf("%s: public key differs", k["id"])
		}
		block, _ := pem.Decode([]byte(pub["spkiPem"].(string)))
		parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil || !bytes.Equal(parsed.(ed25519.PublicKey), priv.Public().(ed25519.PublicKey)) {
			t.Errorf("%s: SPKI PEM: %v", k["id"], err)
		}
		der, _ := x509.MarshalPKCS8PrivateKey(priv)
		want := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		if string(want) != k["secretKey"].(map[string]any)["pkcs8Pem"] {
			t.Errorf("%s: PKCS#8 PEM differs from Go's", k["id"])
		}
	}
	seeds := map[string][]byte{}
	for _, k := range section(t, doc, "keys") {
		seeds[k["id"].(string)] = unhex(t, k["seed"])
	}
	for _, c := range section(t, doc, "sign") {
		sig := ed25519.Sign(ed25519.NewKeyFromSeed(seeds[c["key"].(string)]), unhex(t, c["message"]))
		if hex.EncodeToString(sig) != c["signature"] {
			t.Errorf("%s: signature differs", c["id"])
		}
	}
	for _, c := range section(t, doc, "verify") {
		pk, msg, sig := unhex(t, c["publicKey"]), unhex(t, c["message"]), unhex(t, c["signature"])
		if code, ok := c["error"]; ok {
			wantCode := "invalid_signature_length"
			if len(pk) != ed25519.PublicKeySize {
				wantCode = "invalid_key_length"
			} else if len(sig) == ed25519.SignatureSize {
				wantCode = "(lengths are fine)"
			}
			if code != wantCode {
				t.Errorf("%s: error %v, Go sees %s", c["id"], code, wantCode)
			}
			continue
		}
		if got := ed25519.Verify(pk, msg, sig); got != c["valid"] {
			t.Errorf("%s: Go says %v, vector says %v", c["id"], got, c["valid"])
		}
	}
}

func TestSigningEnvelopes(t *testing.T) {
	doc := loadSigning(t)
	seeds := map[string][]byte{}
	for _, k := range section(t, doc, "keys") {
		seeds[k["id"].(string)] = unhex(t, k["seed"])
	}
	for _, c := range section(t, doc, "envelopes") {
		id := c["id"].(string)
		var env envelope
		if err := json.Unmarshal([]byte(c["envelope"].(string)), &env); err != nil {
			t.Fatal(err)
		}
		canonPayload, err := jcs.Transform([]byte(c["payload"].(string)))
		if err != nil || !bytes.Equal(canonPayload, env.Payload) {
			t.Errorf("%s: payload is not the canonical form of the input: %v", id, err)
		}
		input := signingInput(t, c["kind"].(string), env.Payload, c["alg"].(string), c["signer"].(string))
		if string(input) != c["signingInput"] {
			t.Errorf("%s: signing input differs:\n go %s\nvec %s", id, input, c["signingInput"])
		}
		msg := input
		if c["alg"] == "ed25519ph" {
			d := sha512.Sum512(input)
			msg = d[:]
		}
		if hex.EncodeToString(msg) != c["message"] {
			t.Errorf("%s: message differs", id)
		}
		pub := ed25519.NewKeyFromSeed(seeds[c["key"].(string)]).Public().(ed25519.PublicKey)
		sig, _ := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
		if !verifyAlg(pub, c["alg"].(string), input, sig) {
			t.Errorf("%s: Go does not verify the envelope signature", id)
		}
		canonEnv, _ := jcs.Transform([]byte(c["envelope"].(string)))
		if string(canonEnv) != c["envelope"] {
			t.Errorf("%s: the envelope text is not canonical", id)
		}
	}
}

func TestSigningRegistryVerdicts(t *testing.T) {
	doc := loadSigning(t)
	var registries map[string]string
	if err := json.Unmarshal(doc["registries"], &registries); err != nil {
		t.Fatal(err)
	}
	for _, c := range section(t, doc, "lookups") {
		reason, _ := reasonFor(t, registryOf(t, registries[c["registry"].(string)]), c["signerId"].(string), c["alg"].(string), instant(t, c["at"].(string)))
		want, _ := c["reason"].(string)
		if reason != want {
			t.Errorf("%s: Go says %q, vector says %q", c["id"], reason, want)
		}
	}
	for _, c := range section(t, doc, "verifications") {
		reg := registryOf(t, registries[c["registry"].(string)])
		got := verdicts(t, reg, c["envelope"].(string), instant(t, c["at"].(string)))
		valid := len(got) > 0
		for _, v := range got {
			valid = valid && v.(map[string]any)["valid"].(bool)
		}
		want := c["expected"].(map[string]any)
		if !reflect.DeepEqual(got, want["signatures"]) || valid != want["valid"] {
			t.Errorf("%s: Go report %v (valid %v) differs from %v", c["id"], got, valid, want)
		}
	}
	for _, c := range section(t, doc, "approvals") {
		reg := registryOf(t, registries[c["registry"].(string)])
		var set struct {
			Name      string   `json:"name"`
			Threshold int      `json:"threshold"`
			Signers   []string `json:"signers"`
			Kind      string   `json:"kind"`
		}
		if err := json.Unmarshal([]byte(c["set"].(string)), &set); err != nil {
			t.Fatal(err)
		}
		var env envelope
		_ = json.Unmarshal([]byte(c["envelope"].(string)), &env)
		sigs := verdicts(t, reg, c["envelope"].(string), instant(t, c["at"].(string)))
		counted := map[string]bool{}
		approvers := []any{}
		for _, s := range sigs {
			v := s.(map[string]any)
			inSet := false
			for _, m := range set.Signers {
				inSet = inSet || m == v["signer"]
			}
			switch {
			case set.Kind != "" && env.Kind != set.Kind:
				v["valid"], v["reason"] = false, "wrong_kind"
			case !inSet:
				v["valid"], v["reason"] = false, "not_in_set"
			}
			if v["valid"].(bool) {
				if counted[v["signer"].(string)] {
					v["valid"], v["reason"] = false, "duplicate_signer"
				} else {
					counted[v["signer"].(string)] = true
					approvers = append(approvers, v["signer"])
				}
			}
		}
		sort.Slice(approvers, func(i, j int) bool { return approvers[i].(string) < approvers[j].(string) })
		got := map[string]any{"set": set.Name, "threshold": float64(set.Threshold), "approved": len(counted) >= set.Threshold, "approvers": approvers, "signatures": sigs}
		if !reflect.DeepEqual(got, c["expected"]) {
			t.Errorf("%s: Go report %v differs from %v", c["id"], got, c["expected"])
		}
	}
	for _, c := range section(t, doc, "rotations") {
		if _, bad := c["error"]; bad {
			continue
		}
		// A rotation that applies carries a valid signature by the old key
		// (from the registry) and by the new key (from the payload).
		var env envelope
		_ = json.Unmarshal([]byte(c["envelope"].(string)), &env)
		var p struct {
			Previous  string `json:"previous"`
			RotatedAt string `json:"rotatedAt"`
			Next      signer `json:"next"`
		}
		_ = json.Unmarshal(env.Payload, &p)
		reg := registryOf(t, registries[c["registry"].(string)])
		oldReason, oldKey := reasonFor(t, reg, p.Previous, "ed25519", instant(t, p.RotatedAt))
		newKey, _ := base64.StdEncoding.DecodeString(p.Next.PublicKey)
		found := map[string]bool{}
		for _, s := range env.Signatures {
			sig, _ := base64.StdEncoding.DecodeString(s.Sig)
			input := signingInput(t, env.Kind, env.Payload, s.Alg, s.Signer)
			if s.Signer == p.Previous && oldReason == "" && verifyAlg(oldKey, s.Alg, input, sig) {
				found["old"] = true
			}
			if s.Signer == p.Next.SignerID && verifyAlg(newKey, s.Alg, input, sig) {
				found["new"] = true
			}
		}
		if !found["old"] || !found["new"] || env.Kind != "trustcore.signer-rotation" {
			t.Errorf("%s: Go does not find both rotation signatures (%v)", c["id"], found)
		}
	}
}
