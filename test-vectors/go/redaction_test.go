package vectors

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gowebpki/jcs"
	"golang.org/x/mod/sumdb/tlog"
)

// redaction.json checked with a reading of docs/redaction.md written here
// (crypto/hmac, crypto/sha256, gowebpki/jcs): every redaction record's
// digests (policy, original, redacted) and every entry's salted commitment
// over the value at its pointer in the original, with the salt derived from
// the salt key; the replaced, masked and pseudonymized values in the
// redacted document; every privileged proof; every commitment form (each
// disclosure canonical, its digest, where the digest sits, its salt and its
// value, and that disclosing everything gives the original); every
// disclosure case through goDisclose, the disclosure rules with RFC 9901's
// refusals; and the commitment-form snapshot (batch verified by
// goVerifySnapshot, proofs by tlog, views and refusals by goDisclose). The
// selection (detectors, patterns, classes, the walk) is in
// redaction_walk_test.go.

var b64u = base64.RawURLEncoding.Strict()

func redSalt(key []byte, pointer string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("trustcore.redaction-salt/v1\x00" + pointer))
	return m.Sum(nil)[:16]
}

func redCommitment(t *testing.T, salt []byte, pointer string, value any) string {
	d := sha256.Sum256(canonOf(t, []any{b64u.EncodeToString(salt), pointer, value}))
	return "sha256:" + hex.EncodeToString(d[:])
}

func namedSHA256Of(b []byte) string {
	d := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(d[:])
}

type redactionVectors struct {
	Keys          map[string]string          `json:"keys"`
	Policies      map[string]json.RawMessage `json:"policies"`
	PolicyDigests map[string]string          `json:"policyDigests"`
	Documents     map[string]json.RawMessage `json:"documents"`
	Redactions    []struct {
		ID           string          `json:"id"`
		Document     string          `json:"document"`
		Policy       string          `json:"policy"`
		SaltKey      string          `json:"saltKey"`
		PseudonymKey *string         `json:"pseudonymKey"`
		Redacted     string          `json:"redacted"`
		Record       json.RawMessage `json:"record"`
	} `json:"redactions"`
	RedactErrors []struct {
		ID           string          `json:"id"`
		Document     json.RawMessage `json:"document"`
		Policy       string          `json:"policy"`
		SaltKey      string          `json:"saltKey"`
		SaltKeyBytes int             `json:"saltKeyBytes"`
		PseudonymKey *string         `json:"pseudonymKey"`
		Code         string          `json:"code"`
	} `json:"redactErrors"`
	CommitErrors []struct {
		ID       string          `json:"id"`
		Document json.RawMessage `json:"document"`
		Policy   string          `json:"policy"`
		SaltKey  string          `json:"saltKey"`
		Code     string          `json:"code"`
	} `json:"commitErrors"`
	Proofs []struct {
		ID        string          `json:"id"`
		Redaction string          `json:"redaction"`
		Entry     int             `json:"entry"`
		Value     json.RawMessage `json:"value"`
		SaltKey   string          `json:"saltKey"`
		Proves    bool            `json:"proves"`
	} `json:"proofs"`
	Commitments []struct {
		ID          string          `json:"id"`
		Document    json.RawMessage `json:"document"`
		Policy      string          `json:"policy"`
		SaltKey     string          `json:"saltKey"`
		Committed   string          `json:"committed"`
		Disclosures []string        `json:"disclosures"`
		Digests     []string        `json:"digests"`
	} `json:"commitments"`
	Disclosures []struct {
		ID          string          `json:"id"`
		Commitment  string          `json:"commitment"`
		Committed   json.RawMessage `json:"committed"`
		Disclosures []string        `json:"disclosures"`
		Expected    json.RawMessage `json:"expected"`
		Opened      []string        `json:"opened"`
		Hidden      json.RawMessage `json:"hidden"`
		Error       string          `json:"error"`
	} `json:"disclosures"`
	Snapshots []struct {
		ID          string            `json:"id"`
		Policy      string            `json:"policy"`
		SaltKey     string            `json:"saltKey"`
		Records     []json.RawMessage `json:"records"`
		Lines       []string          `json:"lines"`
		Disclosures [][]string        `json:"disclosures"`
		Metadata    string            `json:"metadata"`
		Proofs      [][]string        `json:"proofs"`
		Views       []struct {
			Record   int             `json:"record"`
			ID       string          `json:"id"`
			Disclose []int           `json:"disclose"`
			Expected json.RawMessage `json:"expected"`
		} `json:"views"`
		Refusals []struct {
			Record      int      `json:"record"`
			ID          string   `json:"id"`
			Disclosures []string `json:"disclosures"`
			Error       string   `json:"error"`
		} `json:"refusals"`
		Tampered struct {
			Batch    string          `json:"batch"`
			Expected json.RawMessage `json:"expected"`
		} `json:"tampered"`
	} `json:"snapshots"`
	Registry     string `json:"registry"`
	PolicyErrors []struct {
		ID         string          `json:"id"`
		Policy     json.RawMessage `json:"policy"`
		PolicyText string          `json:"policyText"`
		Error      struct {
			Code string  `json:"code"`
			Path *string `json:"path"`
		} `json:"error"`
	} `json:"policyErrors"`
	Detectors []struct {
		Detector string `json:"detector"`
		Value    string `json:"value"`
		Matches  bool   `json:"matches"`
	} `json:"detectors"`
}

