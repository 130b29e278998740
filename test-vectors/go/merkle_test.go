package vectors

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// merkleKnownDifferences lists, by "<section>:<case id>", the merkle and
// checkpoint vectors on which Go's golang.org/x/mod/sumdb packages give
// another verdict than trustcore, and why. As for knownDifferences, a listed
// case that starts to agree fails the test. Keep docs/merkle.md in step.
var merkleKnownDifferences = map[string]string{
	"checkpoint:invalid/invalid_base64/non-canonical-padding-bits": "Go's note.Open decodes signatures with base64.StdEncoding, which ignores non-zero padding bits; trustcore requires canonical base64 so one signature has one spelling",
	"vkey:invalid/invalid_verifier_key/weak-key":                   "Go's note.NewVerifier does not check the key; trustcore refuses small-order keys where keys are loaded for long-term use (docs/design.md#key-hygiene)",
}

type merkleFile struct {
	Format      string   `json:"format"`
	Version     int      `json:"version"`
	Description string   `json:"description"`
	LeafRule    string   `json:"leaf_rule"`
	Leaves      []string `json:"leaves"`
	LeafHashes  []struct {
		Data     string `json:"data"`
		LeafHash string `json:"leaf_hash"`
	} `json:"leaf_hashes"`
	Roots []struct {
		Size int64  `json:"size"`
		Root string `json:"root"`
	} `json:"roots"`
	Inclusion []struct {
		ID          string   `json:"id"`
		Description string   `json:"description"`
		LeafHash    string   `json:"leaf_hash"`
		LeafIndex   int64    `json:"leaf_index"`
		TreeSize    int64    `json:"tree_size"`
		Proof       []string `json:"proof"`
		Root        string   `json:"root"`
		Valid       bool     `json:"valid"`
		Error       *string  `json:"error"`
	} `json:"inclusion"`
	Consistency []struct {
		ID          string   `json:"id"`
		Description string   `json:"description"`
		OldSize     int64    `json:"old_size"`
		NewSize     int64    `json:"new_size"`
		OldRoot     string   `json:"old_root"`
		NewRoot     string   `json:"new_root"`
		Proof       []string `json:"proof"`
		Valid       bool     `json:"valid"`
		Error       *string  `json:"error"`
	} `json:"consistency"`
}

func mustHash(t *testing.T, s string) tlog.Hash {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		t.Fatalf("bad hash %q", s)
	}
	var h tlog.Hash
	copy(h[:], b)
	return h
}

func mustHashes(t *testing.T, ss []string) []tlog.Hash {
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		out[i] = mustHash(t, s)
	}
	return out
}

// storedTree keeps every hash tlog stores for the vector's leaves, and
// reads them back as a tlog.HashReader.
type storedTree struct {
	hashes []tlog.Hash
	n      int64
}

func (s *storedTree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(s.hashes)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = s.hashes[x]
	}
	return out, nil
}

func buildStored(t *testing.T, leaves []string) *storedTree {
	s := &storedTree{}
	for i, l := range leaves {
		data, err := hex.DecodeString(l)
		if err != nil || len(data) != 32 {
			t.Fatalf("leaf %d: %q", i, l)
		}
		hs, err := tlog.StoredHashes(int64(i), data, s)
		if err != nil {
			t.Fatal(err)
		}
		s.hashes = append(s.hashes, hs...)
		s.n++
	}
	return s
}

// mdiffs records verdict disagreements and checks them against
// merkleKnownDifferences.
type mdiffs map[string]string

