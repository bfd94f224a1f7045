package yamlblock

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// diff compares two trees field by field and describes the first
// difference, with its path from the root ("" when they are equal).
func diff(path string, got, want *yaml.Node) string {
	if got == nil || want == nil {
		if got != want {
			return fmt.Sprintf("%s: got %v, want %v", path, describe(got), describe(want))
		}
		return ""
	}
	type field struct {
		name      string
		got, want any
	}
	for _, f := range []field{
		{"Kind", got.Kind, want.Kind},
		{"Style", got.Style, want.Style},
		{"Tag", got.Tag, want.Tag},
		{"Value", got.Value, want.Value},
		{"Anchor", got.Anchor, want.Anchor},
		{"HeadComment", got.HeadComment, want.HeadComment},
		{"LineComment", got.LineComment, want.LineComment},
		{"FootComment", got.FootComment, want.FootComment},
		{"Line", got.Line, want.Line},
		{"Column", got.Column, want.Column},
		{"len(Content)", len(got.Content), len(want.Content)},
	} {
		if f.got != f.want {
			return fmt.Sprintf("%s: %s is %#v, want %#v", path, f.name, f.got, f.want)
		}
	}
	if (got.Alias == nil) != (want.Alias == nil) {
		return fmt.Sprintf("%s: Alias is %v, want %v", path, describe(got.Alias), describe(want.Alias))
	}
	if got.Alias != nil {
		// An alias points back into the tree: compare where it points,
		// not the tree again.
		if a, b := got.Alias, want.Alias; a.Line != b.Line || a.Column != b.Column || a.Anchor != b.Anchor {
			return fmt.Sprintf("%s: Alias is %v, want %v", path, describe(a), describe(b))
		}
	}
	for i := range got.Content {
		if d := diff(fmt.Sprintf("%s/%d", path, i), got.Content[i], want.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

// describe names a node in a failure message.
func describe(n *yaml.Node) string {
	if n == nil {
		return "nil"
	}
	return fmt.Sprintf("node %s %q at %d:%d", n.Tag, n.Value, n.Line, n.Column)
}

// compare parses src with both parsers. It reports an error when Parse
// accepts src but yaml.v3 refuses it or returns another tree.
func compare(src []byte) (ok bool, err error) {
	got, ok := Parse(src)
	if !ok {
		if got != nil {
			return false, fmt.Errorf("ok is false but the node is %v", describe(got))
		}
		return false, nil
	}
	want, err := decodeV3(src)
	if err != nil {
		return true, fmt.Errorf("accepted, but yaml.v3 refuses it: %v", err)
	}
	if d := diff("", got, want); d != "" {
		return true, fmt.Errorf("differs from yaml.v3 at %s", d)
	}
	return true, nil
}

// frontMatter returns the text between the first two "---" lines of a
// Markdown file, as package load cuts it, or false when there is none.
func frontMatter(src []byte) ([]byte, bool) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(src, []byte("---\n")) {
		return nil, false
	}
	for i := 4; i < len(src); {
		line, next := src[i:], len(src)
		if nl := bytes.IndexByte(src[i:], '\n'); nl >= 0 {
			line, next = src[i:i+nl], i+nl+1
		}
		if string(bytes.TrimRight(line, " \t")) == "---" {
			return src[4:i], true
		}
		i = next
	}
	return nil, false
}

// frontMatters returns the front matter of every Markdown file under dir,
// by path.
func frontMatters(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	fms := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if fm, ok := frontMatter(src); ok {
			fms[path] = fm
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return fms
}

// The publication's own front matter is all within the subset, and comes
// out as yaml.v3 reads it.
func TestContent(t *testing.T) {
	fms := frontMatters(t, "../../content")
	if len(fms) == 0 {
		t.Fatal("no front matter found under ../../content")
	}
	for path, fm := range fms {
		ok, err := compare(fm)
		if err != nil {
			t.Errorf("%s: %v", path, err)
		} else if !ok {
			t.Errorf("%s: refused", path)
		}
	}
}

// The test publications' front matter, some of it broken on purpose, is
// either refused or read as yaml.v3 reads it.
func TestTestdata(t *testing.T) {
	fms := frontMatters(t, "../../testdata")
	if len(fms) == 0 {
		t.Fatal("no front matter found under ../../testdata")
	}
	for path, fm := range fms {
		if _, err := compare(fm); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// What a hand-written case expects of Parse.
const (
	accept  = iota // ok, and equal to yaml.v3
	refuse         // not ok
	either         // refused, or accepted and equal to yaml.v3
	invalid        // not ok, and yaml.v3 refuses it too
)

var cases = []struct {
	name, src string
	want      int
}{
	// Mappings and scalars.
	{"mapping", "type: goal\nnumber: 3\nname: \"FUTURE\"\n", accept},
	{"no final newline", "a: b\nc: d", accept},
	{"nested mapping", "a:\n  b: 1\n  c:\n    d: x\ne: y\n", accept},
	{"indented document", "  a: b\n  c: d\n", accept},
	{"indented document then less", "  a: b\nc: d\n", invalid},
	{"wide indentation", "a:\n        b: 1\n        c: 2\n", accept},
	{"spaces after colon", "a:     b\n", accept},
	{"trailing spaces", "a: b   \nc: \"d\"  \ne: 'f' \n", accept},
	{"non-ASCII", "title: “Été” — ü\nb: 'ñ'\nc: \"日本\"\n", accept},
	{"non-ASCII then key", "a: ééé\nb:\n", accept},
	{"key keeps dots and dashes", "a.b-c_d: x\n", accept},
	{"duplicate keys", "a: 1\na: 2\n", accept},
	{"plain with punctuation", "a: x, [y] {z} 'q' \"r\" b:c a-b http://x.org/y?z=1&w=2 50%\n", accept},
	{"plain with colon inside", "time: 10:30 am\n", refuse}, // starts with a digit
	{"url", "link: https://example.org/a:b\n", accept},
	{"plain with ': '", "a: b: c\n", invalid},
	{"plain ending in ':'", "a: b:\n", invalid},
	{"plain ending in ': '", "a: b: \n", invalid},
	{"key without space", "a:b\n", refuse},
	{"key with space", "my key: b\n", refuse},
	{"key then space colon", "a : b\n", refuse},
	{"quoted key", "\"a\": b\n", refuse},
	{"non-ASCII key", "é: b\n", refuse},
	{"long key", strings.Repeat("k", 300) + ": v\n", refuse},
	{"key at limit", strings.Repeat("k", 256) + ": v\n", accept},

	// Resolved tags.
	{"int", "goal: 1\nzero: 0\nbig: 123456789012345678\n", accept},
	{"int key", "1: a\n2024: b\n", accept},
	{"leading zero", "n: 08\n", refuse},
	{"huge int", "n: 1234567890123456789012\n", refuse},
	{"float", "n: 1.3\n", refuse},
	{"quoted float", "number: \"1.3\"\n", accept},
	{"signed", "n: -1\nm: +1\n", refuse},
	{"date", "d: 2024-01-02\n", refuse},
	{"digits then text", "a: 3rd\n", refuse},
	{"bools", "a: true\nb: False\nc: TRUE\nd: false\n", accept},
	{"yes is a string", "a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\n", accept},
	{"nulls", "a: ~\nb: null\nc: Null\nd: NULL\n", accept},
	{"null-like strings", "a: nil\nb: none\nc: ~x\nd: nULL\ne: tRUE\n", accept},
	{"bool key", "true: a\nnull: b\n", accept},
	{"dot", "a: .inf\n", refuse},
	{"merge", "<<: a\n", refuse},

	// Empty values.
	{"empty at end", "a: b\nc:", accept},
	{"empty at end with newline", "a: b\nc:\n", accept},
	{"empty with spaces", "a:   \nb: c\n", accept},
	{"empty before nested", "a:\n  b:\n    c: d\n", accept},
	{"empty before less indented", "a:\n  b:\nc: d\n", accept},
	{"empty then blank lines", "a:\n\n\n\nb: c\n", accept},
	{"only blank lines", "\n\n   \n \n", accept},
	{"empty text", "", accept},
	{"only spaces", "   ", accept},

	// Sequences.
	{"sequence same indent", "key:\n- a\n- b\nnext: c\n", accept},
	{"sequence indented", "key:\n  - a\n  - \"b\"\n  - 'c'\nnext: 1\n", accept},
	{"list of mappings", "figures:\n  - caption: x\n    credit: y\n  - caption: z\n", accept},
	{"list of mappings same indent", "figures:\n- caption: x\n  credit: y\n- caption: z\nb: 1\n", accept},
	{"list item wide", "a:\n  -    b: 1\n       c: 2\n", accept},
	{"top-level sequence", "- a\n- b: c\n", accept},
	{"sequence in item", "- a:\n  - x\n  b: 1\n- c\n", accept},
	{"empty items", "a:\n-\n- b\n-   \nc: d\n", accept},
	{"empty item last", "a:\n  - b\n  -", accept},
	{"empty item then nested", "-\n  a: b\n", refuse},
	{"nested sequence on one line", "- - a\n", refuse},
	{"sequence after value", "a: b\n- c\n", invalid},
	{"sequence then key", "a:\n  - b\n  c: d\n", invalid},
	{"item dedent", "- a: 1\n b: 2\n", invalid},
	{"dash without space", "a:\n-b\n", invalid},
	{"value is an entry", "a: - b\n", invalid},

	// Quotes.
	{"double escapes", `a: "q\" b\\ n\n t\t r\r z\0 a\a b\b e\e f\f v\v sp\ N\N _\_ L\L P\P x\x41 u\u00e9 U\U0001F600 '\'"` + "\n", accept},
	{"slash escape", `a: "a\/b"` + "\n", invalid}, // yaml.v3 does not know \/
	{"bad escape", `a: "\q"` + "\n", invalid},
	{"bad hex", `a: "\xZZ"` + "\n", invalid},
	{"surrogate escape", `a: "\ud800"` + "\n", invalid},
	{"big escape", `a: "\U00110000"` + "\n", invalid},
	{"escape above int32", `a: "\U80000000"` + "\n", invalid},
	{"largest escape", `a: "\UFFFFFFFF"` + "\n", invalid},
	{"highest escape", `a: "\U0010FFFF\uFFFF\uFFFE\ue000\ud7ff"` + "\n", accept},
	{"short escape", `a: "\u00e"` + "\n", invalid},
	{"empty quotes", "a: \"\"\nb: ''\n", accept},
	{"single quote escapes", "a: 'it''s ''q'''\nb: 'back\\slash \"x\"'\n", accept},
	{"unterminated double", "a: \"b\nc: d\n", invalid},
	{"unterminated single", "a: 'b\nc: d\n", invalid},
	{"multi-line double", "a: \"b\n  c\"\n", refuse},
	{"escaped line break", "a: \"b\\\n  c\"\n", refuse},
	{"text after quote", "a: \"b\" c\n", invalid},
	{"quoted key-like", "a: \"b\": c\n", invalid},
	{"quoted with colon", "a: \"b: c\"\nd: 'e: f'\n", accept},

	// Refused outright.
	{"tab", "a:\tb\n", refuse},
	{"comment", "a: b # c\n", refuse},
	{"hash in quotes", "a: \"#1\"\n", refuse},
	{"carriage return", "a: b\r\n", refuse},
	{"NEL", "a: b\u0085c\n", refuse},
	{"line separator", "a: b\u2028c\n", refuse},
	{"BOM", "\ufeffa: b\n", refuse},
	{"control", "a: b\x01\n", invalid},
	{"invalid UTF-8", "a: \xff\n", invalid},
	{"flow sequence", "a: [b, c]\n", refuse},
	{"flow mapping", "a: {b: c}\n", refuse},
	{"anchor", "a: &x b\n", refuse},
	{"alias", "a: *x\n", refuse},
	{"tag", "a: !!str b\n", refuse},
	{"literal", "a: |\n  b\n", refuse},
	{"folded", "a: >\n  b\n", refuse},
	{"directive", "%YAML 1.2\na: b\n", refuse},
	{"complex key", "? a\n: b\n", refuse},
	{"at sign", "a: @b\n", refuse},
	{"backquote", "a: `b`\n", refuse},
	{"document start", "a: b\n---\nc: d\n", invalid},
	{"document start with text", "a: b\n--- c\n", invalid},
	{"document end", "a: b\n...\n", refuse},
	{"multi-line plain", "a: b\n  c\n", refuse},
	{"multi-line plain in item", "- a\n  b\n", refuse},
	{"scalar document", "just text\n", refuse},
	{"scalar on its own line", "a:\n  b\n", refuse},

	// Indentation.
	{"bad dedent", "a:\n  b: 1\n c: 2\n", invalid},
	{"more indented after value", "a: 1\n  b: 2\n", invalid},
	{"more indented after nested", "a:\n  b:\n    c: 1\n   d: 2\n", invalid},
	{"less indented empty", "a:\n    b:\n  c: d\n", invalid},
}

// Each hand-written case is accepted, refused or either, as it expects, and
// never read otherwise than by yaml.v3.
func TestCases(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, err := compare([]byte(c.src))
			if err != nil {
				t.Fatalf("%q: %v", c.src, err)
			}
			switch {
			case c.want == accept && !ok:
				want, err := decodeV3([]byte(c.src))
				t.Fatalf("%q refused; yaml.v3 gives %v, %v", c.src, describe(want), err)
			case (c.want == refuse || c.want == invalid) && ok:
				t.Fatalf("%q accepted", c.src)
			}
			if _, err := decodeV3([]byte(c.src)); c.want == invalid && err == nil {
				t.Fatalf("%q: yaml.v3 accepts it; the case is not invalid", c.src)
			}
		})
	}
}

// Parse's tree for a case whose values are spelled out, checked without
// yaml.v3, so that the comparison cannot agree with a wrong reading of both.
func TestSpelledOut(t *testing.T) {
	n, ok := Parse([]byte("a:\nb:\n- 'x'\n- c: 1\n  d: \"é\"\n"))
	if !ok {
		t.Fatal("refused")
	}
	var got []string
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		got = append(got, fmt.Sprintf("%d %d %s %q %d:%d", n.Kind, n.Style, n.Tag, n.Value, n.Line, n.Column))
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	want := []string{
		`4 0 !!map "" 1:1`,
		`8 0 !!str "a" 1:1`,
		`8 0 !!null "" 1:3`,
		`8 0 !!str "b" 2:1`,
		`2 0 !!seq "" 3:1`,
		`8 4 !!str "x" 3:3`,
		`4 0 !!map "" 4:3`,
		`8 0 !!str "c" 4:3`,
		`8 0 !!int "1" 4:6`,
		`8 0 !!str "d" 5:3`,
		`8 2 !!str "é" 5:6`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The comparison fails when a tree differs in any one field: the negative
// control for every test above.
func TestDiffDetects(t *testing.T) {
	src := []byte("a: b\nc:\n  - d: 1\n    e: 'f'\n")
	mutations := map[string]func(n *yaml.Node){
		"Column":      func(n *yaml.Node) { n.Content[3].Content[0].Content[1].Column++ },
		"Line":        func(n *yaml.Node) { n.Content[1].Line++ },
		"Tag":         func(n *yaml.Node) { n.Content[3].Content[0].Content[1].Tag = "!!str" },
		"Style":       func(n *yaml.Node) { n.Content[3].Content[0].Content[3].Style = 0 },
		"Value":       func(n *yaml.Node) { n.Content[1].Value = "B" },
		"Kind":        func(n *yaml.Node) { n.Content[3].Kind = yaml.MappingNode },
		"HeadComment": func(n *yaml.Node) { n.HeadComment = "# x" },
		"Anchor":      func(n *yaml.Node) { n.Content[0].Anchor = "x" },
		"Alias":       func(n *yaml.Node) { n.Content[1].Alias = n.Content[0] },
		"Content":     func(n *yaml.Node) { n.Content[3].Content = n.Content[3].Content[:0] },
	}
	want, err := decodeV3(src)
	if err != nil {
		t.Fatal(err)
	}
	for name, mutate := range mutations {
		got, ok := Parse(src)
		if !ok {
			t.Fatal("refused")
		}
		if d := diff("", got, want); d != "" {
			t.Fatalf("before mutating %s: %s", name, d)
		}
		mutate(got)
		if d := diff("", got, want); d == "" {
			t.Errorf("mutating %s goes unnoticed", name)
		}
	}
}

// Appending to one node's Content leaves the others alone.
func TestContentIsolated(t *testing.T) {
	n, ok := Parse([]byte("a:\n  b: 1\nc:\n  d: 2\n"))
	if !ok {
		t.Fatal("refused")
	}
	a := n.Content[1]
	a.Content = append(a.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "extra"})
	if d := n.Content[3].Content[0].Value; d != "d" {
		t.Errorf("c's first key is %q after appending to a", d)
	}
}

// TestGenerated compares Parse with yaml.v3 on documents made at random
// from the subset's grammar, with deliberate slips (indentation off by one,
// scalars yaml.v3 reads otherwise or refuses), so that the comparison covers
// the paths where Parse accepts, which random byte mutations rarely reach.
func TestGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 30000
	if testing.Short() {
		n = 3000
	}
	accepted := 0
	for range n {
		g := gen{r: r}
		g.block(r.IntN(2), 0)
		src := []byte(g.b.String())
		ok, err := compare(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if ok {
			accepted++
		}
	}
	t.Logf("%d of %d accepted", accepted, n)
	if accepted < n/5 {
		t.Errorf("only %d of %d accepted: the generator misses the subset", accepted, n)
	}
}

// gen writes a random document.
type gen struct {
	r *rand.Rand
	b strings.Builder
}

// chance reports true with probability 1/n.
func (g *gen) chance(n int) bool { return g.r.IntN(n) == 0 }

// pick returns one of s.
func (g *gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

// indent writes blank lines now and then, and ind spaces, or one more or
// one less once in a while.
func (g *gen) indent(ind int) {
	for g.chance(8) {
		g.b.WriteString(strings.Repeat(" ", g.r.IntN(6)) + "\n")
	}
	if g.chance(40) {
		ind += g.r.IntN(3) - 1
	}
	g.b.WriteString(strings.Repeat(" ", max(ind, 0)))
}

// The keys and scalars of generated documents: mostly ones Parse reads,
// sometimes others.
var (
	genKeys    = []string{"a", "b", "type", "x.y", "k-1", "_", "1", "0", "true", "null", "y", "No", "a1"}
	genOddKeys = []string{"1a", "1.5", "é", "a b", "-a", "<<", "~", `"q"`, "a#"}
	genScalars = []string{
		"x", "two words", "end.", "http://a.b/c:d", "x, [y] {z}", "it's", `say "hi"`, "ünï “cödé” 日本",
		"~", "~x", "null", "Null", "NULL", "nil", "true", "True", "FALSE", "yes", "no", "on",
		"0", "1", "42", "123456789012345678", `""`, `"x"`, `"a\"b"`, `"\x41\u00e9\U0001F600"`,
		`"tab\tnl\n\\"`, `"a: b"`, `''`, `'x'`, `'it''s'`, `'a'': b'`, `'"'`,
	}
	genOddScalars = []string{
		"1234567890123456789", "08", "1.3", "-1", "+1", "1e3", "0x1F", "2024-01-02", "3rd",
		".5", ".inf", "<<", "<a", "a: b", "a:", "a :b", "- a", "-a", "?a", ":a", ",a", "[a]", "{a}",
		"&a", "*a", "!a", "|", ">", "%a", "@a", "`a`", `"\/"`, `"\q"`, `"\ud800"`, `"\U80000000"`, `"x`, `"x" y`,
		`"a": b`, `'x`, `'#'`, "a #b", "a\tb", "a\rb", "a\u0085b", "--- a", "...",
	}
)

// scalar writes a value for a key or an item, and its line break.
func (g *gen) scalar() {
	if g.chance(8) {
		g.b.WriteString(g.pick(genOddScalars))
	} else {
		g.b.WriteString(g.pick(genScalars))
	}
	if g.chance(5) {
		g.b.WriteString(strings.Repeat(" ", 1+g.r.IntN(3)))
	}
	if g.chance(20) {
		// A second line, which continues a plain scalar or is a
		// mistake.
		g.b.WriteString("\n" + strings.Repeat(" ", 1+g.r.IntN(8)) + g.pick(genScalars))
	}
	g.b.WriteString("\n")
}

// block writes a mapping or a sequence at indentation ind, depth levels
// down.
func (g *gen) block(ind, depth int) {
	if g.chance(3) {
		g.sequence(ind, depth)
	} else {
		g.mapping(ind, depth, false)
	}
}

// mapping writes a block mapping whose keys are at indentation ind; when
// inline, the first key goes on the current line (after "- ").
func (g *gen) mapping(ind, depth int, inline bool) {
	for i := range 1 + g.r.IntN(4) {
		if i > 0 || !inline {
			g.indent(ind)
		}
		if g.chance(20) {
			g.b.WriteString(g.pick(genOddKeys))
		} else {
			g.b.WriteString(g.pick(genKeys))
		}
		g.b.WriteString(":")
		switch k := g.r.IntN(6); {
		case k < 3 || depth > 3:
			g.b.WriteString(strings.Repeat(" ", 1+g.r.IntN(2)))
			g.scalar()
		case k == 3:
			// An empty value, null or before a less indented key.
			g.b.WriteString(strings.Repeat(" ", g.r.IntN(2)) + "\n")
		case k == 4:
			g.b.WriteString("\n")
			g.sequence(ind, depth+1)
		default:
			g.b.WriteString("\n")
			g.block(ind+1+g.r.IntN(3), depth+1)
		}
	}
}

// sequence writes a block sequence whose "-" are at indentation ind.
func (g *gen) sequence(ind, depth int) {
	for range 1 + g.r.IntN(3) {
		g.indent(ind)
		g.b.WriteString("-")
		if g.chance(8) {
			g.b.WriteString(strings.Repeat(" ", g.r.IntN(2)) + "\n")
			continue
		}
		sp := 1 + g.r.IntN(3)
		g.b.WriteString(strings.Repeat(" ", sp))
		if depth < 3 && g.chance(3) {
			g.mapping(ind+1+sp, depth+1, true)
		} else {
			g.scalar()
		}
	}
}

// fuzzSeeds are inputs the fuzzer found, or that are near the edges.
var fuzzSeeds = []string{
	"a:\n- b\n -\n",
	"- a:\n- b\n",
	"a:\n  -\n  b: c\n",
	"0: 0\n",
	"a: \"\\x80\\u0085\\U0010FFFF\"\n",
	// An escape that overflowed a rune, found by the fuzzer.
	"0: \"\\U80000000\"",
}

// Parse never panics, and whatever it accepts yaml.v3 accepts and reads the
// same way.
func FuzzParse(f *testing.F) {
	for _, fm := range frontMatters(f, "../../content") {
		f.Add(fm)
	}
	for _, c := range cases {
		f.Add([]byte(c.src))
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, err := compare(src); err != nil {
			t.Fatalf("%q: %v", src, err)
		}
	})
}

// benchInputs returns the front matter of the publication, in a fixed
// order.
func benchInputs(b *testing.B) [][]byte {
	fms := frontMatters(b, "../../content")
	var srcs [][]byte
	for _, p := range slices.Sorted(maps.Keys(fms)) {
		srcs = append(srcs, fms[p])
	}
	if len(srcs) == 0 {
		b.Fatal("no front matter")
	}
	return srcs
}

// One op parses every front matter of the publication.
func BenchmarkParse(b *testing.B) {
	srcs := benchInputs(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			if _, ok := Parse(src); !ok {
				b.Fatal("refused")
			}
		}
	}
}

// One op parses every front matter of the publication with yaml.v3 alone,
// as Document does outside the subset.
func BenchmarkYAMLv3(b *testing.B) {
	srcs := benchInputs(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			if _, err := decodeV3(src); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestArena parses every front matter of the publication and the test
// publications into one Arena, one after the other, in two orders, and
// checks that each tree is the one Parse gives on fresh memory: nothing of
// the trees before it shows through.
func TestArena(t *testing.T) {
	fms := frontMatters(t, "../../content")
	maps.Copy(fms, frontMatters(t, "../../testdata"))
	paths := slices.Sorted(maps.Keys(fms))
	backward := slices.Clone(paths)
	slices.Reverse(backward)
	var a Arena
	n := 0
	for _, order := range [][]string{paths, backward} {
		for _, path := range order {
			got, ok := ParseIn(fms[path], &a)
			want, wantOK := Parse(fms[path])
			if ok != wantOK {
				t.Fatalf("%s: ParseIn says %v, Parse %v", path, ok, wantOK)
			}
			if !ok {
				continue
			}
			n++
			if d := diff("", got, want); d != "" {
				t.Fatalf("%s: the tree in a used arena differs at %s", path, d)
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d front matters parsed", n)
	}
}
