package vectors

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/gowebpki/jcs"
	"lukechampine.com/blake3"
)

// profiles.json checked with a reading of docs/chain-profiles.md written
// here: profile documents are read (and refused, with the code and JSON
// Pointer) by goReadProfile, and every chain case is verified by a
// sequential verifier under its profile: each row read by the profile's
// rules, its hash recomputed per the construction (gowebpki/jcs for the
// canonical forms, crypto/sha256 or lukechampine.com/blake3) and compared in
// the column's encoding, its signature verified per the signed form with
// crypto/ed25519 (pure, and Ed25519ph with Options{Hash: crypto.SHA512}:
// verifyAlg in signing_test.go) under the registry key (reasonFor), the
// links, ts order and anchors; the whole report must equal the vector's.

type goProfile struct {
	name                                      string
	col                                       map[string]string // role -> column
	extra                                     []goExtra
	hashInput, hashAlg, hashEnc               string
	signs, sigAlg, sigEnc, genesis, timestamp string
	columns                                   map[string]bool
	unhashed                                  map[string]bool
}

type goExtra struct {
	name   string
	hashed bool
}

type profileError struct{ code, path string }

func (e *profileError) Error() string { return e.code + " at " + e.path }

var (
	profileRoles    = []string{"id", "seq", "ts", "eventType", "actor", "payload", "prevHash", "hash", "signer", "signature"}
	optionalRoles   = map[string]bool{"seq": true, "eventType": true, "actor": true}
	columnNameRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)
	profileNameRe   = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,64}$`)
	postgresTSRe    = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(\.\d{0,5}[1-9])?)\+00$`)
	hex128Re        = regexp.MustCompile(`^[0-9a-f]{128}$`)
	base64urlRe     = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)
	trustcoreV1Cols = map[string]string{"id": "id", "seq": "seq", "ts": "ts", "eventType": "event_type", "actor": "actor",
		"payload": "payload", "prevHash": "prev_hash", "hash": "hash", "signer": "signer_id", "signature": "signature"}
)

// jsonPointer joins member names and indexes as RFC 6901 says.
func jsonPointer(parts ...any) string {
	var b strings.Builder
	for _, p := range parts {
		s := fmt.Sprint(p)
		s = strings.ReplaceAll(s, "~", "~0")
		s = strings.ReplaceAll(s, "/", "~1")
		b.WriteString("/" + s)
	}
	return b.String()
}

