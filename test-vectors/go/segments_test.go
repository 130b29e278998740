package vectors

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/bits"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// segments.json checked with the compact-range rules of docs/merkle.md
// written here: each part [begin, end) is decomposed into its maximal
// aligned blocks, each block's root computed from the leaves with
// tlog.NodeHash / tlog.RecordHash, the parts joined left to right (siblings
// merge as they meet), and the head after the last join compared with
// tlog.TreeHash over the same leaves. 64-bit bounds are read as uint64.

type segRange struct {
	Begin  uint64   `json:"begin"`
	End    uint64   `json:"end"`
	Levels []int    `json:"levels"`
	Hashes []string `json:"hashes"`
}

type segmentVectors struct {
	Leaves        []string `json:"leaves"`
	CompactRanges []struct {
		ID     string     `json:"id"`
		Size   uint64     `json:"size"`
		Parts  []segRange `json:"parts"`
		Joined [][]string `json:"joined"`
		Root   string     `json:"root"`
	} `json:"compactRanges"`
	FarRanges []struct {
		ID string `json:"id"`
		segRange
	} `json:"farRanges"`
	Errors []struct {
		ID     string    `json:"id"`
		Op     string    `json:"op"`
		Begin  uint64    `json:"begin"`
		End    uint64    `json:"end"`
		Hashes []string  `json:"hashes"`
		Left   *segRange `json:"left"`
		Right  *segRange `json:"right"`
		Code   string    `json:"code"`
	} `json:"errors"`
}

const segMax = uint64(1)<<63 - 1

// segBlocks is the decomposition of [begin, end): (start, level) left to right.
func segBlocks(begin, end uint64) [][2]uint64 {
	var out [][2]uint64
	for s := begin; s < end; {
		l := uint64(63)
		if s != 0 {
			l = uint64(bits.TrailingZeros64(s))
		}
		for l > 0 && (l >= 64 || uint64(1)<<l > end-s) {
			l--
		}
		out = append(out, [2]uint64{s, l})
		s += uint64(1) << l
	}
	return out
}

// segSubtree is the root of the perfect subtree over leaf hashes.
func segSubtree(leaves []tlog.Hash) tlog.Hash {
	if len(leaves) == 1 {
		return leaves[0]
	}
	h := len(leaves) / 2
	return tlog.NodeHash(segSubtree(leaves[:h]), segSubtree(leaves[h:]))
}

type segNode struct {
	level uint64
	hash  tlog.Hash
}

// segJoin appends right's blocks to a range ending at end.
func segJoin(nodes []segNode, end uint64, right []segNode) ([]segNode, uint64) {
	for _, n := range right {
		nodes = append(nodes, n)
		end += uint64(1) << n.level
		for len(nodes) >= 2 {
			a, b := nodes[len(nodes)-2], nodes[len(nodes)-1]
			start := end - uint64(1)<<b.level
			if a.level != b.level || (start>>b.level)&1 == 0 {
				break
			}
			nodes = append(nodes[:len(nodes)-2], segNode{a.level + 1, tlog.NodeHash(a.hash, b.hash)})
		}
	}
	return nodes, end
}

func loadSegments(t *testing.T) segmentVectors {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "segments.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v segmentVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.CompactRanges) == 0 || len(v.FarRanges) == 0 || len(v.Errors) == 0 {
		t.Fatal("segments.json: a section is empty")
	}
	return v
}

func segLeafHashes(t *testing.T, v segmentVectors) []tlog.Hash {
	var out []tlog.Hash
	for _, l := range v.Leaves {
		b, err := hex.DecodeString(l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tlog.RecordHash(b))
	}
	return out
}

