package vectors

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gowebpki/jcs"
	"golang.org/x/mod/sumdb/tlog"
)

// snapshots.json checked with a reading of docs/snapshots.md written here:
// each build's lines are the jcs form of its records, its hash the named
// digest (crypto/sha256, lukechampine.com/blake3) of the batch, its
// merkle_root the RFC 6962 head (tlog.TreeHash) over the canonical lines,
// its trace_range recomputed, its signing input built with jcs and its
// signature verified with crypto/ed25519 (pure and Ed25519ph: verifyAlg)
// under the registry rules (reasonFor); every verify case is re-verified by
// the verifier below (line by line, then the batch checks, then the
// signature) and the report must equal the vector's; metadata documents are
// read by goReadSnapshotMeta; record proofs are checked with
// tlog.CheckRecord; the snapshot.published rows are re-hashed and their
// signatures verified.

// decodeJSON reads JSON keeping numbers as written.
func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

// canonOf is the canonical JSON of a value.
func canonOf(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		t.Fatal(err)
	}
	out, err := jcs.Transform(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	if err != nil {
		t.Fatalf("jcs: %v", err)
	}
	return out
}

var snapTS = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|\+00:00)$`)

// snapInstant reads an RFC 3339 UTC timestamp as docs/registry.md defines it.
func snapInstant(s string) (time.Time, bool) {
	m := snapTS.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	n := func(i int) int { x, _ := strconv.Atoi(m[i]); return x }
	frac := (m[7] + "000000000")[:9]
	ns, _ := strconv.Atoi(frac)
	if n(1) < 1 || n(2) < 1 || n(2) > 12 || n(4) > 23 || n(5) > 59 || n(6) > 59 {
		return time.Time{}, false
	}
	at := time.Date(n(1), time.Month(n(2)), n(3), n(4), n(5), n(6), ns, time.UTC)
	if at.Day() != n(3) {
		return time.Time{}, false // 2026-02-30
	}
	return at, true
}

// canonicalTime is the canonical text of an instant: Z, fraction without trailing zeros.
func canonicalTime(at time.Time) string {
	s := at.UTC().Format("2006-01-02T15:04:05")
	if ns := at.Nanosecond(); ns != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%09d", ns), "0")
	}
	return s + "Z"
}

func pointerTokens(p string) []string {
	parts := strings.Split(p, "/")[1:]
	for i, t := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return parts
}

var arrayIndex = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

func atPointer(v any, tokens []string) (any, bool) {
	for _, t := range tokens {
		switch x := v.(type) {
		case map[string]any:
			c, ok := x[t]
			if !ok {
				return nil, false
			}
			v = c
		case []any:
			if !arrayIndex.MatchString(t) {
				return nil, false
			}
			i, err := strconv.Atoi(t)
			if err != nil || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

type traceRange struct {
	first, last *string
	start, end  *time.Time
}

func (r *traceRange) push(id string, at time.Time) {
	if r.first == nil {
		r.first = &id
	}
	r.last = &id
	if r.start == nil || at.Before(*r.start) {
		r.start = &at
	}
	if r.end == nil || at.After(*r.end) {
		r.end = &at
	}
}

func (r *traceRange) value() map[string]any {
	v := map[string]any{"first_trace_id": nil, "last_trace_id": nil, "start": nil, "end": nil}
	if r.first != nil {
		v["first_trace_id"], v["last_trace_id"] = *r.first, *r.last
		v["start"], v["end"] = canonicalTime(*r.start), canonicalTime(*r.end)
	}
	return v
}

// recordFacts reads a record's trace id and time at the metadata's fields.
func recordFacts(rec any, fields map[string]any) (string, time.Time, bool) {
	id, ok := atPointer(rec, pointerTokens(fields["trace_id"].(string)))
	ids, isStr := id.(string)
	if !ok || !isStr {
		return "", time.Time{}, false
	}
	ts, ok := atPointer(rec, pointerTokens(fields["ts"].(string)))
	tss, isStr := ts.(string)
	if !ok || !isStr {
		return "", time.Time{}, false
	}
	at, ok := snapInstant(tss)
	return ids, at, ok
}

// rfc6962Root is the tree head over leaf data, with x/mod's tlog.
func rfc6962Root(t *testing.T, leaves [][]byte) tlog.Hash {
	t.Helper()
	if len(leaves) == 0 {
		return tlog.Hash(sha256.Sum256(nil))
	}
	var stored []tlog.Hash
	for i, l := range leaves {
		hs, err := tlog.StoredHashes(int64(i), l, tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(idx))
			for j, x := range idx {
				out[j] = stored[x]
			}
			return out, nil
		}))
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
	}
	h, err := tlog.TreeHash(int64(len(leaves)), tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for j, x := range idx {
			out[j] = stored[x]
		}
		return out, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func namedDigestOf(alg string, b []byte) string {
	if alg == "blake3" {
		return namedBLAKE3(b)
	}
	return namedSHA256(b)
}

// snapshotSigningInput is the canonical typed signing input of metadata.
func snapshotSigningInput(t *testing.T, meta map[string]any) []byte {
	payload := map[string]any{}
	for k, v := range meta {
		if k != "signature" {
			payload[k] = v
		}
	}
	return canonOf(t, map[string]any{"alg": meta["alg"], "kind": "trustcore.snapshot", "payload": payload,
		"signer": meta["signer_kid"], "type": "trustcore.signing-input/v1"})
}

// snapshotSignature is the signature's verdict: "" or the failure code.
func snapshotSignature(t *testing.T, reg []signer, meta map[string]any) string {
	at, _ := snapInstant(meta["ts"].(string))
	reason, pk := reasonFor(t, reg, meta["signer_kid"].(string), meta["alg"].(string), at)
	if reason != "" {
		return reason
	}
	sig, err := base64.StdEncoding.DecodeString(meta["signature"].(string))
	if err != nil || !verifyAlg(pk, meta["alg"].(string), snapshotSigningInput(t, meta), sig) {
		return "invalid_signature"
	}
	return ""
}

func snapshotReport(meta map[string]any, records int, failures []map[string]any) map[string]any {
	counts := map[string]any{}
	list := []any{}
	for _, f := range failures {
		c := f["code"].(string)
		n, _ := counts[c].(float64)
		counts[c] = n + 1
		if len(list) < 100 {
			list = append(list, f)
		}
	}
	return map[string]any{"valid": len(failures) == 0, "snapshot_id": meta["snapshot_id"],
		"records": float64(records), "failures": list, "failure_counts": counts}
}

// goVerifySnapshot is docs/snapshots.md's "Verification", in Go.
func goVerifySnapshot(t *testing.T, reg []signer, meta map[string]any, batch []byte) map[string]any {
	var failures []map[string]any
	fail := func(code string, line int) {
		f := map[string]any{"code": code}
		if line > 0 {
			f["line"] = float64(line)
		}
		failures = append(failures, f)
	}
	var all []byte
	var leaves [][]byte
	var rng traceRange
	records := 0
	parts := bytes.Split(batch, []byte("\n"))
	fields := meta["fields"].(map[string]any)
	for i, line := range parts {
		last := i == len(parts)-1
		if last && len(line) == 0 {
			break
		}
		all = append(all, line...)
		if !last {
			all = append(all, '\n')
		}
		n := i + 1
		canon, err := jcs.Transform(line)
		if err != nil || len(line) == 0 || bytes.HasPrefix(line, []byte("\xef\xbb\xbf")) {
			fail("malformed_line", n)
			continue
		}
		records++
		if !bytes.Equal(canon, line) {
			fail("not_canonical", n)
		}
		leaves = append(leaves, canon)
		rec, _ := decodeJSON(canon)
		if id, at, ok := recordFacts(rec, fields); ok {
			rng.push(id, at)
		} else {
			fail("missing_field", n)
		}
	}
	want, _ := strconv.Atoi(meta["records"].(json.Number).String())
	if records != want {
		fail("count_mismatch", 0)
	}
	hash := meta["hash"].(string)
	if namedDigestOf(hash[:strings.Index(hash, ":")], all) != hash {
		fail("hash_mismatch", 0)
	}
	root := rfc6962Root(t, leaves)
	if "sha256:"+hex.EncodeToString(root[:]) != meta["merkle_root"] {
		fail("merkle_mismatch", 0)
	}
	if !reflect.DeepEqual(rng.value(), meta["trace_range"]) {
		fail("trace_range_mismatch", 0)
	}
	if code := snapshotSignature(t, reg, meta); code != "" {
		fail(code, 0)
	}
	return snapshotReport(meta, records, failures)
}

type snapshotVectors struct {
	Registry string `json:"registry"`
	Keys     map[string]struct {
		Seed      string `json:"seed"`
		PublicKey string `json:"publicKey"`
	} `json:"keys"`
	Builds []struct {
		ID           string            `json:"id"`
		Options      map[string]string `json:"options"`
		Records      []string          `json:"records"`
		SnapshotID   string            `json:"snapshotId"`
		TS           string            `json:"ts"`
		SignerKid    string            `json:"signerKid"`
		Alg          string            `json:"alg"`
		Lines        []string          `json:"lines"`
		Batch        string            `json:"batch"`
		SigningInput string            `json:"signingInput"`
		Message      string            `json:"message"`
		Metadata     string            `json:"metadata"`
	} `json:"builds"`
	Remote []struct {
		ID          string  `json:"id"`
		Build       string  `json:"build"`
		Answer      string  `json:"answer"`
		ExpectedKey string  `json:"expectedKey"`
		Error       *string `json:"error"`
	} `json:"remote"`
	Verify []struct {
		ID       string          `json:"id"`
		Metadata string          `json:"metadata"`
		Batch    string          `json:"batch"`
		Expected json.RawMessage `json:"expected"`
	} `json:"verify"`
	MetadataErrors []struct {
		ID       string `json:"id"`
		Metadata string `json:"metadata"`
		Code     string `json:"code"`
	} `json:"metadataErrors"`
	Proofs []struct {
		ID       string          `json:"id"`
		Metadata string          `json:"metadata"`
		Record   string          `json:"record"`
		Index    int64           `json:"index"`
		Proof    []string        `json:"proof"`
		Expected json.RawMessage `json:"expected"`
	} `json:"proofs"`
	Events []struct {
		ID       string  `json:"id"`
		Metadata string  `json:"metadata"`
		Row      string  `json:"row"`
		Error    *string `json:"error"`
	} `json:"events"`
}

func loadSnapshots(t *testing.T) snapshotVectors {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "snapshots.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v snapshotVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Builds) == 0 || len(v.Verify) == 0 || len(v.Proofs) == 0 || len(v.Events) == 0 || len(v.MetadataErrors) == 0 {
		t.Fatal("snapshots.json: a section is empty")
	}
	return v
}

func metaOf(t *testing.T, text string) map[string]any {
	t.Helper()
	v, err := decodeJSON([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}

// asPlain turns a decoded report into the shape goVerifySnapshot builds.
func asPlain(t *testing.T, raw []byte) any {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSnapshotBuilds(t *testing.T) {
	v := loadSnapshots(t)
	reg := registryOf(t, v.Registry)
	kinds := map[string]bool{}
	for _, c := range v.Builds {
		var batch []byte
		for i, r := range c.Records {
			line, err := jcs.Transform([]byte(r))
			if err != nil || string(line) != c.Lines[i] {
				t.Errorf("%s: record %d: jcs gives %s, the vector %s (%v)", c.ID, i, line, c.Lines[i], err)
			}
			batch = append(append(batch, line...), '\n')
		}
		if string(batch) != c.Batch {
			t.Errorf("%s: batch differs", c.ID)
		}
		meta := metaOf(t, c.Metadata)
		if string(canonOf(t, meta)) != c.Metadata {
			t.Errorf("%s: metadata is not canonical", c.ID)
		}
		hashAlg := "sha256"
		if c.Options["hash_alg"] == "blake3" {
			hashAlg = "blake3"
		}
		kinds[hashAlg+"/"+c.Alg] = true
		if namedDigestOf(hashAlg, batch) != meta["hash"] {
			t.Errorf("%s: hash %v, Go %s", c.ID, meta["hash"], namedDigestOf(hashAlg, batch))
		}
		var leaves [][]byte
		for _, l := range c.Lines {
			leaves = append(leaves, []byte(l))
		}
		root := rfc6962Root(t, leaves)
		if "sha256:"+hex.EncodeToString(root[:]) != meta["merkle_root"] {
			t.Errorf("%s: merkle_root differs", c.ID)
		}
		if meta["records"].(json.Number).String() != strconv.Itoa(len(c.Lines)) {
			t.Errorf("%s: records", c.ID)
		}
		var rng traceRange
		fields := meta["fields"].(map[string]any)
		for _, l := range c.Lines {
			rec, _ := decodeJSON([]byte(l))
			id, at, ok := recordFacts(rec, fields)
			if !ok {
				t.Fatalf("%s: a record without facts", c.ID)
			}
			rng.push(id, at)
		}
		if !reflect.DeepEqual(rng.value(), meta["trace_range"]) {
			t.Errorf("%s: trace_range %v, Go %v", c.ID, meta["trace_range"], rng.value())
		}
		for k, want := range map[string]string{"type": "trustcore.snapshot/v1", "snapshot_id": c.SnapshotID, "ts": c.TS,
			"signer_kid": c.SignerKid, "alg": c.Alg} {
			if meta[k] != want {
				t.Errorf("%s: %s is %v", c.ID, k, meta[k])
			}
		}
		si := snapshotSigningInput(t, meta)
		if string(si) != c.SigningInput {
			t.Errorf("%s: signing input differs:\n go  %s\n vec %s", c.ID, si, c.SigningInput)
		}
		msg := si
		if c.Alg == "ed25519ph" {
			d := sha512.Sum512(si)
			msg = d[:]
		}
		if hex.EncodeToString(msg) != c.Message {
			t.Errorf("%s: message differs", c.ID)
		}
		if code := snapshotSignature(t, reg, meta); code != "" {
			t.Errorf("%s: signature: %s", c.ID, code)
		}
	}
	for _, k := range []string{"sha256/ed25519", "blake3/ed25519", "sha256/ed25519ph", "blake3/ed25519ph"} {
		if !kinds[k] {
			t.Errorf("no build %s", k)
		}
	}
}

func TestSnapshotRemoteAnswers(t *testing.T) {
	v := loadSnapshots(t)
	for _, c := range v.Remote {
		var msg []byte
		alg := ""
		for _, b := range v.Builds {
			if b.ID == c.Build {
				msg, alg = []byte(b.SigningInput), b.Alg
			}
		}
		pk, _ := base64.StdEncoding.DecodeString(v.Keys[c.ExpectedKey].PublicKey)
		answer, _ := hex.DecodeString(c.Answer)
		ok := verifyAlg(pk, alg, msg, answer)
		if ok != (c.Error == nil) {
			t.Errorf("%s: Go verdict %v, vector error %v", c.ID, ok, c.Error)
		}
	}
}

func TestSnapshotVerification(t *testing.T) {
	v := loadSnapshots(t)
	reg := registryOf(t, v.Registry)
	for _, c := range v.Verify {
		got := goVerifySnapshot(t, reg, metaOf(t, c.Metadata), []byte(c.Batch))
		// Compare as JSON values.
		gotJSON, _ := json.Marshal(got)
		if !reflect.DeepEqual(asPlain(t, gotJSON), asPlain(t, c.Expected)) {
			t.Errorf("%s:\n go  %s\n vec %s", c.ID, gotJSON, c.Expected)
		}
	}
}

// goReadSnapshotMeta reads metadata as docs/snapshots.md ("The metadata")
// says: "" when it is accepted, else the code.
func goReadSnapshotMeta(text []byte) string {
	if _, err := jcs.Transform(text); err != nil {
		return "json"
	}
	v, err := decodeJSON(text)
	if err != nil {
		return "json"
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "invalid_metadata"
	}
	members := []string{"alg", "fields", "hash", "merkle_root", "records", "signature", "signer_kid", "snapshot_id", "trace_range", "ts", "type"}
	known := map[string]bool{}
	for _, k := range members {
		known[k] = true
		if _, ok := m[k]; !ok {
			return "invalid_metadata"
		}
	}
	for k := range m {
		if !known[k] {
			return "invalid_metadata"
		}
	}
	str := func(k string) (string, bool) { s, ok := m[k].(string); return s, ok }
	for _, k := range []string{"type", "snapshot_id", "signer_kid", "ts", "alg", "hash", "merkle_root", "signature"} {
		if _, ok := str(k); !ok {
			return "invalid_metadata"
		}
	}
	if m["type"] != "trustcore.snapshot/v1" {
		return "invalid_metadata"
	}
	// snapshot_id: 1-128 characters, no control character (C0, DEL, C1).
	if id := []rune(m["snapshot_id"].(string)); len(id) == 0 || len(id) > 128 {
		return "invalid_metadata"
	} else {
		for _, r := range id {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				return "invalid_metadata"
			}
		}
	}
	if _, ok := snapInstant(m["ts"].(string)); !ok {
		return "invalid_timestamp"
	}
	if a := m["alg"]; a != "ed25519" && a != "ed25519ph" {
		return "unsupported_algorithm"
	}
	if _, _, code, _ := parseNamedDigest(m["hash"].(string)); code != "" {
		return code
	}
	if alg, _, code, _ := parseNamedDigest(m["merkle_root"].(string)); code != "" {
		return code
	} else if alg != "sha256" {
		return "invalid_metadata"
	}
	n, ok := m["records"].(json.Number)
	if !ok {
		return "invalid_metadata"
	}
	if x, err := strconv.ParseUint(n.String(), 10, 64); err != nil || x < 1 {
		return "invalid_metadata"
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(m["signature"].(string))
	if err != nil || len(sig) != 64 {
		return "invalid_metadata"
	}
	f, ok := m["fields"].(map[string]any)
	if !ok || len(f) != 2 {
		return "invalid_metadata"
	}
	for _, k := range []string{"trace_id", "ts"} {
		p, ok := f[k].(string)
		if !ok || !strings.HasPrefix(p, "/") {
			return "invalid_metadata"
		}
	}
	tr, ok := m["trace_range"].(map[string]any)
	if !ok || len(tr) != 4 {
		return "invalid_metadata"
	}
	for _, k := range []string{"first_trace_id", "last_trace_id", "start", "end"} {
		if _, ok := tr[k].(string); !ok {
			return "invalid_metadata"
		}
	}
	return ""
}

func TestSnapshotMetadataDocuments(t *testing.T) {
	v := loadSnapshots(t)
	for _, c := range v.Builds {
		if code := goReadSnapshotMeta([]byte(c.Metadata)); code != "" {
			t.Errorf("%s: Go refuses the metadata: %s", c.ID, code)
		}
	}
	for _, c := range v.MetadataErrors {
		got := goReadSnapshotMeta([]byte(c.Metadata))
		want := c.Code
		if want == "syntax" || want == "duplicate_key" {
			want = "json" // jcs refuses, without codes
		}
		if got != want {
			t.Errorf("%s: Go %q, vector %q", c.ID, got, c.Code)
		}
	}
}

func TestSnapshotRecordProofs(t *testing.T) {
	v := loadSnapshots(t)
	reg := registryOf(t, v.Registry)
	for _, c := range v.Proofs {
		meta := metaOf(t, c.Metadata)
		var failures []map[string]any
		rec := strings.TrimSuffix(c.Record, "\n")
		canon, err := jcs.Transform([]byte(rec))
		switch {
		case err != nil:
			failures = append(failures, map[string]any{"code": "malformed_line"})
		case string(canon) != rec:
			failures = append(failures, map[string]any{"code": "not_canonical"})
		default:
			var proof tlog.RecordProof
			for _, h := range c.Proof {
				b, _ := hex.DecodeString(h)
				proof = append(proof, tlog.Hash(b))
			}
			rootHex := strings.TrimPrefix(meta["merkle_root"].(string), "sha256:")
			rb, _ := hex.DecodeString(rootHex)
			n, _ := strconv.ParseInt(meta["records"].(json.Number).String(), 10, 64)
			if c.Index >= n || tlog.CheckRecord(proof, n, tlog.Hash(rb), c.Index, tlog.RecordHash([]byte(rec))) != nil {
				failures = append(failures, map[string]any{"code": "not_included"})
			}
		}
		if code := snapshotSignature(t, reg, meta); code != "" {
			failures = append(failures, map[string]any{"code": code})
		}
		got, _ := json.Marshal(snapshotReport(meta, 1, failures))
		if !reflect.DeepEqual(asPlain(t, got), asPlain(t, c.Expected)) {
			t.Errorf("%s:\n go  %s\n vec %s", c.ID, got, c.Expected)
		}
	}
}

func TestSnapshotPublishedEvents(t *testing.T) {
	v := loadSnapshots(t)
	reg := registryOf(t, v.Registry)
	for _, c := range v.Events {
		row := metaOf(t, c.Row)
		// The row is a real trustcore/v1 row: its hash and signature verify.
		body := map[string]any{}
		for k, x := range row {
			if k != "hash" && k != "signature" {
				body[k] = x
			}
		}
		h := sha256.Sum256(canonOf(t, body))
		if hex.EncodeToString(h[:]) != row["hash"] {
			t.Errorf("%s: row hash", c.ID)
		}
		reason, pk := reasonFor(t, reg, row["signer_id"].(string), "ed25519", instant(t, row["ts"].(string)))
		sig, _ := base64.StdEncoding.DecodeString(row["signature"].(string))
		in := signingInput(t, "trustcore.audit-event", json.RawMessage(`{"hash":"sha256:`+row["hash"].(string)+`"}`), "ed25519", row["signer_id"].(string))
		if reason != "" || !verifyAlg(pk, "ed25519", in, sig) {
			t.Errorf("%s: row signature (%s)", c.ID, reason)
		}
		publishes := row["event_type"] == "snapshot.published" && reflect.DeepEqual(row["payload"], metaOf(t, c.Metadata))
		if publishes != (c.Error == nil) {
			t.Errorf("%s: Go says publishes=%v, vector error %v", c.ID, publishes, c.Error)
		}
	}
}

// goBuildRefusal is where a build fails and why (docs/snapshots.md), or "".
func goBuildRefusal(options map[string]string, records []string, snapshotID, ts string) (string, string) {
	fields := map[string]any{"trace_id": "/trace_id", "ts": "/ts"}
	for k, o := range options {
		switch k {
		case "hash_alg":
			if o != "sha256" && o != "blake3" {
				return "options", "invalid_option"
			}
		case "trace_id", "ts":
			if !strings.HasPrefix(o, "/") {
				return "options", "invalid_option"
			}
			fields[k] = o
		default:
			return "options", "unknown_option"
		}
	}
	for i, r := range records {
		canon, err := jcs.Transform([]byte(r))
		if err != nil {
			return strconv.Itoa(i), "json"
		}
		rec, _ := decodeJSON(canon)
		if _, _, ok := recordFacts(rec, fields); !ok {
			return strconv.Itoa(i), "invalid_record"
		}
	}
	n := len([]rune(snapshotID))
	if n == 0 || n > 128 || !noControl(snapshotID) {
		return "finish", "invalid_snapshot"
	}
	if _, ok := snapInstant(ts); !ok {
		return "finish", "invalid_timestamp"
	}
	if len(records) == 0 {
		return "finish", "invalid_snapshot"
	}
	return "", ""
}

func TestSnapshotBuildErrors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "snapshots.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		BuildErrors []struct {
			ID         string            `json:"id"`
			Options    map[string]string `json:"options"`
			Records    []string          `json:"records"`
			SnapshotID string            `json:"snapshotId"`
			TS         string            `json:"ts"`
			Error      struct {
				At   any    `json:"at"`
				Code string `json:"code"`
			} `json:"error"`
		} `json:"buildErrors"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.BuildErrors) == 0 {
		t.Fatal("buildErrors", err)
	}
	for _, c := range doc.BuildErrors {
		at, code := goBuildRefusal(c.Options, c.Records, c.SnapshotID, c.TS)
		want := fmt.Sprint(c.Error.At)
		wantCode := c.Error.Code
		if wantCode == "syntax" || wantCode == "duplicate_key" {
			wantCode = "json" // jcs refuses, without codes
		}
		if at != want || code != wantCode {
			t.Errorf("%s: Go %s at %s, vector %s at %s", c.ID, code, at, c.Error.Code, want)
		}
	}
	for _, b := range loadSnapshots(t).Builds {
		if at, code := goBuildRefusal(b.Options, b.Records, b.SnapshotID, b.TS); code != "" {
			t.Errorf("build %s: Go refuses it: %s at %s", b.ID, code, at)
		}
	}
}
