package resolve

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stratpub/stratpub/internal/load"
)

// TestCacheKeepsConversions checks that a Cache spares converting again
// the texts of documents that did not change: the same documents, kept
// by the preview's load.Cache, are converted once; a document read again
// has its texts converted again, and only those. The negative control is
// a new Cache, which converts every text.
func TestCacheKeepsConversions(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(filepath.Join("..", "..", "testdata", "small"))); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(src)
	var docs load.Cache
	c := &Cache{}
	resolveAll := func(docs *load.Cache) int {
		t.Helper()
		proj, errs := docs.Dir(fsys)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if _, errs := Plan(proj, Options{Cache: c, Exists: func(string) bool { return true }}); len(errs) > 0 {
			t.Fatal(errs)
		}
		return c.made
	}
	all := resolveAll(&docs)
	if all < 5 {
		t.Fatalf("only %d texts converted", all)
	}
	if n := resolveAll(&docs); n != 0 {
		t.Errorf("nothing changed: %d of %d texts converted again", n, all)
	}
	docs.Forget("content/goal-1/1.1-alpha.md")
	if n := resolveAll(&docs); n == 0 || n >= all {
		t.Errorf("one document read again: %d of %d texts converted again", n, all)
	}
	c = &Cache{}
	if n := resolveAll(&docs); n != all {
		t.Errorf("negative control: a new Cache converted %d of %d texts", n, all)
	}
}
