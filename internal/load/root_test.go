package load

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRootAsOSRoot reads a folder with every kind of entry through a Root
// and through an os.Root, and checks that both give the same: the same
// files and listings, the same refusals of paths that lead outside, the
// same missing files. The negative control is os.DirFS, which follows a
// link out of the folder.
func TestRootAsOSRoot(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "pub")
	outside := filepath.Join(base, "secret.md")
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, p string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(dir, p)); err != nil {
			t.Fatal(err)
		}
	}
	write(outside, "SECRET")
	write(filepath.Join(dir, "stratpub.yaml"), "title: x\n")
	write(filepath.Join(dir, "content", "a", "doc.md"), "---\ntype: goal\n---\nA\n")
	write(filepath.Join(dir, "content", "b", "other.md"), "B")
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	link("../a/doc.md", "content/b/inside.md")                     // inside: followed
	link("../b", "content/a/sibling")                              // a folder inside
	link(outside, "content/a/abs-out.md")                          // absolute, outside
	link(filepath.Join(dir, "stratpub.yaml"), "content/abs-in.md") // absolute, inside: refused too
	link("../../../secret.md", "content/a/rel-out.md")             // relative, outside
	link("nowhere.md", "content/a/dangling.md")
	link("..", "content/a/up")        // a folder, inside
	link("../..", "content/a/upup")   // the publication's own folder
	link("../../..", "content/a/out") // the folder above it
	if err := syscall.Mkfifo(filepath.Join(dir, "content", "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	names := []string{".", "stratpub.yaml", "content", "content/a", "content/a/doc.md", "content/b/other.md",
		"content/b/inside.md", "content/a/sibling", "content/a/sibling/other.md", "content/a/abs-out.md",
		"content/abs-in.md", "content/a/rel-out.md", "content/a/dangling.md", "content/a/up/b/other.md",
		"content/a/upup/secret.md", "content/a/upup", "content/a/upup/stratpub.yaml", "content/a/out",
		"content/a/out/secret.md", "content/pipe.md", "missing.md", "content/missing/x.md",
		"../secret.md", "/etc/hostname", "content//a", "images"}

	osRoot, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer osRoot.Close()
	r, err := OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.fd < 0 {
		t.Log("no openat2 here: the Root is an os.Root")
	}
	compare := func(got fs.FS) []string {
		var diffs []string
		want := osRoot.FS()
		for _, name := range names {
			if name == "content/pipe.md" {
				// Stat only: opening a named pipe waits for a writer.
				a, aerr := fs.Stat(got, name)
				b, berr := fs.Stat(want, name)
				if (aerr == nil) != (berr == nil) || aerr == nil && (a.Mode() != b.Mode() || a.Name() != b.Name()) {
					diffs = append(diffs, "stat "+name)
				}
				continue
			}
			if d := same(got, want, name); d != "" {
				diffs = append(diffs, d)
			}
		}
		return diffs
	}
	if diffs := compare(r.FS()); len(diffs) > 0 {
		t.Errorf("the Root differs from an os.Root:\n  %s", strings.Join(diffs, "\n  "))
	}
	if diffs := compare(os.DirFS(dir)); len(diffs) == 0 {
		t.Error("negative control: os.DirFS reads the same as an os.Root")
	} else {
		t.Logf("os.DirFS differs, as it should: %s", strings.Join(diffs, "; "))
	}
}

// same compares what two file systems say of name: Stat, ReadFile, ReadDir
// and, for a failure, whether it is a missing file or a path that leads
// outside. It returns the first difference, or "".
func same(a, b fs.FS, name string) string {
	kind := func(err error) string {
		switch {
		case err == nil:
			return "ok"
		case errors.Is(err, fs.ErrNotExist):
			return "missing"
		case strings.Contains(err.Error(), "escapes"):
			return "escapes"
		case errors.Is(err, fs.ErrInvalid):
			return "invalid"
		}
		return "other: " + err.Error()
	}
	sa, ea := fs.Stat(a, name)
	sb, eb := fs.Stat(b, name)
	if kind(ea) != kind(eb) {
		return "stat " + name + ": " + kind(ea) + " / " + kind(eb)
	}
	if ea == nil && (sa.Name() != sb.Name() || sa.Mode() != sb.Mode() || sa.Size() != sb.Size() || sa.IsDir() != sb.IsDir()) {
		return "stat " + name + ": " + sa.Name() + " " + sa.Mode().String() + " / " + sb.Name() + " " + sb.Mode().String()
	}
	if ea == nil && sa.IsDir() {
		da, ea := fs.ReadDir(a, name)
		db, eb := fs.ReadDir(b, name)
		if kind(ea) != kind(eb) || len(da) != len(db) {
			return "readdir " + name
		}
		for i := range da {
			ia, _ := da[i].Info()
			ib, _ := db[i].Info()
			if da[i].Name() != db[i].Name() || da[i].Type() != db[i].Type() || (ia == nil) != (ib == nil) || ia != nil && ia.Mode() != ib.Mode() {
				return "readdir " + name + ": " + da[i].Name() + " / " + db[i].Name()
			}
		}
		return ""
	}
	ba, ea := fs.ReadFile(a, name)
	bb, eb := fs.ReadFile(b, name)
	if kind(ea) != kind(eb) || !bytes.Equal(ba, bb) {
		return "read " + name + ": " + kind(ea) + " / " + kind(eb)
	}
	fa, ea := a.Open(name)
	fb, eb := b.Open(name)
	if kind(ea) != kind(eb) {
		return "open " + name
	}
	if ea == nil {
		ca, _ := io.ReadAll(fa)
		cb, _ := io.ReadAll(fb)
		fa.Close()
		fb.Close()
		if !bytes.Equal(ca, cb) {
			return "open " + name + ": contents"
		}
	}
	return ""
}
