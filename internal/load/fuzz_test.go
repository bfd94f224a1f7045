package load

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzFrontMatter feeds arbitrary bytes to the document and configuration
// readers. Whatever the input, they must return (never panic), and an
// error must point inside the file; a document that is accepted must have
// a body that is the tail of its text.
// Seeds: testdata/fuzz/FuzzFrontMatter and every document of the
// publications in the repository.
func FuzzFrontMatter(f *testing.F) {
	for _, glob := range []string{"../../content/*/*.md", "../../testdata/*/content/*/*.md", "../../testdata/*/stratpub.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const name = "content/x.md"
		d, e := Parse(name, src)
		lines := bytes.Count(src, []byte("\n")) + 1
		if e != nil {
			if d != nil {
				t.Fatalf("both a document and an error: %v", e)
			}
			if e.Pos.File != name || e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Col < 0 {
				t.Fatalf("error outside the file (%d lines): %v", lines, e)
			}
			if e.Msg == "" || e.Hint == "" {
				t.Fatalf("error without a message or a hint: %#v", e)
			}
		} else {
			if d.Meta == nil {
				t.Fatal("accepted without front matter")
			}
			if d.BodyOffset > len(d.Src) || !bytes.Equal(d.Src[d.BodyOffset:], d.Body) {
				t.Fatalf("body is not the tail of the text: offset %d of %d", d.BodyOffset, len(d.Src))
			}
			if p := d.BodyPos(len(d.Body)); p.Line < 1 || p.Line > lines {
				t.Fatalf("body end at %v, file has %d lines", p, lines)
			}
		}
		// The same bytes as the configuration.
		_, errs := Dir(fstest.MapFS{ConfigFile: {Data: src}, "content/a.md": {Data: []byte("---\ntype: goal\n---\n")}})
		for _, e := range errs {
			if e.Pos.File != ConfigFile && !strings.HasPrefix(e.Pos.File, "content") {
				t.Fatalf("error in an unknown file: %v", e)
			}
			if e.Pos.Line > lines {
				t.Fatalf("error past the end of the configuration (%d lines): %v", lines, e)
			}
		}
	})
}