func loadRedaction(t *testing.T) redactionVectors {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "redaction.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v redactionVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Redactions) == 0 || len(v.Commitments) == 0 || len(v.Disclosures) == 0 || len(v.Snapshots) == 0 || len(v.Proofs) == 0 {
		t.Fatal("redaction.json: a section is empty")
	}
	return v
}

func (v redactionVectors) key(t *testing.T, name string) []byte {
	b, err := hex.DecodeString(v.Keys[name])
	if err != nil || len(b) != 32 {
		t.Fatalf("key %s", name)
	}
	return b
}

func mustDecode(t *testing.T, raw []byte) any {
	t.Helper()
	x, err := decodeJSON(raw)
	if err != nil {
		t.Fatalf("%v in %s", err, raw)
	}
	return x
}

// document is a case's document: a name in documents, or the document itself.
func (v redactionVectors) document(t *testing.T, raw json.RawMessage) any {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		return mustDecode(t, v.Documents[name])
	}
	return mustDecode(t, raw)
}

func maskOf(t *testing.T, value any, keep int) string {
	var text string
	switch x := value.(type) {
	case string:
		text = x
	case map[string]any, []any:
		return "****"
	default:
		text = string(canonOf(t, x))
	}
	runes := []rune(text)
	shown := keep
	if shown > len(runes) {
		shown = len(runes)
	}
	return strings.Repeat("*", len(runes)-shown) + string(runes[len(runes)-shown:])
}

func pseudonymOf(t *testing.T, key []byte, value any) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("trustcore.pseudonym/v1\x00"))
	m.Write(canonOf(t, value))
	return "pseud:" + b64u.EncodeToString(m.Sum(nil)[:16])
}

// inRedacted finds where the value at an original pointer sits in the
// redacted document: array indexes move up past removed elements.
func inRedacted(doc any, pointer string, removed map[string]bool) (any, bool) {
	tokens := pointerTokens(pointer)
	prefix := ""
	for _, tok := range tokens {
		if arr, ok := doc.([]any); ok {
			i, err := strconv.Atoi(tok)
			if err != nil {
				return nil, false
			}
			shift := 0
			for j := 0; j < i; j++ {
				if removed[prefix+"/"+strconv.Itoa(j)] {
					shift++
				}
			}
			if i-shift >= len(arr) {
				return nil, false
			}
			doc = arr[i-shift]
		} else if m, ok := doc.(map[string]any); ok {
			c, ok := m[tok]
			if !ok {
				return nil, false
			}
			doc = c
		} else {
			return nil, false
		}
		prefix += "/" + strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
	}
	return doc, true
}