func (d mdiffs) check(t *testing.T, section string, ids map[string]bool) {
	t.Helper()
	var unexpected, stale []string
	for id, what := range d {
		if _, ok := merkleKnownDifferences[section+":"+id]; ok {
			t.Logf("known difference %s: %s", id, what)
		} else {
			unexpected = append(unexpected, id+": "+what)
		}
	}
	for key := range merkleKnownDifferences {
		sec, id, _ := strings.Cut(key, ":")
		if sec != section {
			continue
		}
		if !ids[id] {
			t.Errorf("merkleKnownDifferences[%q] names no case", key)
		} else if _, ok := d[id]; !ok {
			stale = append(stale, key)
		}
	}
	sort.Strings(unexpected)
	sort.Strings(stale)
	if len(unexpected) > 0 {
		t.Errorf("%d disagreement(s) with Go:\n%s", len(unexpected), strings.Join(unexpected, "\n"))
	}
	if len(stale) > 0 {
		t.Errorf("listed in merkleKnownDifferences but agreeing now: %s", strings.Join(stale, ", "))
	}
}

// TestMerkleTree checks leaf hashes and roots with tlog.RecordHash and
// tlog.TreeHash, every inclusion case with tlog.CheckRecord and every
// consistency case with tlog.CheckTree (the verdicts must be the vector's),
// and that tlog.ProveRecord / tlog.ProveTree generate the vector's proofs.
func TestMerkleTree(t *testing.T) {
	var f merkleFile
	load(t, "merkle.json", &f)
	if f.Format != "trustcore-vectors/merkle" || f.Version != 1 {
		t.Fatalf("unexpected format %q version %d", f.Format, f.Version)
	}
	for _, c := range f.LeafHashes {
		data, _ := hex.DecodeString(c.Data)
		if got := tlog.RecordHash(data); got != mustHash(t, c.LeafHash) {
			t.Errorf("leaf hash of %s: tlog %x, vector %s", c.Data, got[:], c.LeafHash)
		}
	}
	s := buildStored(t, f.Leaves)
	for _, r := range f.Roots {
		got, err := tlog.TreeHash(r.Size, s)
		if err != nil || got != mustHash(t, r.Root) {
			t.Errorf("root of %d: tlog %x (%v), vector %s", r.Size, got[:], err, r.Root)
		}
	}
	d := mdiffs{}
	ids := map[string]bool{}
	for _, c := range f.Inclusion {
		ids[c.ID] = true
		proof := tlog.RecordProof(mustHashes(t, c.Proof))
		err := tlog.CheckRecord(proof, c.TreeSize, mustHash(t, c.Root), c.LeafIndex, mustHash(t, c.LeafHash))
		if (err == nil) != c.Valid {
			d[c.ID] = fmt.Sprintf("tlog.CheckRecord: %v, vector valid=%v", err, c.Valid)
		}
		if c.Valid != (c.Error == nil) {
			t.Errorf("%s: valid=%v but error=%v", c.ID, c.Valid, c.Error)
		}
		if strings.HasPrefix(c.ID, "valid/") {
			p, err := tlog.ProveRecord(c.TreeSize, c.LeafIndex, s)
			if err != nil || !equalHashes(p, proof) {
				t.Errorf("%s: tlog.ProveRecord differs (%v)", c.ID, err)
			}
		}
	}
	d.check(t, "inclusion", ids)
	d = mdiffs{}
	ids = map[string]bool{}
	for _, c := range f.Consistency {
		ids[c.ID] = true
		proof := tlog.TreeProof(mustHashes(t, c.Proof))
		err := tlog.CheckTree(proof, c.NewSize, mustHash(t, c.NewRoot), c.OldSize, mustHash(t, c.OldRoot))
		if (err == nil) != c.Valid {
			d[c.ID] = fmt.Sprintf("tlog.CheckTree: %v, vector valid=%v", err, c.Valid)
		}
		if strings.HasPrefix(c.ID, "valid/") {
			p, err := tlog.ProveTree(c.NewSize, c.OldSize, s)
			if err != nil || !equalHashes(p, proof) {
				t.Errorf("%s: tlog.ProveTree differs (%v)", c.ID, err)
			}
		}
	}
	d.check(t, "consistency", ids)
	t.Logf("%d roots, %d inclusion, %d consistency cases", len(f.Roots), len(f.Inclusion), len(f.Consistency))
}

