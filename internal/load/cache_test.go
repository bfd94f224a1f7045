package load

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCacheRereadsOnlyChangedFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(ConfigFile, "title: T\n")
	write("content/a.md", "---\ntype: goal\n---\nA\n")
	write("content/b.md", "---\ntype: goal\n---\nB\n")
	fsys := os.DirFS(dir)
	byPath := func(p *Project) map[string]*Doc {
		m := map[string]*Doc{}
		for _, d := range p.Docs {
			m[d.Path] = d
		}
		return m
	}
	var c Cache
	p1, errs := c.Dir(fsys)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	first := byPath(p1)

	// Unchanged files are reused; a changed one is read again.
	write("content/b.md", "---\ntype: goal\n---\nB, longer now\n")
	p2, _ := c.Dir(fsys)
	second := byPath(p2)
	if second["content/a.md"] != first["content/a.md"] {
		t.Error("an unchanged document was read again")
	}
	if second["content/b.md"] == first["content/b.md"] || string(second["content/b.md"].Body) != "B, longer now\n" {
		t.Errorf("a changed document was not read again: %q", second["content/b.md"].Body)
	}

	// Forget makes the next load read a file even if it looks unchanged.
	c.Forget("content/a.md")
	p3, _ := c.Dir(fsys)
	if byPath(p3)["content/a.md"] == second["content/a.md"] {
		t.Error("a forgotten document was reused")
	}

	// A removed file is gone from the next load and from the cache.
	if err := os.Remove(filepath.Join(dir, "content", "b.md")); err != nil {
		t.Fatal(err)
	}
	p4, _ := c.Dir(fsys)
	if _, ok := byPath(p4)["content/b.md"]; ok || len(c.docs) != 1 {
		t.Errorf("removed document still loaded or cached (%d cached)", len(c.docs))
	}
}