func TestRedactionRecords(t *testing.T) {
	v := loadRedaction(t)
	for name, raw := range v.Policies {
		if namedSHA256Of(canonOf(t, mustDecode(t, raw))) != v.PolicyDigests[name] {
			t.Errorf("policy %s: digest", name)
		}
	}
	for _, c := range v.Redactions {
		doc := mustDecode(t, v.Documents[c.Document])
		policy := mustDecode(t, v.Policies[c.Policy]).(map[string]any)
		rec := mustDecode(t, c.Record).(map[string]any)
		p := rec["policy"].(map[string]any)
		if p["digest"] != v.PolicyDigests[c.Policy] || p["id"] != policy["id"] || p["version"] != policy["version"] {
			t.Errorf("%s: policy %v", c.ID, p)
		}
		if rec["original"] != namedSHA256Of(canonOf(t, doc)) {
			t.Errorf("%s: original digest", c.ID)
		}
		if canon, err := jcs.Transform([]byte(c.Redacted)); err != nil || string(canon) != c.Redacted {
			t.Errorf("%s: the redacted text is not canonical", c.ID)
		}
		if rec["redacted"] != namedSHA256Of([]byte(c.Redacted)) {
			t.Errorf("%s: redacted digest", c.ID)
		}
		redacted := mustDecode(t, []byte(c.Redacted))
		rules := map[string]map[string]any{}
		for _, r := range policy["rules"].([]any) {
			rules[r.(map[string]any)["id"].(string)] = r.(map[string]any)
		}
		entries := rec["redactions"].([]any)
		removed := map[string]bool{}
		for _, e := range entries {
			if e.(map[string]any)["action"] == "remove" {
				removed[e.(map[string]any)["pointer"].(string)] = true
			}
		}
		salt := v.key(t, c.SaltKey)
		for i, e := range entries {
			e := e.(map[string]any)
			ptr := e["pointer"].(string)
			value, ok := atPointer(doc, pointerTokens(ptr))
			if !ok {
				t.Errorf("%s entry %d: %s is not in the original", c.ID, i, ptr)
				continue
			}
			if e["commitment"] != redCommitment(t, redSalt(salt, ptr), ptr, value) {
				t.Errorf("%s entry %d: commitment", c.ID, i)
			}
			rule := rules[e["rule"].(string)]
			if rule == nil || rule["action"] != e["action"] {
				t.Errorf("%s entry %d: rule %v", c.ID, i, e["rule"])
				continue
			}
			if cl, ok := rule["class"]; ok && cl != e["class"] {
				t.Errorf("%s entry %d: class", c.ID, i)
			}
			got, present := inRedacted(redacted, ptr, removed)
			var want any
			switch e["action"] {
			case "remove":
				continue
			case "replace":
				want = "[REDACTED]"
				if m, ok := policy["marker"]; ok {
					want = m
				}
				if m, ok := rule["marker"]; ok {
					want = m
				}
			case "mask":
				keep := 4
				if k, ok := rule["keep"].(json.Number); ok {
					keep, _ = strconv.Atoi(k.String())
				}
				want = maskOf(t, value, keep)
			case "pseudonymize":
				want = pseudonymOf(t, v.key(t, *c.PseudonymKey), value)
			}
			if !present || got != want {
				t.Errorf("%s entry %d (%s %s): got %v, Go %v", c.ID, i, e["action"], ptr, got, want)
			}
		}
	}
}

func TestRedactionProofs(t *testing.T) {
	v := loadRedaction(t)
	for _, c := range v.Proofs {
		var entry map[string]any
		for _, r := range v.Redactions {
			if r.ID == c.Redaction {
				rec := mustDecode(t, r.Record).(map[string]any)
				entry = rec["redactions"].([]any)[c.Entry].(map[string]any)
			}
		}
		ptr := entry["pointer"].(string)
		proves := entry["commitment"] == redCommitment(t, redSalt(v.key(t, c.SaltKey), ptr), ptr, mustDecode(t, c.Value))
		if proves != c.Proves {
			t.Errorf("%s: Go %v", c.ID, proves)
		}
	}
}

type disclosed struct {
	named bool
	name  string
	value any
}

var errDisclosure = map[string]error{}

func discloseErr(code string) error {
	if e, ok := errDisclosure[code]; ok {
		return e
	}
	e := errors.New(code)
	errDisclosure[code] = e
	return e
}

func discloseDigest(d string) string {
	h := sha256.Sum256([]byte(d))
	return b64u.EncodeToString(h[:])
}

