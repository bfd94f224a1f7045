package resolve

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/load"
)

// TestFieldsManyKeys reads a mapping with few keys and one with more than
// manyKeys (looked up through an index): duplicates, keys asked for and
// keys nobody asked for are reported the same way in both.
func TestFieldsManyKeys(t *testing.T) {
	for _, n := range []int{5, manyKeys + 8} {
		var b strings.Builder
		b.WriteString("---\n")
		for i := range n {
			fmt.Fprintf(&b, "key%d: v%d\n", i, i)
		}
		b.WriteString("key3: again\n---\n")
		d, e := load.Parse("content/x.md", []byte(b.String()))
		if e != nil {
			t.Fatal(e)
		}
		var errs diag.List
		f := newFields(d, d.Meta, "section", &errs)
		if got := f.str("key1", true, "x"); got != "v1" {
			t.Errorf("n=%d: key1 = %q", n, got)
		}
		if got := f.str("key3", true, "x"); got != "v3" {
			t.Errorf("n=%d: key3 = %q, want the first", n, got)
		}
		if got := f.str("absent", false, "x"); got != "" {
			t.Errorf("n=%d: absent = %q", n, got)
		}
		known := []string{"key0"}
		for i := 4; i < n; i++ {
			known = append(known, fmt.Sprintf("key%d", i))
		}
		f.done(known...) // every key not read is unknown; known ones only make the hint
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.Error())
		}
		want := []string{
			fmt.Sprintf("content/x.md:%d:1: duplicate key \"key3\" (first at line 5)\n\thint: keep one of the two", n+2),
			"content/x.md:2:1: section: unknown key \"key0\"",
			"content/x.md:4:1: section: unknown key \"key2\"",
		}
		got := strings.Join(msgs, "\n")
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("n=%d: no %q in\n%s", n, w, got)
			}
		}
		if strings.Contains(got, `"key1"`) || strings.Contains(got, `unknown key "key3"`) {
			t.Errorf("n=%d: a key asked for is reported:\n%s", n, got)
		}
		if c := strings.Count(got, "unknown key"); c != n-2 {
			t.Errorf("n=%d: %d unknown keys reported, want %d", n, c, n-2)
		}
	}
}