// goReadProfile reads a profile document, checking every rule of
// docs/chain-profiles.md ("The document").
func goReadProfile(raw json.RawMessage) (p *goProfile, err error) {
	bad := func(parts ...any) { panic(&profileError{"invalid_profile", jsonPointer(parts...)}) }
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*profileError)
			if !ok {
				panic(r)
			}
			p, err = nil, pe
		}
	}()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	doc, ok := v.(map[string]any)
	if !ok {
		bad()
	}
	members := func(obj map[string]any, allowed []string, at ...any) {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			found := false
			for _, a := range allowed {
				found = found || a == k
			}
			if !found {
				bad(append(at, k)...)
			}
		}
	}
	oneOf := func(obj map[string]any, name string, choices []string, def string, at ...any) string {
		x, present := obj[name]
		if !present {
			if def == "" {
				bad(append(at, name)...)
			}
			return def
		}
		s, _ := x.(string)
		for _, c := range choices {
			if s == c {
				return s
			}
		}
		bad(append(at, name)...)
		return ""
	}
	if typ, _ := doc["type"].(string); typ != "trustcore.chain-profile/v1" {
		if strings.HasPrefix(typ, "trustcore.chain-profile/") {
			panic(&profileError{"unsupported_profile_version", "/type"})
		}
		bad("type")
	}
	members(doc, []string{"type", "name", "description", "columns", "extraColumns", "hash", "signature", "genesis", "timestamp", "order"})
	p = &goProfile{col: map[string]string{}, columns: map[string]bool{}, unhashed: map[string]bool{}}
	if name, ok := doc["name"].(string); !ok || !profileNameRe.MatchString(name) {
		bad("name")
	} else {
		p.name = name
	}
	if d, present := doc["description"]; present {
		if _, ok := d.(string); !ok {
			bad("description")
		}
	}
	cols, ok := doc["columns"].(map[string]any)
	if !ok {
		bad("columns")
	}
	members(cols, profileRoles, "columns")
	for _, role := range profileRoles {
		x := cols[role]
		if x == nil {
			if !optionalRoles[role] {
				bad("columns", role)
			}
			continue
		}
		s, ok := x.(string)
		if !ok || !columnNameRe.MatchString(s) {
			bad("columns", role)
		}
		p.col[role] = s
	}
	if x, present := doc["extraColumns"]; present {
		list, ok := x.([]any)
		if !ok {
			bad("extraColumns")
		}
		for i, e := range list {
			o, ok := e.(map[string]any)
			if !ok {
				bad("extraColumns", i)
			}
			members(o, []string{"name", "hashed"}, "extraColumns", i)
			name, ok := o["name"].(string)
			if !ok || !columnNameRe.MatchString(name) {
				bad("extraColumns", i, "name")
			}
			hashed := true
			if h, present := o["hashed"]; present {
				if hashed, ok = h.(bool); !ok {
					bad("extraColumns", i, "hashed")
				}
			}
			p.extra = append(p.extra, goExtra{name, hashed})
		}
	}
	h, ok := doc["hash"].(map[string]any)
	if !ok {
		bad("hash")
	}
	members(h, []string{"input", "algorithm", "encoding"}, "hash")
	p.hashInput = oneOf(h, "input", []string{"trustcore/v1", "row", "payload", "prev_hash_payload"}, "", "hash")
	p.hashAlg = oneOf(h, "algorithm", []string{"sha256", "blake3"}, "sha256", "hash")
	p.hashEnc = oneOf(h, "encoding", []string{"hex", "base64", "prefixed"}, "", "hash")
	s, ok := doc["signature"].(map[string]any)
	if !ok {
		bad("signature")
	}
	members(s, []string{"signs", "algorithm", "encoding"}, "signature")
	p.signs = oneOf(s, "signs", []string{"envelope", "hash_input", "digest", "digest_text"}, "", "signature")
	p.sigAlg = oneOf(s, "algorithm", []string{"registry", "ed25519", "ed25519ph"}, "registry", "signature")
	p.sigEnc = oneOf(s, "encoding", []string{"base64", "base64url", "hex"}, "", "signature")
	p.genesis = oneOf(doc, "genesis", []string{"zeros", "empty", "null"}, "")
	p.timestamp = oneOf(doc, "timestamp", []string{"rfc3339", "postgres"}, "")
	defOrder := "ts"
	if _, hasSeq := p.col["seq"]; hasSeq {
		defOrder = "seq"
	}
	if order := oneOf(doc, "order", []string{"seq", "ts"}, defOrder); order == "seq" && defOrder != "seq" {
		bad("order")
	}
	// A name plays one role; the later use is the problem.
	for _, role := range profileRoles {
		if c, ok := p.col[role]; ok {
			if p.columns[c] {
				bad("columns", role)
			}
			p.columns[c] = true
		}
	}
	for i, e := range p.extra {
		if p.columns[e.name] {
			bad("extraColumns", i, "name")
		}
		p.columns[e.name] = true
		if !e.hashed {
			p.unhashed[e.name] = true
		}
	}
	if p.hashInput == "trustcore/v1" && (!reflect.DeepEqual(p.col, trustcoreV1Cols) || len(p.extra) > 0) {
		bad("hash", "input")
	}
	return p, nil
}

func (p *goProfile) encHash(d []byte) string {
	switch p.hashEnc {
	case "hex":
		return hex.EncodeToString(d)
	case "base64":
		return base64.StdEncoding.EncodeToString(d)
	}
	return p.hashAlg + ":" + hex.EncodeToString(d)
}