// readDisclosure is docs/redaction.md "Disclosing", step 1.
func readDisclosure(d string) (disclosed, error) {
	bad := discloseErr("invalid_disclosure")
	raw, err := b64u.DecodeString(d)
	if err != nil {
		return disclosed{}, bad
	}
	if _, err := jcs.Transform(raw); err != nil || !utf8.Valid(raw) {
		return disclosed{}, bad
	}
	x, err := decodeJSON(raw)
	if err != nil {
		return disclosed{}, bad
	}
	a, ok := x.([]any)
	if !ok || len(a) == 0 {
		return disclosed{}, bad
	}
	if s, ok := a[0].(string); !ok || len(s) < 16 {
		return disclosed{}, bad
	}
	switch len(a) {
	case 2:
		return disclosed{value: a[1]}, nil
	case 3:
		if a[1] == "_sd" || a[1] == "..." {
			return disclosed{}, discloseErr("claim_collision")
		}
		n, ok := a[1].(string)
		if !ok {
			return disclosed{}, bad
		}
		return disclosed{named: true, name: n, value: a[2]}, nil
	}
	return disclosed{}, bad
}

// goDisclose is docs/redaction.md "Disclosing", in Go.
func goDisclose(committed any, disclosures []string) (any, error) {
	view, _, _, err := goDiscloseReport(committed, disclosures)
	return view, err
}

// goDiscloseReport is goDisclose with docs/redaction.md "What a view opened,
// and what it left hidden": the walk notes, by view pointer, the values a
// disclosure put back and the unopened digests; a walk of the finished view
// in canonical order then lists them in document order.
func goDiscloseReport(committed any, disclosures []string) (any, []string, []any, error) {
	opened := map[string]bool{}
	left := map[string]int{}
	byDigest := map[string]disclosed{}
	for _, d := range disclosures {
		x, err := readDisclosure(d)
		if err != nil {
			return nil, nil, nil, err
		}
		dg := discloseDigest(d)
		if _, dup := byDigest[dg]; dup {
			return nil, nil, nil, discloseErr("duplicate_digest")
		}
		byDigest[dg] = x
	}
	seen := map[string]bool{}
	met := func(dg string) error {
		if seen[dg] {
			return discloseErr("duplicate_digest")
		}
		seen[dg] = true
		return nil
	}
	var walk func(v any, at string) (any, error)
	walk = func(v any, at string) (any, error) {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			keys := make([]string, 0, len(x))
			for k := range x {
				if k != "_sd" {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys) // byte order of UTF-8: code point order
			for _, k := range keys {
				c, err := walk(x[k], at+jsonPointer(k))
				if err != nil {
					return nil, err
				}
				out[k] = c
			}
			if sd, ok := x["_sd"]; ok {
				list, ok := sd.([]any)
				if !ok {
					return nil, discloseErr("invalid_disclosure")
				}
				for _, e := range list {
					dg, ok := e.(string)
					if !ok {
						return nil, discloseErr("invalid_disclosure")
					}
					if err := met(dg); err != nil {
						return nil, err
					}
					d, ok := byDigest[dg]
					if !ok {
						left[at]++
						continue
					}
					delete(byDigest, dg)
					if !d.named {
						return nil, discloseErr("invalid_disclosure")
					}
					if _, there := out[d.name]; there {
						return nil, discloseErr("claim_collision")
					}
					opened[at+jsonPointer(d.name)] = true
					c, err := walk(d.value, at+jsonPointer(d.name))
					if err != nil {
						return nil, err
					}
					out[d.name] = c
				}
			}
			return out, nil
		case []any:
			out := []any{}
			for _, e := range x {
				if o, ok := e.(map[string]any); ok && len(o) == 1 {
					if dg, ok := o["..."].(string); ok {
						if err := met(dg); err != nil {
							return nil, err
						}
						d, ok := byDigest[dg]
						if !ok {
							left[at]++
							continue
						}
						delete(byDigest, dg)
						if d.named {
							return nil, discloseErr("invalid_disclosure")
						}
						here := at + "/" + strconv.Itoa(len(out))
						opened[here] = true
						c, err := walk(d.value, here)
						if err != nil {
							return nil, err
						}
						out = append(out, c)
						continue
					}
				}
				c, err := walk(e, at+"/"+strconv.Itoa(len(out)))
				if err != nil {
					return nil, err
				}
				out = append(out, c)
			}
			return out, nil
		}
		return v, nil
	}
	out, err := walk(committed, "")
	if err != nil {
		return nil, nil, nil, err
	}
	if len(byDigest) > 0 {
		return nil, nil, nil, discloseErr("unreferenced_disclosure")
	}
	openedList, hiddenList := []string{}, []any{}
	var order func(v any, at string)
	order = func(v any, at string) {
		if opened[at] {
			openedList = append(openedList, at)
		}
		if n := left[at]; n > 0 {
			hiddenList = append(hiddenList, map[string]any{"pointer": at, "digests": json.Number(strconv.Itoa(n))})
		}
		switch x := v.(type) {
		case map[string]any:
			for _, k := range utf16Sorted(x) {
				order(x[k], at+jsonPointer(k))
			}
		case []any:
			for i, e := range x {
				order(e, at+"/"+strconv.Itoa(i))
			}
		}
	}
	order(out, "")
	return out, openedList, hiddenList, nil
}