// segCheck builds [begin, end) over leaves numbered from begin and compares it.
func segCheck(t *testing.T, id string, r segRange, leaves []tlog.Hash) []segNode {
	var nodes []segNode
	var levels []int
	var hashes []string
	for _, b := range segBlocks(r.Begin, r.End) {
		lo := b[0] - r.Begin
		h := segSubtree(leaves[lo : lo+uint64(1)<<b[1]])
		nodes = append(nodes, segNode{b[1], h})
		levels = append(levels, int(b[1]))
		hashes = append(hashes, hex.EncodeToString(h[:]))
	}
	if len(levels) == 0 {
		levels, hashes = []int{}, []string{}
	}
	if !reflect.DeepEqual(levels, r.Levels) || !reflect.DeepEqual(hashes, r.Hashes) {
		t.Errorf("%s [%d, %d): Go levels %v hashes %v, vector %v %v", id, r.Begin, r.End, levels, hashes, r.Levels, r.Hashes)
	}
	return nodes
}

func TestSegmentCompactRanges(t *testing.T) {
	v := loadSegments(t)
	leaves := segLeafHashes(t, v)
	for _, c := range v.CompactRanges {
		var whole []segNode
		var end uint64
		for i, p := range c.Parts {
			if p.Begin != end {
				t.Errorf("%s: part %d starts at %d, not %d", c.ID, i, p.Begin, end)
			}
			part := segCheck(t, c.ID, p, leaves[p.Begin:p.End])
			whole, end = segJoin(whole, end, part)
			var got []string
			for _, n := range whole {
				got = append(got, hex.EncodeToString(n.hash[:]))
			}
			if got == nil {
				got = []string{}
			}
			if !reflect.DeepEqual(got, c.Joined[i]) {
				t.Errorf("%s: after part %d: Go %v, vector %v", c.ID, i, got, c.Joined[i])
			}
		}
		if end != c.Size || uint64(len(whole)) != uint64(bits.OnesCount64(c.Size)) {
			t.Errorf("%s: joined range ends at %d with %d blocks", c.ID, end, len(whole))
		}
		root := tlog.Hash(sha256.Sum256(nil))
		if len(whole) > 0 {
			root = whole[len(whole)-1].hash
			for i := len(whole) - 2; i >= 0; i-- {
				root = tlog.NodeHash(whole[i].hash, root)
			}
		}
		want := tlog.Hash(sha256.Sum256(nil))
		if c.Size > 0 {
			th, err := tlog.TreeHash(int64(c.Size), segReader(leaves[:c.Size]))
			if err != nil {
				t.Fatal(err)
			}
			want = th
		}
		if root != want || hex.EncodeToString(root[:]) != c.Root {
			t.Errorf("%s: root %x, tlog %x, vector %s", c.ID, root, want, c.Root)
		}
	}
}

// segReader serves tlog the stored hashes of a tree over leaf hashes.
func segReader(leaves []tlog.Hash) tlog.HashReader {
	var stored []tlog.Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, l := range leaves {
		// StoredHashesForRecordHash gives the hashes to store after leaf i.
		hs, err := tlog.StoredHashesForRecordHash(int64(i), l, r)
		if err != nil {
			panic(err)
		}
		stored = append(stored, hs...)
	}
	return r
}

func TestSegmentFarRanges(t *testing.T) {
	v := loadSegments(t)
	leaves := segLeafHashes(t, v)
	for _, c := range v.FarRanges {
		segCheck(t, c.ID, c.segRange, leaves[:c.End-c.Begin])
	}
}

// segRefusal is the code of a refused use, per docs/merkle.md.
func segRefusal(op string, begin, end uint64, hashes int, left, right *segRange) string {
	switch op {
	case "fromHashes":
		if end > segMax || begin > end {
			return "invalid_tree_size"
		}
		if len(segBlocks(begin, end)) != hashes {
			return "invalid_range"
		}
	case "append":
		if right.Begin != left.End {
			return "invalid_range"
		}
	case "root":
		if left.Begin != 0 {
			return "invalid_range"
		}
	case "push":
		if left.End >= segMax {
			return "invalid_tree_size"
		}
	}
	return ""
}

func TestSegmentRefusedUses(t *testing.T) {
	v := loadSegments(t)
	for _, c := range v.Errors {
		if got := segRefusal(c.Op, c.Begin, c.End, len(c.Hashes), c.Left, c.Right); got != c.Code {
			t.Errorf("%s: Go %q, vector %q", c.ID, got, c.Code)
		}
	}
}
