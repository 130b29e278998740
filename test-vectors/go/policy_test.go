package vectors

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
)

// policy.json checked with crypto/sha256 and gowebpki/jcs, from
// docs/policy.md ("Canary bucketing (exact rule)" and "policyCheck
// record"): every canary bucket (the `bucket` cases, and the canary member
// of every record, recomputed from the request value at the policy's
// canary key), every record id (SHA-256 of the canonical record without
// `id`, also for the records behind explanations), and the request, policy
// and policy-set digests the records and decisions carry.

// canaryBucket is docs/policy.md's rule: the first 8 bytes of the SHA-256
// of the canonical JSON, big-endian, modulo 10000.
func canaryBucket(canonical []byte) uint64 {
	h := sha256.Sum256(canonical)
	return binary.BigEndian.Uint64(h[:8]) % 10000
}

func sha256Name(b []byte) string {
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

// jcsOf is the RFC 8785 form of a value decoded with UseNumber (numbers
// keep their literal until jcs prints them).
func jcsOf(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jcs.Transform(raw)
}

func decodeNumbers(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

// resolvePointer resolves an RFC 6901 JSON Pointer; ok is false when it
// does not resolve (array indexes are decimal without leading zeros).
func resolvePointer(doc any, ptr string) (any, bool) {
	if ptr == "" {
		return doc, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	cur := doc
	for _, raw := range strings.Split(ptr[1:], "/") {
		tok := strings.ReplaceAll(strings.ReplaceAll(raw, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			if tok == "" || (len(tok) > 1 && tok[0] == '0') || strings.Trim(tok, "0123456789") != "" {
				return nil, false
			}
			i, err := strconv.Atoi(tok)
			if err != nil || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// recordID is `sha256:` + hex SHA-256 of the canonical record without `id`.
func recordID(rec map[string]any) (string, error) {
	rest := map[string]any{}
	for k, v := range rec {
		if k != "id" {
			rest[k] = v
		}
	}
	c, err := jcsOf(rest)
	if err != nil {
		return "", err
	}
	return sha256Name(c), nil
}

type policyDoc struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	State   string `json:"state"`
	Canary  *struct {
		Key         string `json:"key"`
		BasisPoints int64  `json:"basisPoints"`
	} `json:"canary"`
}

type policySetDoc struct {
	Policies []json.RawMessage `json:"policies"`
	RBAC     json.RawMessage   `json:"rbac"`
}

type policyCase struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"`
	PolicySet string          `json:"policySet"`
	Request   json.RawMessage `json:"request"`
	Expected  *string         `json:"expected"`
	Check     string          `json:"check"`
	Value     json.RawMessage `json:"value"`
	Canonical string          `json:"canonical"`
	Bucket    *uint64         `json:"bucket"`
}

func loadPolicyVectors(t *testing.T) (map[string]json.RawMessage, []policyCase) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format     string                     `json:"format"`
		PolicySets map[string]json.RawMessage `json:"policySets"`
		Cases      []policyCase               `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Format != "trustcore-vectors/policy" || len(doc.Cases) == 0 {
		t.Fatalf("policy.json: %v (format %q)", err, doc.Format)
	}
	return doc.PolicySets, doc.Cases
}

func TestPolicyCanaryBuckets(t *testing.T) {
	_, cases := loadPolicyVectors(t)
	n := 0
	for _, c := range cases {
		if c.Kind != "bucket" {
			continue
		}
		n++
		canon, err := jcs.Transform(c.Value)
		if err != nil {
			t.Errorf("%s: jcs: %v", c.ID, err)
			continue
		}
		if string(canon) != c.Canonical {
			t.Errorf("%s: canonical form %s, vector %s", c.ID, canon, c.Canonical)
		}
		if c.Bucket == nil || canaryBucket(canon) != *c.Bucket {
			t.Errorf("%s: bucket %d, vector %v", c.ID, canaryBucket(canon), c.Bucket)
		}
	}
	if n < 8 {
		t.Errorf("only %d bucket cases", n)
	}
}

// policySet indexes a set's policies by id@version, with each one's digest.
type policySet struct {
	digest   string
	rbac     string // digest of the rbac object
	policies map[string]policyDoc
	digests  map[string]string
	raw      map[string]json.RawMessage
}

func readPolicySet(t *testing.T, raw json.RawMessage) policySet {
	t.Helper()
	canon, err := jcs.Transform(raw)
	if err != nil {
		t.Fatal(err)
	}
	var d policySetDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	s := policySet{digest: sha256Name(canon), policies: map[string]policyDoc{}, digests: map[string]string{}, raw: map[string]json.RawMessage{}}
	if len(d.RBAC) > 0 {
		c, err := jcs.Transform(d.RBAC)
		if err != nil {
			t.Fatal(err)
		}
		s.rbac = sha256Name(c)
	}
	for _, p := range d.Policies {
		var pd policyDoc
		if err := json.Unmarshal(p, &pd); err != nil {
			t.Fatal(err)
		}
		c, err := jcs.Transform(p)
		if err != nil {
			t.Fatal(err)
		}
		k := fmt.Sprintf("%s@%d", pd.ID, pd.Version)
		s.policies[k], s.digests[k], s.raw[k] = pd, sha256Name(c), p
	}
	return s
}

// checkRecord checks one policyCheck record against its set and request:
// its id, its digests and, for a canary policy, its canary member.
func checkRecord(where string, set policySet, request any, requestDigest string, rec map[string]any) []string {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, where+": "+fmt.Sprintf(f, a...)) }
	id, err := recordID(rec)
	if err != nil {
		bad("record: %v", err)
		return errs
	}
	if rec["id"] != id {
		bad("record id %v, Go %s", rec["id"], id)
	}
	if rec["requestDigest"] != requestDigest {
		bad("requestDigest %v, Go %s", rec["requestDigest"], requestDigest)
	}
	key := fmt.Sprintf("%v@%v", rec["policyId"], rec["policyVersion"])
	if rec["kind"] == "rbac" {
		if rec["policyDigest"] != set.rbac {
			bad("rbac policyDigest %v, Go %s", rec["policyDigest"], set.rbac)
		}
		if _, has := rec["canary"]; has {
			bad("an rbac record with a canary")
		}
		return errs
	}
	p, ok := set.policies[key]
	if !ok {
		bad("no policy %s in the set", key)
		return errs
	}
	if rec["policyDigest"] != set.digests[key] {
		bad("policyDigest of %s %v, Go %s", key, rec["policyDigest"], set.digests[key])
	}
	cm, has := rec["canary"].(map[string]any)
	if (p.State == "canary") != has || (p.Canary != nil) != has {
		bad("%s (state %s): canary member present %v", key, p.State, has)
		return errs
	}
	if !has {
		return errs
	}
	if cm["key"] != p.Canary.Key || fmt.Sprint(cm["basisPoints"]) != strconv.FormatInt(p.Canary.BasisPoints, 10) {
		bad("%s: canary %v, policy %+v", key, cm, *p.Canary)
	}
	v, found := resolvePointer(request, p.Canary.Key)
	b, hasBucket := cm["bucket"]
	if !found {
		if hasBucket || cm["selected"] != false {
			bad("%s: key %s is missing, so no bucket and not selected; record %v", key, p.Canary.Key, cm)
		}
		return errs
	}
	canon, err := jcsOf(v)
	if err != nil {
		bad("%s: canary value: %v", key, err)
		return errs
	}
	want := canaryBucket(canon)
	if !hasBucket || fmt.Sprint(b) != strconv.FormatUint(want, 10) {
		bad("%s: bucket of %s is %d, record %v", key, canon, want, b)
	}
	if cm["selected"] != (int64(want) < p.Canary.BasisPoints) {
		bad("%s: bucket %d of %d basis points, record selected %v", key, want, p.Canary.BasisPoints, cm["selected"])
	}
	return errs
}

func TestPolicyRecords(t *testing.T) {
	sets, cases := loadPolicyVectors(t)
	parsed := map[string]policySet{}
	for name, raw := range sets {
		parsed[name] = readPolicySet(t, raw)
	}
	records, canaries, explained := 0, 0, 0
	for _, c := range cases {
		if (c.Kind != "evaluate" && c.Kind != "explain") || c.Expected == nil {
			continue
		}
		set, ok := parsed[c.PolicySet]
		if !ok {
			t.Fatalf("%s: no policy set %q", c.ID, c.PolicySet)
		}
		text := []byte(*c.Expected)
		if canon, err := jcs.Transform(text); err != nil || !bytes.Equal(canon, text) {
			t.Errorf("%s: expected is not canonical JSON (%v)", c.ID, err)
			continue
		}
		reqCanon, err := jcs.Transform(c.Request)
		if err != nil {
			t.Fatalf("%s: request: %v", c.ID, err)
		}
		requestDigest := sha256Name(reqCanon)
		var request any
		if err := decodeNumbers(c.Request, &request); err != nil {
			t.Fatal(err)
		}
		switch c.Kind {
		case "evaluate":
			var d struct {
				PolicyChecks    []map[string]any `json:"policyChecks"`
				DeterminedBy    []map[string]any `json:"determinedBy"`
				PolicySetDigest string           `json:"policySetDigest"`
				RequestDigest   string           `json:"requestDigest"`
			}
			if err := decodeNumbers(text, &d); err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
			if d.PolicySetDigest != set.digest {
				t.Errorf("%s: policySetDigest %s, Go %s", c.ID, d.PolicySetDigest, set.digest)
			}
			if d.RequestDigest != requestDigest {
				t.Errorf("%s: requestDigest %s, Go %s", c.ID, d.RequestDigest, requestDigest)
			}
			ids := map[string]bool{}
			for i, rec := range d.PolicyChecks {
				records++
				if _, has := rec["canary"]; has {
					canaries++
				}
				ids[fmt.Sprint(rec["id"])] = true
				for _, e := range checkRecord(fmt.Sprintf("%s record %d", c.ID, i), set, request, requestDigest, rec) {
					t.Error(e)
				}
			}
			for _, by := range d.DeterminedBy {
				if !ids[fmt.Sprint(by["policyCheckId"])] {
					t.Errorf("%s: determinedBy %v is not the id of a record", c.ID, by["policyCheckId"])
				}
			}
		case "explain":
			// The explanation carries the record's members except `id`
			// and `evaluationPath`, with `type` replaced, plus
			// `policyCheckId`, `summary`, `policy` and an evaluation path
			// whose leaf steps add `definition` and `evidence`: rebuild the
			// record and check that its id is `policyCheckId`.
			var x map[string]any
			if err := decodeNumbers(text, &x); err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
			rec := map[string]any{"type": "trustcore.policy-check/v1", "id": x["policyCheckId"]}
			for k, v := range x {
				switch k {
				case "type", "summary", "policy", "policyCheckId", "evaluationPath":
				default:
					rec[k] = v
				}
			}
			steps := []any{}
			for _, s := range x["evaluationPath"].([]any) {
				step := map[string]any{}
				for k, v := range s.(map[string]any) {
					if k != "definition" && k != "evidence" {
						step[k] = v
					}
				}
				steps = append(steps, step)
			}
			rec["evaluationPath"] = steps
			if c.Check != fmt.Sprintf("%v@%v", rec["policyId"], rec["policyVersion"]) {
				t.Errorf("%s: explains %v@%v, case says %s", c.ID, rec["policyId"], rec["policyVersion"], c.Check)
			}
			pc, _ := jcsOf(x["policy"])
			if want, _ := jcs.Transform(set.raw[c.Check]); !bytes.Equal(pc, want) {
				t.Errorf("%s: policy %s is not the set's %s", c.ID, pc, want)
			}
			explained++
			for _, e := range checkRecord(c.ID+" explained record", set, request, requestDigest, rec) {
				t.Error(e)
			}
		}
	}
	if records < 80 || canaries < 10 || explained < 2 {
		t.Errorf("checked %d records (%d with a canary) and %d explanations: fewer than the vectors hold", records, canaries, explained)
	}
	t.Logf("%d records (%d canary), %d explanations", records, canaries, explained)
}
