package vectors

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
	"lukechampine.com/blake3"
)

// knownDifferences lists, by case id, the vectors on which an independent Go
// implementation is known to disagree with trustcore's expected result, and
// why. Each entry must still disagree: a listed case that starts to agree
// fails the test, so this list never goes stale. Keep docs/go-parity.md in
// step with it.
//
// Only invalid canonical-json cases appear here: gowebpki/jcs is a
// canonicalizer, not an I-JSON validator, and accepts some inputs that
// trustcore rejects. On every valid case it produces the same bytes.
var knownDifferences = map[string]string{
	// docs/design.md#lossy-integers: an integer literal beyond ±(2^53−1) is
	// accepted only if it is already the ECMAScript spelling of its double.
	// gowebpki/jcs, like JSON.parse, rounds it to the nearest double and
	// prints that, so two different integers canonicalize to the same bytes.
	"invalid/number_out_of_range/2pow53-plus-1":         lossyInteger,
	"invalid/number_out_of_range/neg-2pow53-plus-1":     lossyInteger,
	"invalid/number_out_of_range/123456789012345678901": lossyInteger,
	"invalid/number_out_of_range/34710072054341912":     lossyInteger,
	"invalid/number_out_of_range/2pow64":                lossyInteger,
	"invalid/number_out_of_range/1e21-as-integer":       lossyInteger,
	"invalid/number_out_of_range/u64-max":               lossyInteger,
	"invalid/depth_limit/arrays-129":                    depthLimit,
	"invalid/depth_limit/objects-129":                   depthLimit,
	"invalid/depth_limit/max-depth-1":                   depthLimit,
	"invalid/depth_limit/max-depth-2-object":            depthLimit,
	"invalid/depth_limit/max-depth-1024":                depthLimit,
}

const (
	lossyInteger = "gowebpki/jcs rounds integer literals beyond ±(2^53−1) to the nearest double instead of rejecting them (docs/design.md#lossy-integers)"
	depthLimit   = "gowebpki/jcs nests up to 10000 levels and has no configurable limit; trustcore's default limit is 128 (max_depth option)"
)

type canonicalCase struct {
	ID          string  `json:"id"`
	Description string  `json:"description"`
	Input       *string `json:"input"`
	InputHex    *string `json:"input_hex"`
	MaxDepth    *int    `json:"max_depth"`
	ValuePath   *bool   `json:"value_path"`
	Expected    *string `json:"expected"`
	SHA256      string  `json:"sha256"`
	BLAKE3      string  `json:"blake3"`
	Error       *struct {
		Code   string `json:"code"`
		Offset int    `json:"offset"`
	} `json:"error"`
}

type canonicalFile struct {
	Format      string          `json:"format"`
	Version     int             `json:"version"`
	Description string          `json:"description"`
	Cases       []canonicalCase `json:"cases"`
}

type digestCase struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	InputHex    string `json:"input_hex"`
	SHA256      string `json:"sha256"`
	BLAKE3      string `json:"blake3"`
}

type parseCase struct {
	ID          string  `json:"id"`
	Description string  `json:"description"`
	Text        string  `json:"text"`
	Algorithm   *string `json:"algorithm"`
	Hex         *string `json:"hex"`
	Error       *struct {
		Code   string `json:"code"`
		Offset int    `json:"offset"`
	} `json:"error"`
}

type digestFile struct {
	Format      string       `json:"format"`
	Version     int          `json:"version"`
	Description string       `json:"description"`
	Cases       []digestCase `json:"cases"`
	Parse       []parseCase  `json:"parse"`
}

