package vectors

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"

	"github.com/gowebpki/jcs"
)

// The selection half of docs/redaction.md written again in Go: detectors,
// pointer patterns, member classes, the walk in RFC 8785 member order with
// the first rule that selects a node, every action, and the commitment
// form. Every redaction, detector and commitment case of redaction.json
// must come out byte for byte. goReadPolicy reads policy documents with the
// loader's codes and JSON Pointers.

func goDetect(name, s string) bool {
	switch name {
	case "email":
		return goEmail(s)
	case "phone":
		return regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`).MatchString(s) && !strings.Contains(s, "\n")
	case "ipv4":
		return goIPv4(s)
	case "ipv6":
		return goIPv6(s)
	case "card":
		return goCard(s)
	case "iban":
		return goIBAN(s)
	}
	panic(name)
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func goEmail(s string) bool {
	if len(s) > 254 || strings.Count(s, "@") != 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] > 127 {
			return false
		}
	}
	local, domain, _ := strings.Cut(s, "@")
	if len(local) < 1 || len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		if !isASCIIAlnum(local[i]) && !strings.ContainsRune("!#$%&'*+/=?^_`{|}~-.", rune(local[i])) {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) < 1 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isASCIIAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if !(tld[i] >= 'a' && tld[i] <= 'z' || tld[i] >= 'A' && tld[i] <= 'Z') {
			return false
		}
	}
	return true
}

var ipv4Part = regexp.MustCompile(`^(0|[1-9][0-9]{0,2})$`)

func goIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if !ipv4Part.MatchString(p) || err != nil || n > 255 {
			return false
		}
	}
	return true
}

var hexGroup = regexp.MustCompile(`^[0-9A-Fa-f]{1,4}$`)

func goIPv6(s string) bool {
	if s == "" || len(s) > 45 {
		return false
	}
	head, want := s, 8
	if i := strings.LastIndex(s, ":"); i >= 0 && strings.Contains(s[i+1:], ".") {
		if !goIPv4(s[i+1:]) {
			return false
		}
		head, want = s[:i+1], 6
	}
	v4 := want == 6
	count := func(part string) int {
		if part == "" {
			return 0
		}
		gs := strings.Split(part, ":")
		for _, g := range gs {
			if !hexGroup.MatchString(g) {
				return -1
			}
		}
		return len(gs)
	}
	switch strings.Count(head, "::") {
	case 0:
		if v4 {
			head = strings.TrimSuffix(head, ":")
		}
		return count(head) == want
	case 1:
		l, r, _ := strings.Cut(head, "::")
		if strings.HasSuffix(l, ":") || strings.HasPrefix(l, ":") || strings.HasPrefix(r, ":") {
			return false
		}
		if v4 {
			r = strings.TrimSuffix(r, ":")
		} else if strings.HasSuffix(r, ":") {
			return false
		}
		a, b := count(l), count(r)
		return a >= 0 && b >= 0 && a+b < want
	}
	return false
}

func goLuhn(d string) bool {
	sum := 0
	for i := 0; i < len(d); i++ {
		x := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			x *= 2
			if x > 9 {
				x -= 9
			}
		}
		sum += x
	}
	return sum%10 == 0
}

var digitsOnly = regexp.MustCompile(`^[0-9]+$`)

func goCard(s string) bool {
	digits := s
	sep := ""
	if strings.Contains(s, " ") {
		sep = " "
	} else if strings.Contains(s, "-") {
		sep = "-"
	}
	if sep != "" {
		groups := strings.Split(s, sep)
		for _, g := range groups {
			if !digitsOnly.MatchString(g) {
				return false
			}
		}
		digits = strings.Join(groups, "")
	} else if !digitsOnly.MatchString(s) {
		return false
	}
	return len(digits) >= 13 && len(digits) <= 19 && goLuhn(digits)
}

