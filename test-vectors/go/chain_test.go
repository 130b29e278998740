package vectors

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/gowebpki/jcs"
	"golang.org/x/mod/sumdb/tlog"
)

// chain.json verified by a sequential audit-chain verifier written here
// with the Go standard library (crypto/sha256, crypto/ed25519) and
// gowebpki/jcs, from docs/audit-chain.md. Every report must equal the
// vector's, break by break.

var (
	uuidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	hexRe  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	tsRe   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|\+00:00)$`)
)

var columns = []string{"actor", "event_type", "hash", "id", "payload", "prev_hash", "seq", "signature", "signer_id", "ts"}

// parseRow returns the row or the reason it is not one.
func parseRow(line string) (map[string]any, string) {
	if _, err := jcs.Transform([]byte(line)); err != nil || hasDuplicateMembers(line) {
		return nil, "malformed_row"
	}
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	var row map[string]any
	if err := dec.Decode(&row); err != nil || len(row) != len(columns) {
		return nil, "malformed_row"
	}
	for _, c := range columns {
		v, ok := row[c]
		if !ok {
			return nil, "malformed_row"
		}
		if _, isStr := v.(string); !isStr && c != "payload" && c != "seq" {
			return nil, "malformed_row"
		}
	}
	str := func(k string) string { return row[k].(string) }
	if !uuidRe.MatchString(str("id")) || !tsRe.MatchString(str("ts")) {
		return nil, "invalid_field"
	}
	if _, err := time.Parse(time.RFC3339Nano, str("ts")); err != nil {
		return nil, "invalid_field"
	}
	for _, k := range []string{"event_type", "actor", "signer_id"} {
		if str(k) == "" || strings.IndexFunc(str(k), unicode.IsControl) >= 0 {
			return nil, "invalid_field"
		}
	}
	if !hexRe.MatchString(str("prev_hash")) || !hexRe.MatchString(str("hash")) {
		return nil, "invalid_field"
	}
	if sig, err := base64.StdEncoding.Strict().DecodeString(str("signature")); err != nil || len(sig) != 64 {
		return nil, "invalid_field"
	}
	n, ok := row["seq"].(json.Number)
	if !ok {
		return nil, "invalid_field"
	}
	if seq, err := n.Int64(); err != nil || seq < 1 {
		return nil, "invalid_field"
	}
	return row, ""
}

// hasDuplicateMembers reports a member name repeated in any object.
func hasDuplicateMembers(text string) bool {
	dec := json.NewDecoder(strings.NewReader(text))
	var walk func() bool
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, _ := dec.Token()
				if seen[k.(string)] {
					return true
				}
				seen[k.(string)] = true
				if walk() {
					return true
				}
			}
			_, _ = dec.Token()
		case json.Delim('['):
			for dec.More() {
				if walk() {
					return true
				}
			}
			_, _ = dec.Token()
		}
		return false
	}
	return walk()
}

func rowHash(t *testing.T, row map[string]any) string {
	body := map[string]any{}
	for k, v := range row {
		if k != "hash" && k != "signature" {
			body[k] = v
		}
	}
	raw, _ := json.Marshal(body)
	canon, err := jcs.Transform(raw)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

func TestChainVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "chain.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Registry string `json:"registry"`
		Cases    []struct {
			ID      string `json:"id"`
			JSONL   string `json:"jsonl"`
			Options struct {
				StopAtFirst  bool `json:"stopAtFirst"`
				ExpectedHead *struct {
					Hash string `json:"hash"`
					Seq  int64  `json:"seq"`
				} `json:"expectedHead"`
				Checkpoint *struct {
					Size int    `json:"size"`
					Root string `json:"root"`
				} `json:"checkpoint"`
			} `json:"options"`
			Expected map[string]any `json:"expected"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.Cases) == 0 {
		t.Fatalf("chain.json: %v", err)
	}
	reg := registryOf(t, doc.Registry)
	for _, c := range doc.Cases {
		head := map[string]any{"hash": strings.Repeat("0", 64), "seq": float64(0)}
		var lastTS *time.Time
		ids := map[string]bool{}
		breaks := []any{}
		counts := map[string]any{}
		total, count := 0, 0
		position := 0
		stopped := false
		pinnedHead, pinnedCP := false, false
		var leaves [][]byte
		report := func(b map[string]any) {
			r := b["reason"].(string)
			n, _ := counts[r].(float64)
			counts[r] = n + 1
			total++
			if len(breaks) < 1000 {
				breaks = append(breaks, b)
			}
			if c.Options.StopAtFirst {
				stopped = true
			}
		}
		// The trusted head is checked at the row that brings the head to
		// its seq or past it; the checkpoint when the tree reaches its size.
		anchors := func(where map[string]any) {
			with := func(reason string) map[string]any {
				b := map[string]any{"reason": reason}
				for k, v := range where {
					b[k] = v
				}
				return b
			}
			if e := c.Options.ExpectedHead; e != nil && !pinnedHead && head["seq"].(float64) >= float64(e.Seq) {
				pinnedHead = true
				if head["seq"].(float64) != float64(e.Seq) || head["hash"] != e.Hash {
					report(with("head_mismatch"))
				}
			}
			if cp := c.Options.Checkpoint; cp != nil && !pinnedCP && !stopped && len(leaves) == cp.Size {
				pinnedCP = true
				if hex.EncodeToString(treeHash(leaves)) != cp.Root {
					report(with("checkpoint_mismatch"))
				}
			}
		}
		anchors(map[string]any{"position": float64(0)})
		for _, line := range strings.Split(c.JSONL, "\n") {
			line = strings.TrimSuffix(line, "\r")
			if strings.TrimSpace(line) == "" || stopped {
				continue
			}
			pos := position
			position++
			row, why := parseRow(line)
			if row == nil {
				report(map[string]any{"position": float64(pos), "reason": why})
				continue
			}
			seq, _ := row["seq"].(json.Number).Int64()
			ts, _ := time.Parse(time.RFC3339Nano, row["ts"].(string))
			id := row["id"].(string)
			reason := ""
			switch {
			case ids[id]:
				reason = "duplicate_id"
			case float64(seq) != head["seq"].(float64)+1:
				reason = "seq_gap"
			case row["prev_hash"] != head["hash"]:
				reason = "prev_hash_mismatch"
			case rowHash(t, row) != row["hash"]:
				reason = "hash_mismatch"
			case lastTS != nil && ts.Before(*lastTS):
				reason = "ts_regression"
			}
			ids[id] = true
			if reason == "" {
				var pk ed25519.PublicKey
				reason, pk = reasonFor(t, reg, row["signer_id"].(string), "ed25519", ts)
				if reason == "" {
					sig, _ := base64.StdEncoding.DecodeString(row["signature"].(string))
					payload, _ := json.Marshal(map[string]string{"hash": "sha256:" + row["hash"].(string)})
					if !ed25519.Verify(pk, signingInput(t, "trustcore.audit-event", payload, "ed25519", row["signer_id"].(string)), sig) {
						reason = "invalid_signature"
					}
				}
			}
			where := map[string]any{"position": float64(pos), "seq": float64(seq), "id": id}
			if reason != "" {
				report(map[string]any{"position": float64(pos), "seq": float64(seq), "id": id, "reason": reason})
			} else {
				count++
			}
			lastTS = &ts
			head = map[string]any{"hash": row["hash"], "seq": float64(seq), "ts": row["ts"]}
			h, _ := hex.DecodeString(row["hash"].(string))
			leaves = append(leaves, h)
			if !stopped {
				anchors(where)
			}
		}
		if c.Options.ExpectedHead != nil && !stopped && !pinnedHead {
			report(map[string]any{"position": float64(position), "reason": "truncated"})
		}
		if c.Options.Checkpoint != nil && !stopped && !pinnedCP {
			report(map[string]any{"position": float64(position), "reason": "truncated"})
		}
		merkle := map[string]any{"size": float64(len(leaves)), "root": hex.EncodeToString(treeHash(leaves))}
		got := map[string]any{"valid": total == 0, "head": head, "rows": float64(position), "count": float64(count),
			"breaks": breaks, "break_count": float64(total), "break_counts": counts, "merkle": merkle}
		if !reflect.DeepEqual(got, c.Expected) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(c.Expected)
			if !bytes.Equal(g, w) {
				t.Errorf("%s:\n go %s\nvec %s", c.ID, g, w)
			}
		}
	}
}

// treeHash is the RFC 6962 Merkle tree hash of the event hashes, through
// golang.org/x/mod/sumdb/tlog (RecordHash, NodeHash, TreeHash).
func treeHash(leaves [][]byte) []byte {
	if len(leaves) == 0 {
		h := sha256.Sum256(nil)
		return h[:]
	}
	stored := []tlog.Hash{}
	for i, l := range leaves {
		hashes, err := tlog.StoredHashes(int64(i), l, memReader(stored))
		if err != nil {
			panic(err)
		}
		stored = append(stored, hashes...)
	}
	root, err := tlog.TreeHash(int64(len(leaves)), memReader(stored))
	if err != nil {
		panic(err)
	}
	return root[:]
}

type memReader []tlog.Hash

func (m memReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = m[x]
	}
	return out, nil
}