func load(t *testing.T, name string, into any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", name))
	if err != nil {
		t.Fatalf("vectors missing: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func (c canonicalCase) bytes(t *testing.T) []byte {
	switch {
	case c.Input != nil && c.InputHex == nil:
		return []byte(*c.Input)
	case c.InputHex != nil && c.Input == nil:
		b, err := hex.DecodeString(*c.InputHex)
		if err != nil {
			t.Fatalf("%s: input_hex: %v", c.ID, err)
		}
		return b
	}
	t.Fatalf("%s: needs exactly one of input / input_hex", c.ID)
	return nil
}

func namedSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

func namedBLAKE3(b []byte) string {
	s := blake3.Sum256(b)
	return "blake3:" + hex.EncodeToString(s[:])
}

// diffs collects disagreements by case id and checks them against
// knownDifferences at the end.
type diffs struct {
	seen map[string]string
}

func (d *diffs) add(id, format string, args ...any) {
	if d.seen == nil {
		d.seen = map[string]string{}
	}
	d.seen[id] = fmt.Sprintf(format, args...)
}

// check fails the test on a disagreement that is not listed and on a listed
// case (among ids, the cases this test ran) that agrees.
func (d *diffs) check(t *testing.T, ids map[string]bool) {
	t.Helper()
	var unexpected, stale []string
	for id, what := range d.seen {
		if _, ok := knownDifferences[id]; !ok {
			unexpected = append(unexpected, fmt.Sprintf("%s: %s", id, what))
		} else {
			t.Logf("known difference %s: %s", id, what)
		}
	}
	for id := range knownDifferences {
		if _, disagrees := d.seen[id]; ids[id] && !disagrees {
			stale = append(stale, id)
		}
	}
	sort.Strings(unexpected)
	sort.Strings(stale)
	if len(unexpected) > 0 {
		t.Errorf("%d disagreement(s) not in knownDifferences:\n%s", len(unexpected), strings.Join(unexpected, "\n"))
	}
	if len(stale) > 0 {
		t.Errorf("listed in knownDifferences but no longer disagreeing (remove them and update docs/go-parity.md): %s",
			strings.Join(stale, ", "))
	}
}

func TestKnownDifferencesHaveReasonsAndExist(t *testing.T) {
	var f canonicalFile
	load(t, "canonical-json.json", &f)
	ids := map[string]bool{}
	for _, c := range f.Cases {
		ids[c.ID] = true
	}
	for id, why := range knownDifferences {
		if strings.TrimSpace(why) == "" {
			t.Errorf("knownDifferences[%q] has no reason", id)
		}
		if !ids[id] {
			t.Errorf("knownDifferences[%q] names no case in canonical-json.json", id)
		}
	}
}

// TestCanonicalJSON runs every case of canonical-json.json through
// gowebpki/jcs. Valid cases must give the expected bytes (and the digests in
// the file must be those of the expected bytes); invalid cases must be
// rejected (jcs has no error codes, so only rejection is compared).
func TestCanonicalJSON(t *testing.T) {
	var f canonicalFile
	load(t, "canonical-json.json", &f)
	if f.Format != "trustcore-vectors/canonical-json" || f.Version != 1 {
		t.Fatalf("unexpected format %q version %d", f.Format, f.Version)
	}
	if len(f.Cases) < 150 {
		t.Fatalf("expected at least 150 cases, found %d", len(f.Cases))
	}
	var d diffs
	ids := map[string]bool{}
	valid := 0
	for _, c := range f.Cases {
		if ids[c.ID] {
			t.Errorf("duplicate case id %s", c.ID)
		}
		ids[c.ID] = true
		in := c.bytes(t)
		out, err := jcs.Transform(in)
		switch {
		case c.Expected != nil && c.Error == nil:
			valid++
			want := []byte(*c.Expected)
			// Digests are checked against the vector's own expected bytes:
			// that is a property of the file, not of jcs.
			if got := namedSHA256(want); got != c.SHA256 {
				t.Errorf("%s: sha256 field %s, crypto/sha256 gives %s", c.ID, c.SHA256, got)
			}
			if got := namedBLAKE3(want); got != c.BLAKE3 {
				t.Errorf("%s: blake3 field %s, lukechampine.com/blake3 gives %s", c.ID, c.BLAKE3, got)
			}
			if err != nil {
				d.add(c.ID, "jcs rejected a valid case: %v", err)
			} else if !bytes.Equal(out, want) {
				d.add(c.ID, "jcs gave %q, want %q", out, want)
			} else if again, err := jcs.Transform(out); err != nil || !bytes.Equal(again, out) {
				d.add(c.ID, "jcs: expected output is not a fixed point (%q, %v)", again, err)
			}
		case c.Error != nil && c.Expected == nil:
			if err == nil {
				d.add(c.ID, "jcs accepted an input trustcore rejects with %s (gave %q)", c.Error.Code, truncate(out))
			}
		default:
			t.Errorf("%s: needs exactly one of expected / error", c.ID)
		}
	}
	d.check(t, ids)
	t.Logf("%d cases (%d valid), %d known differences", len(f.Cases), valid, len(d.seen))
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

// TestDigests checks every digest of digest.json with crypto/sha256 and
// lukechampine.com/blake3.
func TestDigests(t *testing.T) {
	var f digestFile
	load(t, "digest.json", &f)
	if f.Format != "trustcore-vectors/digest" || f.Version != 1 {
		t.Fatalf("unexpected format %q version %d", f.Format, f.Version)
	}
	if len(f.Cases) == 0 || len(f.Parse) == 0 {
		t.Fatal("digest.json has no cases")
	}
	for _, c := range f.Cases {
		in, err := hex.DecodeString(c.InputHex)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		if got := namedSHA256(in); got != c.SHA256 {
			t.Errorf("%s: sha256 %s, want %s", c.ID, got, c.SHA256)
		}
		if got := namedBLAKE3(in); got != c.BLAKE3 {
			t.Errorf("%s: blake3 %s, want %s", c.ID, got, c.BLAKE3)
		}
	}
}

// TestDigestParsing checks the parse cases of digest.json against
// parseNamedDigest, a Go implementation of the README's rules.
func TestDigestParsing(t *testing.T) {
	var f digestFile
	load(t, "digest.json", &f)
	for _, c := range f.Parse {
		alg, hx, code, off := parseNamedDigest(c.Text)
		switch {
		case c.Error == nil && c.Algorithm != nil && c.Hex != nil:
			if code != "" || alg != *c.Algorithm || hx != *c.Hex {
				t.Errorf("%s: got %q %q %s@%d, want %s:%s", c.ID, alg, hx, code, off, *c.Algorithm, *c.Hex)
			}
			if alg+":"+hx != c.Text {
				t.Errorf("%s: printing is not the inverse of parsing", c.ID)
			}
		case c.Error != nil && c.Algorithm == nil && c.Hex == nil:
			if code != c.Error.Code || off != c.Error.Offset {
				t.Errorf("%s: got %s@%d, want %s@%d", c.ID, code, off, c.Error.Code, c.Error.Offset)
			}
		default:
			t.Errorf("%s: needs algorithm+hex or error", c.ID)
		}
	}
}

// parseNamedDigest parses "<algorithm>:<64 lowercase hex>". On failure it
// returns an error code and a byte offset: malformed_digest at 0 without a
// colon; unknown_algorithm at 0 for a name other than sha256 / blake3;
// malformed_digest at the first byte that is not 0-9a-f; malformed_digest at
// the start of the hex for a wrong length.
func parseNamedDigest(text string) (alg, hx, code string, offset int) {
	i := strings.IndexByte(text, ':')
	if i < 0 {
		return "", "", "malformed_digest", 0
	}
	alg, hx = text[:i], text[i+1:]
	if alg != "sha256" && alg != "blake3" {
		return "", "", "unknown_algorithm", 0
	}
	for k := 0; k < len(hx); k++ {
		if b := hx[k]; !(b >= '0' && b <= '9' || b >= 'a' && b <= 'f') {
			return "", "", "malformed_digest", i + 1 + k
		}
	}
	if len(hx) != 64 {
		return "", "", "malformed_digest", i + 1
	}
	return alg, hx, "", 0
}