// digestPlaces maps each digest of a committed document to the pointer of
// the hidden value's parent and whether it is an object's _sd entry.
func digestPlaces(v any, at string, out map[string][2]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if k == "_sd" {
				for _, d := range c.([]any) {
					out[d.(string)] = [2]string{at, "sd"}
				}
				continue
			}
			digestPlaces(c, at+jsonPointer(k), out)
		}
	case []any:
		for i, c := range x {
			if o, ok := c.(map[string]any); ok && len(o) == 1 {
				if d, ok := o["..."].(string); ok {
					out[d] = [2]string{at + "/" + strconv.Itoa(i), "element"}
					continue
				}
			}
			digestPlaces(c, at+"/"+strconv.Itoa(i), out)
		}
	}
}

func TestRedactionCommitments(t *testing.T) {
	v := loadRedaction(t)
	for _, c := range v.Commitments {
		doc := v.document(t, c.Document)
		if canon, err := jcs.Transform([]byte(c.Committed)); err != nil || string(canon) != c.Committed {
			t.Errorf("%s: committed text is not canonical", c.ID)
		}
		committed := mustDecode(t, []byte(c.Committed))
		places := map[string][2]string{}
		digestPlaces(committed, "", places)
		if len(places) != len(c.Disclosures) {
			t.Errorf("%s: %d digests, %d disclosures", c.ID, len(places), len(c.Disclosures))
		}
		salt := v.key(t, c.SaltKey)
		for i, d := range c.Disclosures {
			dg := discloseDigest(d)
			if dg != c.Digests[i] {
				t.Errorf("%s: disclosure %d digest", c.ID, i)
			}
			raw, err := b64u.DecodeString(d)
			if err != nil {
				t.Fatalf("%s: disclosure %d: %v", c.ID, i, err)
			}
			if canon, err := jcs.Transform(raw); err != nil || string(canon) != string(raw) {
				t.Errorf("%s: disclosure %d is not canonical JSON", c.ID, i)
			}
			parts := mustDecode(t, raw).([]any)
			place, ok := places[dg]
			if !ok {
				t.Errorf("%s: disclosure %d's digest is not in the document", c.ID, i)
				continue
			}
			ptr, value := place[0], parts[len(parts)-1]
			if place[1] == "sd" {
				if len(parts) != 3 {
					t.Errorf("%s: disclosure %d: an _sd digest of a [salt, value] disclosure", c.ID, i)
					continue
				}
				ptr += jsonPointer(parts[1])
			} else if len(parts) != 2 {
				t.Errorf("%s: disclosure %d: an element digest of a [salt, name, value] disclosure", c.ID, i)
				continue
			}
			if parts[0] != b64u.EncodeToString(redSalt(salt, ptr)) {
				t.Errorf("%s: disclosure %d: the salt is not the one of %s", c.ID, i, ptr)
			}
			orig, ok := atPointer(doc, pointerTokens(ptr))
			if !ok || !reflect.DeepEqual(orig, value) {
				t.Errorf("%s: disclosure %d: the value at %s differs", c.ID, i, ptr)
			}
		}
		all, err := goDisclose(committed, c.Disclosures)
		if err != nil || !reflect.DeepEqual(all, doc) {
			t.Errorf("%s: disclosing everything does not give the document (%v)", c.ID, err)
		}
	}
}