var ibanShape = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$`)

func goIBAN(s string) bool {
	if strings.Contains(s, " ") {
		groups := strings.Split(s, " ")
		for i, g := range groups {
			if i < len(groups)-1 && len(g) != 4 || i == len(groups)-1 && (len(g) < 1 || len(g) > 4) {
				return false
			}
		}
		s = strings.Join(groups, "")
	}
	if !ibanShape.MatchString(s) {
		return false
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		if c >= 'A' {
			rem = (rem*100 + int(c-'A'+10)) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	return rem == 1
}

// goNormalize: without _ - and space, each character lowercased on its
// own with the full mapping (U+0130 is the one character whose full
// lowercase is two: i and U+0307; Go's unicode.ToLower gives the simple one).
func goNormalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '_' || r == '-' || r == ' ':
		case r == 0x130:
			b.WriteString("i\u0307")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

type goRule struct {
	id, action, class, marker, detect string
	keep                              int
	pattern                           []string // "*", "**", or "L:" and a literal token
	keys                              map[string]bool
}

func goRules(t *testing.T, policy map[string]any) []goRule {
	marker := "[REDACTED]"
	if m, ok := policy["marker"].(string); ok {
		marker = m
	}
	var out []goRule
	for _, x := range policy["rules"].([]any) {
		r := x.(map[string]any)
		g := goRule{id: r["id"].(string), action: r["action"].(string), keep: 4, marker: marker, class: "pii"}
		sel := r["select"].(map[string]any)
		if p, ok := sel["pointer"].(string); ok {
			for _, tok := range strings.Split(p, "/")[1:] {
				if tok == "*" || tok == "**" {
					if tok == "**" && len(g.pattern) > 0 && g.pattern[len(g.pattern)-1] == "**" {
						continue
					}
					g.pattern = append(g.pattern, tok)
					continue
				}
				lit := strings.NewReplacer("~0", "~", "~1", "/", "~2", "*").Replace(tok)
				g.pattern = append(g.pattern, "L:"+lit)
			}
		} else if ks, ok := sel["keys"].([]any); ok {
			g.keys = map[string]bool{}
			for _, k := range ks {
				g.keys[goNormalize(k.(string))] = true
			}
		} else {
			g.detect = sel["detect"].(string)
			g.class = g.detect
		}
		if m, ok := r["marker"].(string); ok {
			g.marker = m
		}
		if k, ok := r["keep"].(json.Number); ok {
			g.keep, _ = strconv.Atoi(k.String())
		}
		if c, ok := r["class"].(string); ok {
			g.class = c
		}
		out = append(out, g)
	}
	return out
}

func goMatches(pat, path []string) bool {
	if len(pat) == 0 {
		return len(path) == 0
	}
	if pat[0] == "**" {
		for k := 0; k <= len(path); k++ {
			if goMatches(pat[1:], path[k:]) {
				return true
			}
		}
		return false
	}
	if len(path) == 0 {
		return false
	}
	return (pat[0] == "*" || pat[0] == "L:"+path[0]) && goMatches(pat[1:], path[1:])
}

func goRuleFor(rules []goRule, path []string, name *string, v any) *goRule {
	for i := range rules {
		r := &rules[i]
		switch {
		case r.pattern != nil:
			if goMatches(r.pattern, path) {
				return r
			}
		case r.keys != nil:
			if name != nil && r.keys[goNormalize(*name)] {
				return r
			}
		default:
			if s, ok := v.(string); ok && goDetect(r.detect, s) {
				return r
			}
		}
	}
	return nil
}

// utf16Sorted gives an object's names in RFC 8785 order.
func utf16Sorted(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := utf16.Encode([]rune(keys[i])), utf16.Encode([]rune(keys[j]))
		for x := 0; x < len(a) && x < len(b); x++ {
			if a[x] != b[x] {
				return a[x] < b[x]
			}
		}
		return len(a) < len(b)
	})
	return keys
}

func pathPointer(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteString(jsonPointer(p))
	}
	return b.String()
}

// goRedact is redact(): the redacted document and the record's entries.
func goRedact(t *testing.T, doc any, rules []goRule, salt, pseudonym []byte) (any, []any) {
	entries := []any{}
	var node func(v any, path []string, name *string) (any, bool)
	var children func(v any, path []string) any
	node = func(v any, path []string, name *string) (any, bool) {
		r := goRuleFor(rules, path, name, v)
		if r == nil {
			return children(v, path), true
		}
		p := pathPointer(path)
		entries = append(entries, map[string]any{"pointer": p, "rule": r.id, "class": r.class, "action": r.action,
			"commitment": redCommitment(t, redSalt(salt, p), p, v)})
		switch r.action {
		case "remove":
			return nil, false
		case "replace":
			return r.marker, true
		case "mask":
			return maskOf(t, v, r.keep), true
		}
		return pseudonymOf(t, pseudonym, v), true
	}
	children = func(v any, path []string) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for _, k := range utf16Sorted(x) {
				k := k
				if c, keep := node(x[k], append(append([]string{}, path...), k), &k); keep {
					out[k] = c
				}
			}
			return out
		case []any:
			out := []any{}
			for i, e := range x {
				if c, keep := node(e, append(append([]string{}, path...), strconv.Itoa(i)), nil); keep {
					out = append(out, c)
				}
			}
			return out
		}
		return v
	}
	return children(doc, nil), entries
}

// goCommit is commit(): the committed document and its disclosures.
func goCommit(t *testing.T, doc any, rules []goRule, salt []byte) (any, []string) {
	var ds []string
	var walk func(v any, path []string) any
	walk = func(v any, path []string) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			var digests []string
			for _, k := range utf16Sorted(x) {
				k := k
				p := append(append([]string{}, path...), k)
				if goRuleFor(rules, p, &k, x[k]) != nil {
					d := b64u.EncodeToString(canonOf(t, []any{b64u.EncodeToString(redSalt(salt, pathPointer(p))), k, x[k]}))
					digests = append(digests, discloseDigest(d))
					ds = append(ds, d)
				} else {
					out[k] = walk(x[k], p)
				}
			}
			if len(digests) > 0 {
				sort.Strings(digests)
				list := make([]any, len(digests))
				for i, d := range digests {
					list[i] = d
				}
				out["_sd"] = list
			}
			return out
		case []any:
			out := []any{}
			for i, e := range x {
				p := append(append([]string{}, path...), strconv.Itoa(i))
				if goRuleFor(rules, p, nil, e) != nil {
					d := b64u.EncodeToString(canonOf(t, []any{b64u.EncodeToString(redSalt(salt, pathPointer(p))), e}))
					out = append(out, map[string]any{"...": discloseDigest(d)})
					ds = append(ds, d)
				} else {
					out = append(out, walk(e, p))
				}
			}
			return out
		}
		return v
	}
	return walk(doc, nil), ds
}

func TestRedactionDetectors(t *testing.T) {
	v := loadRedaction(t)
	if len(v.Detectors) == 0 {
		t.Fatal("no detector cases")
	}
	for _, c := range v.Detectors {
		if goDetect(c.Detector, c.Value) != c.Matches {
			t.Errorf("%s %q: Go %v", c.Detector, c.Value, !c.Matches)
		}
	}
}

func TestRedactionWalk(t *testing.T) {
	v := loadRedaction(t)
	rulesOf := func(name string) []goRule {
		return goRules(t, mustDecode(t, v.Policies[name]).(map[string]any))
	}
	for _, c := range v.Redactions {
		var pk []byte
		if c.PseudonymKey != nil {
			pk = v.key(t, *c.PseudonymKey)
		}
		redacted, entries := goRedact(t, mustDecode(t, v.Documents[c.Document]), rulesOf(c.Policy), v.key(t, c.SaltKey), pk)
		if string(canonOf(t, redacted)) != c.Redacted {
			t.Errorf("%s: Go redacts to\n %s\n vector %s", c.ID, canonOf(t, redacted), c.Redacted)
		}
		rec := mustDecode(t, c.Record).(map[string]any)
		if string(canonOf(t, entries)) != string(canonOf(t, rec["redactions"])) {
			t.Errorf("%s: Go entries\n %s\n vector %s", c.ID, canonOf(t, entries), canonOf(t, rec["redactions"]))
		}
	}
	for _, c := range v.Commitments {
		committed, ds := goCommit(t, v.document(t, c.Document), rulesOf(c.Policy), v.key(t, c.SaltKey))
		if string(canonOf(t, committed)) != c.Committed || strings.Join(ds, ",") != strings.Join(c.Disclosures, ",") {
			t.Errorf("%s: Go commits to\n %s %v\n vector %s %v", c.ID, canonOf(t, committed), ds, c.Committed, c.Disclosures)
		}
	}
	// The commitment-form snapshot's lines are the commit of each record.
	for _, s := range v.Snapshots {
		for i, r := range s.Records {
			committed, ds := goCommit(t, mustDecode(t, r), rulesOf(s.Policy), v.key(t, s.SaltKey))
			if string(canonOf(t, committed)) != s.Lines[i] || strings.Join(ds, ",") != strings.Join(s.Disclosures[i], ",") {
				t.Errorf("%s line %d: Go commits to %s", s.ID, i, canonOf(t, committed))
			}
		}
	}
}

// goReserved reports RFC 9901's reserved shapes anywhere in v, hidden or
// not: an object with an _sd member, an array element that is an object
// with a ... member (docs/redaction.md, "Edges").
func goReserved(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["_sd"]; ok {
			return true
		}
		for _, c := range x {
			if goReserved(c) {
				return true
			}
		}
	case []any:
		for _, c := range x {
			if o, ok := c.(map[string]any); ok {
				if _, dots := o["..."]; dots {
					return true
				}
			}
			if goReserved(c) {
				return true
			}
		}
	}
	return false
}

// TestRedactionRefusals: what redact and commit refuse, by this reading of
// docs/redaction.md (keys, the root, the reserved shapes), before any walk.
func TestRedactionRefusals(t *testing.T) {
	v := loadRedaction(t)
	if len(v.RedactErrors) < 3 || len(v.CommitErrors) < 5 {
		t.Fatalf("only %d redact and %d commit refusals", len(v.RedactErrors), len(v.CommitErrors))
	}
	for _, c := range v.RedactErrors {
		doc := v.document(t, c.Document)
		pseudonymizes := false
		for _, r := range goRules(t, mustDecode(t, v.Policies[c.Policy]).(map[string]any)) {
			pseudonymizes = pseudonymizes || r.action == "pseudonymize"
		}
		_, object := doc.(map[string]any)
		got := ""
		switch {
		case c.SaltKeyBytes != 32 || (pseudonymizes && c.PseudonymKey == nil):
			got = "missing_key"
		case !object:
			got = "invalid_document"
		}
		if got != c.Code {
			t.Errorf("%s: Go refuses with %q, vector %q", c.ID, got, c.Code)
		}
	}
	for _, c := range v.CommitErrors {
		doc := v.document(t, c.Document)
		_, object := doc.(map[string]any)
		got := ""
		if !object || goReserved(doc) {
			got = "invalid_document"
		}
		if got != c.Code {
			t.Errorf("%s: Go refuses with %q, vector %q", c.ID, got, c.Code)
		}
	}
	// And no commitment case holds a reserved shape.
	for _, c := range v.Commitments {
		if goReserved(v.document(t, c.Document)) {
			t.Errorf("%s: a commitment case with a reserved shape", c.ID)
		}
	}
}

type policyRefusal struct{ code, path string }

func noControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r >= 0x7f && r < 0xa0 {
			return false
		}
	}
	return true
}

func policyText(m map[string]any, at, name string, max int) (string, *policyRefusal) {
	s, ok := m[name].(string)
	if !ok || s == "" || utf8RuneCount(s) > max || !noControl(s) {
		return "", &policyRefusal{"invalid_policy", at + "/" + name}
	}
	return s, nil
}

func utf8RuneCount(s string) int { return len([]rune(s)) }

func policyAllowed(m map[string]any, at string, names ...string) *policyRefusal {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		known := false
		for _, n := range names {
			known = known || n == k
		}
		if !known {
			return &policyRefusal{"invalid_policy", at + jsonPointer(k)}
		}
	}
	return nil
}

func policyInt(v any, lo, hi uint64) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	x, err := strconv.ParseUint(n.String(), 10, 64)
	return err == nil && x >= lo && x <= hi
}

var patternToken = regexp.MustCompile(`^([^~]|~[012])*$`)

// goReadPolicy is docs/redaction.md "Loading", in Go: nil or the refusal.
func goReadPolicy(doc any) *policyRefusal {
	m, ok := doc.(map[string]any)
	if !ok {
		return &policyRefusal{"invalid_policy", ""}
	}
	if typ, _ := m["type"].(string); typ != "trustcore.redaction-policy/v1" {
		if strings.HasPrefix(typ, "trustcore.redaction-policy/") {
			return &policyRefusal{"unsupported_policy_version", "/type"}
		}
		return &policyRefusal{"invalid_policy", "/type"}
	}
	if e := policyAllowed(m, "", "type", "id", "version", "rules", "marker"); e != nil {
		return e
	}
	if _, e := policyText(m, "", "id", 128); e != nil {
		return e
	}
	if !policyInt(m["version"], 1, 1<<53-1) {
		return &policyRefusal{"invalid_policy", "/version"}
	}
	if _, ok := m["marker"]; ok {
		if _, e := policyText(m, "", "marker", 256); e != nil {
			return e
		}
	}
	rules, ok := m["rules"].([]any)
	if !ok || len(rules) < 1 || len(rules) > 256 {
		return &policyRefusal{"invalid_policy", "/rules"}
	}
	ids := map[string]bool{}
	for i, x := range rules {
		at := "/rules/" + strconv.Itoa(i)
		r, ok := x.(map[string]any)
		if !ok {
			return &policyRefusal{"invalid_policy", at}
		}
		if e := policyAllowed(r, at, "id", "select", "action", "class", "marker", "keep"); e != nil {
			return e
		}
		id, e := policyText(r, at, "id", 128)
		if e != nil {
			return e
		}
		if ids[id] {
			return &policyRefusal{"invalid_policy", at + "/id"}
		}
		ids[id] = true
		sat := at + "/select"
		sel, ok := r["select"].(map[string]any)
		if !ok {
			return &policyRefusal{"invalid_policy", sat}
		}
		if e := policyAllowed(sel, sat, "pointer", "keys", "detect"); e != nil {
			return e
		}
		if len(sel) != 1 {
			return &policyRefusal{"invalid_policy", sat}
		}
		if p, ok := sel["pointer"]; ok {
			ps, ok := p.(string)
			bad := &policyRefusal{"invalid_policy", sat + "/pointer"}
			if !ok || !strings.HasPrefix(ps, "/") {
				return bad
			}
			var toks []string
			for _, tok := range strings.Split(ps, "/")[1:] {
				if !patternToken.MatchString(tok) {
					return bad
				}
				if tok == "**" && len(toks) > 0 && toks[len(toks)-1] == "**" {
					continue
				}
				toks = append(toks, tok)
			}
			anyCount := 0
			for _, tok := range toks {
				if tok == "**" {
					anyCount++
				}
			}
			if anyCount > 4 || len(toks) > 128 {
				return bad
			}
		} else if k, ok := sel["keys"]; ok {
			list, ok := k.([]any)
			if !ok || len(list) < 1 || len(list) > 256 {
				return &policyRefusal{"invalid_policy", sat + "/keys"}
			}
			for j, n := range list {
				s, ok := n.(string)
				if !ok || goNormalize(s) == "" {
					return &policyRefusal{"invalid_policy", sat + "/keys/" + strconv.Itoa(j)}
				}
			}
		} else {
			d, _ := sel["detect"].(string)
			switch d {
			case "email", "phone", "ipv4", "ipv6", "card", "iban":
			default:
				return &policyRefusal{"invalid_policy", sat + "/detect"}
			}
		}
		action, _ := r["action"].(string)
		switch action {
		case "replace":
			if _, ok := r["marker"]; ok {
				if _, e := policyText(r, at, "marker", 256); e != nil {
					return e
				}
			}
		case "mask":
			if k, ok := r["keep"]; ok && !policyInt(k, 0, 64) {
				return &policyRefusal{"invalid_policy", at + "/keep"}
			}
		case "remove", "pseudonymize":
		default:
			return &policyRefusal{"invalid_policy", at + "/action"}
		}
		if _, ok := r["marker"]; ok && action != "replace" {
			return &policyRefusal{"invalid_policy", at + "/marker"}
		}
		if _, ok := r["keep"]; ok && action != "mask" {
			return &policyRefusal{"invalid_policy", at + "/keep"}
		}
		if _, ok := r["class"]; ok {
			if _, e := policyText(r, at, "class", 64); e != nil {
				return e
			}
		}
	}
	return nil
}

func TestRedactionPolicyDocuments(t *testing.T) {
	v := loadRedaction(t)
	for name, raw := range v.Policies {
		if e := goReadPolicy(mustDecode(t, raw)); e != nil {
			t.Errorf("policy %s: Go refuses it: %v", name, *e)
		}
	}
	if len(v.PolicyErrors) == 0 {
		t.Fatal("no policyErrors")
	}
	for _, c := range v.PolicyErrors {
		var doc any
		if c.PolicyText != "" {
			if _, err := jcs.Transform([]byte(c.PolicyText)); err != nil {
				continue // strict JSON first: jcs refuses it too, without codes
			}
			doc = mustDecode(t, []byte(c.PolicyText))
		} else {
			doc = mustDecode(t, c.Policy)
		}
		e := goReadPolicy(doc)
		if e == nil || e.code != c.Error.Code || c.Error.Path != nil && e.path != *c.Error.Path {
			t.Errorf("%s: Go %v, vector %s %v", c.ID, e, c.Error.Code, c.Error.Path)
		}
	}
}