func equalHashes(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type checkpointFile struct {
	Format      string `json:"format"`
	Version     int    `json:"version"`
	Description string `json:"description"`
	Keys        []struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Seed      string `json:"seed"`
		PublicKey string `json:"public_key"`
		KeyHash   string `json:"key_hash"`
		VKey      string `json:"vkey"`
	} `json:"keys"`
	Cases []struct {
		ID          string   `json:"id"`
		Description string   `json:"description"`
		Note        *string  `json:"note"`
		NoteHex     *string  `json:"note_hex"`
		Trusted     []string `json:"trusted"`
		SignedWith  []string `json:"signed_with"`
		Expected    *struct {
			Origin     string   `json:"origin"`
			Size       int64    `json:"size"`
			Root       string   `json:"root"`
			Extensions []string `json:"extensions"`
			Signers    []string `json:"signers"`
			Unknown    []struct {
				Name    string `json:"name"`
				KeyHash string `json:"key_hash"`
			} `json:"unknown"`
		} `json:"expected"`
		Error *struct {
			Code   string `json:"code"`
			Offset *int   `json:"offset"`
		} `json:"error"`
	} `json:"cases"`
	VerifierKeys []struct {
		ID          string `json:"id"`
		Description string `json:"description"`
		VKey        string `json:"vkey"`
		Expected    *struct {
			Name      string `json:"name"`
			KeyHash   string `json:"key_hash"`
			PublicKey string `json:"public_key"`
		} `json:"expected"`
		Error *struct {
			Code   string `json:"code"`
			Offset *int   `json:"offset"`
		} `json:"error"`
	} `json:"verifier_keys"`
}

type parsedCheckpoint struct {
	origin     string
	size       int64
	root       []byte
	extensions []string
}

