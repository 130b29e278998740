package vectors

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
)

// The `replay` cases of chain.json, replayed by the rules of
// docs/audit-chain.md ("Deterministic replay") and test-vectors/README.md,
// written again here in Go: rows are read by parseRow (chain_test.go), the
// same canonical row seen again counts once, rows are grouped by prev_hash,
// every group of two or more is a fork (rows by hash, then by canonical row
// bytes; forks by prev_hash; hashes as bytes), and the walk from the start
// hash takes and removes the first row of each group it reaches. Results are compared as
// canonical JSON (gowebpki/jcs), so number spellings do not matter.

type replayRow struct {
	row   map[string]any
	canon []byte
	id    string
	hash  []byte
	prev  []byte
}

type replayFork struct {
	PrevHash string   `json:"prev_hash"`
	IDs      []string `json:"ids"`
	Hashes   []string `json:"hashes"`
}

type replayMalformed struct {
	Position int    `json:"position"`
	Reason   string `json:"reason"`
}

type replayResult struct {
	Events    []map[string]any  `json:"events"`
	Forks     []replayFork      `json:"forks"`
	Orphans   []string          `json:"orphans"`
	Malformed []replayMalformed `json:"malformed"`
}

func goReplay(rows []string, start []byte) replayResult {
	res := replayResult{Events: []map[string]any{}, Forks: []replayFork{}, Orphans: []string{}, Malformed: []replayMalformed{}}
	groups := map[string][]replayRow{} // by prev_hash (raw bytes as a string)
	seen := map[string]bool{}
	for i, text := range rows {
		row, why := parseRow(text)
		if row == nil {
			res.Malformed = append(res.Malformed, replayMalformed{i, why})
			continue
		}
		h, _ := hex.DecodeString(row["hash"].(string))
		p, _ := hex.DecodeString(row["prev_hash"].(string))
		canon, err := jcs.Transform([]byte(text))
		if err != nil {
			panic(err) // parseRow accepted it
		}
		if seen[string(canon)] {
			continue
		}
		seen[string(canon)] = true
		groups[string(p)] = append(groups[string(p)], replayRow{row, canon, row["id"].(string), h, p})
	}
	prevs := make([]string, 0, len(groups))
	for p := range groups {
		prevs = append(prevs, p)
	}
	sort.Strings(prevs) // byte order of the raw hashes
	for _, p := range prevs {
		g := groups[p]
		sort.Slice(g, func(a, b int) bool {
			if c := bytes.Compare(g[a].hash, g[b].hash); c != 0 {
				return c < 0
			}
			return bytes.Compare(g[a].canon, g[b].canon) < 0
		})
		if len(g) > 1 {
			f := replayFork{PrevHash: hex.EncodeToString([]byte(p))}
			for _, r := range g {
				f.IDs = append(f.IDs, r.id)
				f.Hashes = append(f.Hashes, hex.EncodeToString(r.hash))
			}
			res.Forks = append(res.Forks, f)
		}
	}
	cur := string(start)
	for len(groups[cur]) > 0 {
		next := groups[cur][0]
		groups[cur] = groups[cur][1:]
		res.Events = append(res.Events, next.row)
		cur = string(next.hash)
	}
	for _, g := range groups {
		for _, r := range g {
			res.Orphans = append(res.Orphans, r.id)
		}
	}
	sort.Strings(res.Orphans)
	return res
}

func canonicalOf(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReplayVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "chain.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Replay []struct {
			ID    string   `json:"id"`
			Rows  []string `json:"rows"`
			Start *struct {
				Hash string `json:"hash"`
				Seq  int64  `json:"seq"`
			} `json:"start"`
			Expected json.RawMessage `json:"expected"`
		} `json:"replay"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("chain.json: %v", err)
	}
	if len(doc.Replay) < 20 {
		t.Fatalf("chain.json: %d replay cases", len(doc.Replay))
	}
	kinds := map[string]bool{}
	for _, c := range doc.Replay {
		kinds[strings.SplitN(c.ID, "/", 2)[0]] = true
		start := make([]byte, 32) // the genesis head
		if c.Start != nil {
			if start, err = hex.DecodeString(c.Start.Hash); err != nil || len(start) != 32 {
				t.Fatalf("%s: start hash %q", c.ID, c.Start.Hash)
			}
		}
		got := canonicalOf(t, goReplay(c.Rows, start))
		want, err := jcs.Transform(c.Expected)
		if err != nil {
			t.Fatalf("%s: expected: %v", c.ID, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n go %s\nvec %s", c.ID, got, want)
		}
	}
	for _, k := range []string{"replay", "fork", "missing", "duplicates", "malformed", "start", "empty", "unverified"} {
		if !kinds[k] {
			t.Errorf("no %s/ replay case", k)
		}
	}
}
