package load

import (
	"fmt"
	"strings"

	"github.com/stratpub/stratpub/internal/diag"
	"os"
	"path/filepath"
	"testing"
)

func TestCacheRereadsOnlyChangedFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) { writeIn(t, dir, name, data) }
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

// TestCacheUpdate makes changes one step at a time, tells the cache of
// each as a watcher would (Forget), and checks that Update gives what a
// fresh Dir gives, documents and problems, listing only the folders
// created or renamed; and that it leaves to Dir what it cannot know: the
// whole content folder changed (the watcher lost events), or a problem
// before.
func TestCacheUpdate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) { writeIn(t, dir, name, data) }
	remove := func(name string) {
		t.Helper()
		if err := os.RemoveAll(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	doc := func(s string) string { return "---\ntype: goal\n---\n" + s + "\n" }
	write(ConfigFile, "title: T\n")
	write("content/a.md", doc("A"))
	write("content/g/b.md", doc("B"))
	write("content/g/c.md", doc("C"))
	fsys := os.DirFS(dir)
	describe := func(p *Project, errs diag.List) string {
		var b strings.Builder
		if p != nil {
			if p.Config != nil {
				fmt.Fprintf(&b, "config %q\n", p.Config.Src)
			}
			for _, d := range p.Docs {
				fmt.Fprintf(&b, "%s %q %q\n", d.Path, d.Src, d.Body)
			}
		}
		for _, e := range errs {
			fmt.Fprintf(&b, "error %s\n", e.Error())
		}
		return b.String()
	}
	var c Cache
	if _, errs := c.Dir(fsys); len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	steps := []struct {
		name    string
		change  func()
		told    []string
		updates bool // Update takes it
	}{
		{"a document edited", func() { write("content/a.md", doc("A again")) }, []string{"content/a.md"}, true},
		{"a document added", func() { write("content/g/d.md", doc("D")) }, []string{"content/g/d.md"}, true},
		{"a document deleted", func() { remove("content/g/c.md") }, []string{"content/g/c.md"}, true},
		{"the configuration edited", func() { write(ConfigFile, "title: U\n") }, []string{ConfigFile}, true},
		{"files that are not documents", func() { write("content/g/notes.txt", "n"); write("images/x.png", "x") }, []string{"content/g/notes.txt", "images/x.png"}, true},
		{"a document with a problem", func() { write("content/a.md", "---\ntype: [\n---\nA\n") }, []string{"content/a.md"}, true},
		{"after a problem", func() { write("content/a.md", doc("A fixed")) }, []string{"content/a.md"}, false},
		{"nothing", func() {}, nil, true},
		{"a folder created", func() { write("content/h/e.md", doc("E")) }, []string{"content/h", "content/h/e.md"}, true},
		{"a document renamed", func() {
			if err := os.Rename(filepath.Join(dir, "content/h/e.md"), filepath.Join(dir, "content/h/f.md")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/h/e.md", "content/h/f.md"}, true},
		{"a folder deleted", func() { remove("content/h") }, []string{"content/h"}, true},
		{"a folder renamed", func() {
			if err := os.Rename(filepath.Join(dir, "content/g"), filepath.Join(dir, "content/k")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/g", "content/k"}, true},
		{"folders created, their files not named", func() {
			write("content/m/n/o.md", doc("O"))
			write("content/m/p.md", doc("P"))
			write("content/m/_draft.md", doc("draft"))
			write("content/m/.q/r.md", doc("R"))
		}, []string{"content/m"}, true},
		{"a hidden folder created", func() { write("content/.s/t.md", doc("T")) }, []string{"content/.s", "content/.s/t.md"}, true},
		{"a hidden folder renamed", func() {
			if err := os.Rename(filepath.Join(dir, "content/.s"), filepath.Join(dir, "content/s")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/.s", "content/s"}, true},
		{"a folder replaced, the same names", func() {
			remove("content/s")
			write("content/s/t.md", doc("T again"))
		}, []string{"content/s"}, true},
		{"a folder outside content/ created", func() { write("images/new/x.png", "x") }, []string{"images/new"}, true},
		{"the content folder, as after lost events", func() { write("content/m/n/o.md", doc("O again")) }, []string{"content"}, false},
		{"a folder and a document deleted", func() { remove("content/k"); write("content/a.md", doc("A last")) }, []string{"content/a.md", "content/k"}, true},
		{"a document deleted", func() { remove("content/a.md") }, []string{"content/a.md"}, true},
		{"the last documents deleted", func() { remove("content/m"); remove("content/s") }, []string{"content/m", "content/s"}, false},
	}
	for _, s := range steps {
		s.change()
		c.Forget(s.told...)
		want := describe(Dir(fsys))
		p, errs, ok := c.Update(fsys)
		if ok != s.updates {
			t.Fatalf("%s: Update took it: %v; want %v", s.name, ok, s.updates)
		}
		if !ok {
			p, errs = c.Dir(fsys)
		}
		if got := describe(p, errs); got != want {
			t.Fatalf("%s: the cache gives\n%s\nDir gives\n%s", s.name, got, want)
		}
	}
}

// writeIn writes data to the file name (slash-separated) under dir,
// making its folders.
func writeIn(t *testing.T, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