// parseCheckpoint is a Go reading of https://c2sp.org/tlog-checkpoint: at
// least three non-empty lines, each ending in a newline; the size in ASCII
// decimal without leading zeros (int64); the root in standard padded base64
// of 32 bytes (strict: canonical padding bits).
func parseCheckpoint(text string) (parsedCheckpoint, error) {
	var p parsedCheckpoint
	if !strings.HasSuffix(text, "\n") {
		return p, errors.New("no final newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return p, errors.New("fewer than three lines")
	}
	for _, l := range lines {
		if l == "" {
			return p, errors.New("empty line")
		}
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != lines[1] {
		return p, fmt.Errorf("bad size %q", lines[1])
	}
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		return p, fmt.Errorf("bad root %q", lines[2])
	}
	return parsedCheckpoint{lines[0], n, root, lines[3:]}, nil
}

// TestCheckpoints opens every signed checkpoint with note.Open and
// note.NewVerifier over the vector's trusted verifier keys, parses the body,
// and compares the verdict, the body and the verified / unverified
// signatures with the vector. Notes that are plain signatures over the text
// are also re-signed with note.Sign and compared byte for byte.
func TestCheckpoints(t *testing.T) {
	var f checkpointFile
	load(t, "checkpoint.json", &f)
	if f.Format != "trustcore-vectors/checkpoint" || f.Version != 1 {
		t.Fatalf("unexpected format %q version %d", f.Format, f.Version)
	}
	signers := map[string]note.Signer{}
	for _, k := range f.Keys {
		seed, _ := hex.DecodeString(k.Seed)
		skey := fmt.Sprintf("PRIVATE+KEY+%s+%s+%s", k.Name, k.KeyHash, base64.StdEncoding.EncodeToString(append([]byte{1}, seed...)))
		s, err := note.NewSigner(skey)
		if err != nil {
			t.Fatalf("key %s: %v", k.ID, err)
		}
		signers[k.ID] = s
		pub, _ := hex.DecodeString(k.PublicKey)
		vk, err := note.NewEd25519VerifierKey(k.Name, pub)
		if err != nil || vk != k.VKey {
			t.Errorf("key %s: Go vkey %s, vector %s (%v)", k.ID, vk, k.VKey, err)
		}
	}
	d := mdiffs{}
	ids := map[string]bool{}
	for _, c := range f.Cases {
		ids[c.ID] = true
		var msg []byte
		switch {
		case c.Note != nil && c.NoteHex == nil:
			msg = []byte(*c.Note)
		case c.NoteHex != nil && c.Note == nil:
			msg, _ = hex.DecodeString(*c.NoteHex)
		default:
			t.Fatalf("%s: needs exactly one of note / note_hex", c.ID)
		}
		var vs []note.Verifier
		for _, vk := range c.Trusted {
			v, err := note.NewVerifier(vk)
			if err != nil {
				t.Fatalf("%s: trusted key %s: %v", c.ID, vk, err)
			}
			vs = append(vs, v)
		}
		n, err := note.Open(msg, note.VerifierList(vs...))
		var cp parsedCheckpoint
		if err == nil {
			cp, err = parseCheckpoint(n.Text)
		}
		if (err == nil) != (c.Expected != nil) {
			d[c.ID] = fmt.Sprintf("Go: %v; vector expects %s", err, verdict(c.Expected != nil, c.Error))
			continue
		}
		if err != nil {
			continue
		}
		e := c.Expected
		if cp.origin != e.Origin || cp.size != e.Size || base64.StdEncoding.EncodeToString(cp.root) != e.Root ||
			strings.Join(cp.extensions, "\n") != strings.Join(e.Extensions, "\n") {
			t.Errorf("%s: Go parsed %+v, vector %+v", c.ID, cp, e)
		}
		var got, want []string
		for _, s := range n.Sigs {
			got = append(got, fmt.Sprintf("%s+%08x", s.Name, s.Hash))
		}
		for _, vk := range e.Signers {
			v, _ := note.NewVerifier(vk)
			want = append(want, fmt.Sprintf("%s+%08x", v.Name(), v.KeyHash()))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: Go verified %v, vector %v", c.ID, got, want)
		}
		got, want = nil, nil
		for _, s := range n.UnverifiedSigs {
			got = append(got, fmt.Sprintf("%s+%08x", s.Name, s.Hash))
		}
		for _, u := range e.Unknown {
			want = append(want, u.Name+"+"+u.KeyHash)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: Go unverified %v, vector %v", c.ID, got, want)
		}
		if e.Origin == "go.sum database tree" {
			tree, err := tlog.ParseTree([]byte(n.Text))
			if err != nil || tree.N != e.Size || base64.StdEncoding.EncodeToString(tree.Hash[:]) != e.Root {
				t.Errorf("%s: tlog.ParseTree %+v, %v", c.ID, tree, err)
			}
		}
		if c.SignedWith != nil {
			var ss []note.Signer
			for _, id := range c.SignedWith {
				ss = append(ss, signers[id])
			}
			again, err := note.Sign(&note.Note{Text: n.Text}, ss...)
			if err != nil || !bytes.Equal(again, msg) {
				t.Errorf("%s: note.Sign gives other bytes (%v):\n%s", c.ID, err, again)
			}
		}
	}
	d.check(t, "checkpoint", ids)

	d = mdiffs{}
	ids = map[string]bool{}
	for _, c := range f.VerifierKeys {
		ids[c.ID] = true
		v, err := note.NewVerifier(c.VKey)
		if (err == nil) != (c.Expected != nil) {
			d[c.ID] = fmt.Sprintf("note.NewVerifier: %v; vector expects %s", err, verdict(c.Expected != nil, c.Error))
			continue
		}
		if err == nil && (v.Name() != c.Expected.Name || fmt.Sprintf("%08x", v.KeyHash()) != c.Expected.KeyHash) {
			t.Errorf("%s: Go %s+%08x", c.ID, v.Name(), v.KeyHash())
		}
	}
	d.check(t, "vkey", ids)
	t.Logf("%d checkpoint cases, %d verifier keys", len(f.Cases), len(f.VerifierKeys))
}

func verdict(valid bool, e *struct {
	Code   string `json:"code"`
	Offset *int   `json:"offset"`
}) string {
	if valid {
		return "valid"
	}
	if e == nil {
		return "invalid"
	}
	return "error " + e.Code
}