func TestRedactionDisclosures(t *testing.T) {
	v := loadRedaction(t)
	byID := map[string]string{}
	for _, c := range v.Commitments {
		byID[c.ID] = c.Committed
	}
	codes := map[string]bool{}
	for _, c := range v.Disclosures {
		var committed any
		if c.Commitment != "" {
			committed = mustDecode(t, []byte(byID[c.Commitment]))
		} else {
			committed = mustDecode(t, c.Committed)
		}
		got, opened, hidden, err := goDiscloseReport(committed, c.Disclosures)
		switch {
		case c.Error != "":
			codes[c.Error] = true
			if err == nil || err.Error() != c.Error {
				t.Errorf("%s: Go %v, vector %s", c.ID, err, c.Error)
			}
		case err != nil:
			t.Errorf("%s: Go refuses: %v", c.ID, err)
		case !reflect.DeepEqual(got, mustDecode(t, c.Expected)):
			t.Errorf("%s: the view differs", c.ID)
		case !reflect.DeepEqual(opened, c.Opened):
			t.Errorf("%s: opened: Go %q, vector %q", c.ID, opened, c.Opened)
		case !reflect.DeepEqual(any(hidden), mustDecode(t, c.Hidden)):
			t.Errorf("%s: hidden: Go %v, vector %s", c.ID, hidden, c.Hidden)
		}
	}
	for _, code := range []string{"invalid_disclosure", "duplicate_digest", "unreferenced_disclosure", "claim_collision"} {
		if !codes[code] {
			t.Errorf("no refusal with %s", code)
		}
	}
}

func TestRedactionSnapshots(t *testing.T) {
	v := loadRedaction(t)
	reg := registryOf(t, v.Registry)
	for _, c := range v.Snapshots {
		meta := metaOf(t, c.Metadata)
		var batch []byte
		var lines []any
		for i, l := range c.Lines {
			batch = append(append(batch, l...), '\n')
			line := mustDecode(t, []byte(l))
			lines = append(lines, line)
			all, err := goDisclose(line, c.Disclosures[i])
			if err != nil || !reflect.DeepEqual(all, mustDecode(t, c.Records[i])) {
				t.Errorf("%s: record %d: disclosing everything does not give the record (%v)", c.ID, i, err)
			}
			var proof tlog.RecordProof
			for _, h := range c.Proofs[i] {
				b, _ := hex.DecodeString(h)
				proof = append(proof, tlog.Hash(b))
			}
			rb, _ := hex.DecodeString(strings.TrimPrefix(meta["merkle_root"].(string), "sha256:"))
			if err := tlog.CheckRecord(proof, int64(len(c.Lines)), tlog.Hash(rb), int64(i), tlog.RecordHash([]byte(l))); err != nil {
				t.Errorf("%s: record %d proof: %v", c.ID, i, err)
			}
		}
		if r := goVerifySnapshot(t, reg, meta, batch); r["valid"] != true {
			t.Errorf("%s: the commitment-form batch does not verify: %v", c.ID, r)
		}
		for _, w := range c.Views {
			var given []string
			for _, i := range w.Disclose {
				given = append(given, c.Disclosures[w.Record][i])
			}
			got, err := goDisclose(lines[w.Record], given)
			if err != nil || !reflect.DeepEqual(got, mustDecode(t, w.Expected)) {
				t.Errorf("%s view %s: %v", c.ID, w.ID, err)
			}
		}
		for _, r := range c.Refusals {
			if _, err := goDisclose(lines[r.Record], r.Disclosures); err == nil || err.Error() != r.Error {
				t.Errorf("%s refusal %s: Go %v", c.ID, r.ID, err)
			}
		}
		got, _ := json.Marshal(goVerifySnapshot(t, reg, meta, []byte(c.Tampered.Batch)))
		if !reflect.DeepEqual(asPlain(t, got), asPlain(t, c.Tampered.Expected)) {
			t.Errorf("%s tampered:\n go  %s\n vec %s", c.ID, got, c.Tampered.Expected)
		}
	}
}