// decHash decodes a hash column's canonical spelling (nil if it is not one).
func (p *goProfile) decHash(v any) []byte {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	switch p.hashEnc {
	case "prefixed":
		if !strings.HasPrefix(s, p.hashAlg+":") {
			return nil
		}
		s = strings.TrimPrefix(s, p.hashAlg+":")
		fallthrough
	case "hex":
		if !hexRe.MatchString(s) {
			return nil
		}
		b, _ := hex.DecodeString(s)
		return b
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != 32 || base64.StdEncoding.EncodeToString(b) != s {
		return nil
	}
	return b
}

// genesisValue is the first row's prevHash (nil for a null genesis).
func (p *goProfile) genesisValue() any {
	switch p.genesis {
	case "zeros":
		return p.encHash(make([]byte, 32))
	case "empty":
		return ""
	}
	return nil
}

func (p *goProfile) decSig(s string) []byte {
	var b []byte
	var err error
	switch p.sigEnc {
	case "hex":
		if !hex128Re.MatchString(s) {
			return nil
		}
		b, _ = hex.DecodeString(s)
		return b
	case "base64":
		b, err = base64.StdEncoding.Strict().DecodeString(s)
		if err != nil || len(b) != 64 || base64.StdEncoding.EncodeToString(b) != s {
			return nil
		}
		return b
	}
	if !base64urlRe.MatchString(s) {
		return nil
	}
	b, err = base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != 64 || base64.RawURLEncoding.EncodeToString(b) != s {
		return nil
	}
	return b
}

// parseTS reads the ts column in the profile's format.
func (p *goProfile) parseTS(s string) (time.Time, bool) {
	if p.timestamp == "postgres" {
		m := postgresTSRe.FindStringSubmatch(s)
		if m == nil {
			return time.Time{}, false
		}
		s = m[1] + "T" + m[2] + "Z"
	} else if !tsRe.MatchString(s) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

func canonicalJSON(v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		panic(err)
	}
	return out
}

// readProfileRow reads a row under the profile (docs/chain-profiles.md,
// "Reading a row"): the row or the reason it cannot be read.
func (p *goProfile) readRow(line string) (map[string]any, string) {
	if _, err := jcs.Transform([]byte(line)); err != nil || hasDuplicateMembers(line) {
		return nil, "malformed_row"
	}
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	var row map[string]any
	if err := dec.Decode(&row); err != nil || len(row) != len(p.columns) {
		return nil, "malformed_row"
	}
	for c := range p.columns {
		if _, ok := row[c]; !ok {
			return nil, "malformed_row"
		}
	}
	for _, role := range []string{"id", "ts", "eventType", "actor", "hash", "signer", "signature"} {
		if c, ok := p.col[role]; ok {
			if _, isStr := row[c].(string); !isStr {
				return nil, "malformed_row"
			}
		}
	}
	prev := row[p.col["prevHash"]]
	if _, isStr := prev.(string); !isStr && !(prev == nil && p.genesis == "null") {
		return nil, "malformed_row"
	}
	str := func(role string) string { return row[p.col[role]].(string) }
	if !uuidRe.MatchString(str("id")) {
		return nil, "invalid_field"
	}
	if _, ok := p.parseTS(str("ts")); !ok {
		return nil, "invalid_field"
	}
	for _, role := range []string{"eventType", "actor", "signer"} {
		if _, ok := p.col[role]; ok && (str(role) == "" || strings.IndexFunc(str(role), unicode.IsControl) >= 0) {
			return nil, "invalid_field"
		}
	}
	if prev != p.genesisValue() && p.decHash(prev) == nil {
		return nil, "invalid_field"
	}
	if p.decHash(str("hash")) == nil || p.decSig(str("signature")) == nil {
		return nil, "invalid_field"
	}
	if c, ok := p.col["seq"]; ok {
		n, isNum := row[c].(json.Number)
		if !isNum {
			return nil, "invalid_field"
		}
		if seq, err := n.Int64(); err != nil || seq < 1 {
			return nil, "invalid_field"
		}
	}
	return row, ""
}

// hashInputOf is the bytes the row's hash is the digest of.
func (p *goProfile) hashInputOf(row map[string]any) []byte {
	switch p.hashInput {
	case "payload":
		return canonicalJSON(row[p.col["payload"]])
	case "prev_hash_payload":
		prev, _ := row[p.col["prevHash"]].(string) // "" for null
		return append([]byte(prev), canonicalJSON(row[p.col["payload"]])...)
	}
	body := map[string]any{}
	for k, v := range row {
		if k != p.col["hash"] && k != p.col["signature"] && !p.unhashed[k] {
			body[k] = v
		}
	}
	return canonicalJSON(body)
}

func (p *goProfile) digest(b []byte) []byte {
	if p.hashAlg == "blake3" {
		d := blake3.Sum256(b)
		return d[:]
	}
	d := sha256.Sum256(b)
	return d[:]
}

// signedBytes is what the signature is over (for ed25519ph, what is
// hashed with SHA-512 first).
func (p *goProfile) signedBytes(t *testing.T, input, digest []byte, hashText, signerID, alg string) []byte {
	switch p.signs {
	case "hash_input":
		return input
	case "digest":
		return digest
	case "digest_text":
		return []byte(hashText)
	}
	payload, _ := json.Marshal(map[string]string{"hash": p.hashAlg + ":" + hex.EncodeToString(digest)})
	return signingInput(t, "trustcore.audit-event", payload, alg, signerID)
}

// rowVerdicts: whether the hash is the digest of the hash input, and the
// signer's (window, algorithm) or the signature's reason, "" if it verifies.
func (p *goProfile) rowVerdicts(t *testing.T, reg []signer, row map[string]any) (bool, string) {
	str := func(role string) string { return row[p.col[role]].(string) }
	input := p.hashInputOf(row)
	claimed := p.decHash(str("hash"))
	hashOK := bytes.Equal(p.digest(input), claimed)
	at, _ := p.parseTS(str("ts"))
	registered := ""
	for _, s := range reg {
		if s.SignerID == str("signer") {
			registered = s.Algorithm
			if registered == "" {
				registered = "ed25519"
			}
		}
	}
	if registered == "" {
		return hashOK, "unknown_signer"
	}
	alg := p.sigAlg
	if alg == "registry" {
		alg = registered
	}
	reason, pk := reasonFor(t, reg, str("signer"), alg, at)
	if reason == "algorithm_mismatch" {
		return hashOK, "invalid_signature"
	}
	if reason != "" {
		return hashOK, reason
	}
	msg := p.signedBytes(t, input, claimed, str("hash"), str("signer"), alg)
	if !verifyAlg(pk, alg, msg, p.decSig(str("signature"))) {
		return hashOK, "invalid_signature"
	}
	return hashOK, ""
}

type profileCaseOptions struct {
	StopAtFirst  bool `json:"stopAtFirst"`
	ExpectedHead *struct {
		Hash string  `json:"hash"`
		Seq  float64 `json:"seq"`
	} `json:"expectedHead"`
	Checkpoint *struct {
		Size int    `json:"size"`
		Root string `json:"root"`
	} `json:"checkpoint"`
}

// verifyProfileChain is the sequential verifier: the report of
// docs/audit-chain.md under the profile (a profile without seq numbers
// rows by their place and its breaks carry no seq; the head's ts is RFC
// 3339, the canonical text of the instant for postgres profiles).
func verifyProfileChain(t *testing.T, p *goProfile, reg []signer, jsonl string, o profileCaseOptions) map[string]any {
	_, hasSeq := p.col["seq"]
	headHash, headSeq, headTS := make([]byte, 32), float64(0), ""
	atGenesis := true
	var lastTS *time.Time
	ids := map[string]bool{}
	breaks := []any{}
	counts := map[string]any{}
	total, count, position := 0, 0, 0
	stopped, pinnedHead, pinnedCP := false, false, false
	var leaves [][]byte
	report := func(b map[string]any) {
		r := b["reason"].(string)
		n, _ := counts[r].(float64)
		counts[r] = n + 1
		total++
		if len(breaks) < 1000 {
			breaks = append(breaks, b)
		}
		if o.StopAtFirst {
			stopped = true
		}
	}
	where := func(pos int, row map[string]any, reason string) map[string]any {
		b := map[string]any{"position": float64(pos), "reason": reason}
		if row != nil {
			if hasSeq {
				n, _ := row[p.col["seq"]].(json.Number).Float64()
				b["seq"] = n
			}
			b["id"] = row[p.col["id"]]
		}
		return b
	}
	anchors := func(pos int, row map[string]any) {
		if e := o.ExpectedHead; e != nil && !pinnedHead && headSeq >= e.Seq {
			pinnedHead = true
			if headSeq != e.Seq || hex.EncodeToString(headHash) != e.Hash {
				report(where(pos, row, "head_mismatch"))
			}
		}
		if cp := o.Checkpoint; cp != nil && !pinnedCP && !stopped && len(leaves) == cp.Size {
			pinnedCP = true
			if hex.EncodeToString(treeHash(leaves)) != cp.Root {
				report(where(pos, row, "checkpoint_mismatch"))
			}
		}
	}
	anchors(0, nil)
	for _, line := range strings.Split(jsonl, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || stopped {
			continue
		}
		pos := position
		position++
		row, why := p.readRow(line)
		if row == nil {
			report(map[string]any{"position": float64(pos), "reason": why})
			continue
		}
		str := func(role string) string { return row[p.col[role]].(string) }
		seq := headSeq + 1
		if hasSeq {
			seq, _ = row[p.col["seq"]].(json.Number).Float64()
		}
		prev := row[p.col["prevHash"]]
		linked := prev == p.genesisValue()
		if !atGenesis {
			linked = !linked && bytes.Equal(p.decHash(prev), headHash)
		}
		hashOK, sigReason := p.rowVerdicts(t, reg, row)
		ts, _ := p.parseTS(str("ts"))
		reason := ""
		switch {
		case ids[str("id")]:
			reason = "duplicate_id"
		case hasSeq && seq != headSeq+1:
			reason = "seq_gap"
		case !linked:
			reason = "prev_hash_mismatch"
		case !hashOK:
			reason = "hash_mismatch"
		case lastTS != nil && ts.Before(*lastTS):
			reason = "ts_regression"
		default:
			reason = sigReason
		}
		ids[str("id")] = true
		if reason != "" {
			report(where(pos, row, reason))
		} else {
			count++
		}
		lastTS = &ts
		headHash, headSeq, headTS = p.decHash(str("hash")), seq, str("ts")
		if p.timestamp == "postgres" {
			headTS = ts.UTC().Format(time.RFC3339Nano)
		}
		atGenesis = false
		leaves = append(leaves, headHash)
		if !stopped {
			anchors(pos, row)
		}
	}
	if o.ExpectedHead != nil && !stopped && !pinnedHead {
		report(map[string]any{"position": float64(position), "reason": "truncated"})
	}
	if o.Checkpoint != nil && !stopped && !pinnedCP {
		report(map[string]any{"position": float64(position), "reason": "truncated"})
	}
	head := map[string]any{"hash": hex.EncodeToString(headHash), "seq": headSeq}
	if !atGenesis {
		head["ts"] = headTS
	}
	return map[string]any{"valid": total == 0, "head": head, "rows": float64(position), "count": float64(count),
		"breaks": breaks, "break_count": float64(total), "break_counts": counts,
		"merkle": map[string]any{"size": float64(len(leaves)), "root": hex.EncodeToString(treeHash(leaves))}}
}

type profileVectors struct {
	Format   string            `json:"format"`
	Registry string            `json:"registry"`
	Profiles []json.RawMessage `json:"profiles"`
	Cases    []struct {
		ID       string             `json:"id"`
		Profile  string             `json:"profile"`
		JSONL    string             `json:"jsonl"`
		Options  profileCaseOptions `json:"options"`
		Expected map[string]any     `json:"expected"`
	} `json:"cases"`
	Inference []json.RawMessage `json:"inference"`
	Documents []struct {
		ID       string          `json:"id"`
		Document json.RawMessage `json:"document"`
		Expected struct {
			Code string `json:"code"`
			Path string `json:"path"`
		} `json:"expected"`
	} `json:"documents"`
}

func loadProfileVectors(t *testing.T) profileVectors {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "profiles.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc profileVectors
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Format != "trustcore-vectors/profiles" || len(doc.Cases) == 0 {
		t.Fatalf("profiles.json: %v", err)
	}
	return doc
}

// Kinds every profile must have a case of, and kinds some profile must.
var (
	profileKindsEach = []string{"good/chain", "good/anchored", "break/hash-mismatch", "break/deleted-row", "break/swapped-rows",
		"break/genesis-later", "malformed/missing-column", "malformed/unknown-column", "invalid/id-uppercase", "invalid/ts-spelling",
		"invalid/hash-spelling", "invalid/prev-hash-spelling", "invalid/genesis-spelling", "invalid/signature-spelling",
		"signature/other-key", "signer/outside-window", "anchor/head-mismatch", "anchor/truncated", "anchor/deleted-row-truncated",
		"anchor/checkpoint-rewritten"}
	profileKindsSome = []string{"good/empty", "good/member-order", "good/ts-as-written", "anchor/mid-chain-head", "anchor/checkpoint-truncated",
		"break/rewritten-resigned", "break/duplicate-id", "break/ts-regression", "break/stop-at-first", "break/collect-all",
		"break/hashed-extra-column", "break/genesis-zero-bytes", "malformed/wrong-type", "malformed/not-json", "malformed/duplicate-member",
		"malformed/prev-hash-number", "malformed/prev-hash-null", "malformed/missing-unhashed-extra-column", "invalid/signer-empty",
		"invalid/event-type-control", "invalid/seq-string", "invalid/seq-zero", "invalid/ts-offset", "invalid/ts-postgres-text",
		"invalid/ts-t-separator", "invalid/ts-long-offset", "invalid/ts-rfc3339", "invalid/ts-seven-digits", "signature/from-another-row",
		"signer/unknown", "signer/algorithm-not-allowed", "uncovered/reordered", "uncovered/reordered-checkpoint", "uncovered/redated",
		"uncovered/unhashed-extra-column"}
)

func TestProfileVectors(t *testing.T) {
	doc := loadProfileVectors(t)
	reg := registryOf(t, doc.Registry)
	profiles := map[string]*goProfile{}
	for _, raw := range doc.Profiles {
		p, err := goReadProfile(raw)
		if err != nil {
			t.Fatalf("profile %s: %v", raw, err)
		}
		profiles[p.name] = p
	}
	for _, name := range []string{"trustcore/v1", "kernel/v1", "row-digest/v1", "payload-sig/v1"} {
		if profiles[name] == nil {
			t.Errorf("profiles.json lacks the built-in %s", name)
		}
	}
	seen := map[string]map[string]bool{} // kind -> profiles
	for _, c := range doc.Cases {
		p := profiles[c.Profile]
		if p == nil {
			t.Fatalf("%s: no profile %q", c.ID, c.Profile)
		}
		kind, name, _ := strings.Cut(c.ID, "@")
		if name != c.Profile {
			t.Errorf("%s: id does not name its profile %s", c.ID, c.Profile)
		}
		if seen[kind] == nil {
			seen[kind] = map[string]bool{}
		}
		seen[kind][c.Profile] = true
		got := verifyProfileChain(t, p, reg, c.JSONL, c.Options)
		if !reflect.DeepEqual(got, c.Expected) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(c.Expected)
			if !bytes.Equal(g, w) {
				t.Errorf("%s:\n go %s\nvec %s", c.ID, g, w)
			}
		}
		// A profile without seq: no break carries one.
		if _, hasSeq := p.col["seq"]; !hasSeq {
			for _, b := range c.Expected["breaks"].([]any) {
				if _, ok := b.(map[string]any)["seq"]; ok {
					t.Errorf("%s: a break with seq under a profile without a seq column", c.ID)
				}
			}
		}
	}
	for _, kind := range profileKindsEach {
		for name := range profiles {
			if !seen[kind][name] {
				t.Errorf("no %s case for profile %s", kind, name)
			}
		}
	}
	for _, kind := range profileKindsSome {
		if len(seen[kind]) == 0 {
			t.Errorf("no %s case", kind)
		}
	}
	if len(doc.Inference) < 12 {
		t.Errorf("only %d inference cases", len(doc.Inference))
	}
}

func TestProfileDocuments(t *testing.T) {
	doc := loadProfileVectors(t)
	if len(doc.Documents) < 12 {
		t.Fatalf("only %d document cases", len(doc.Documents))
	}
	for _, c := range doc.Documents {
		_, err := goReadProfile(c.Document)
		pe, ok := err.(*profileError)
		if !ok || pe.code != c.Expected.Code || pe.path != c.Expected.Path {
			t.Errorf("%s: go %v, vector %s at %q", c.ID, err, c.Expected.Code, c.Expected.Path)
		}
	}
}
