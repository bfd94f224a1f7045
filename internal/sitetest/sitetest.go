// Package sitetest builds publications for tests: the CBP publication at
// the repository root, or a fixture folder under testdata/.
package sitetest

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stratpub/stratpub/internal/build"
)

// RepoRoot returns the repository root (the folder holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the repository")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Build builds the publication in dir into a new temporary folder and
// returns the folder and the built site.
func Build(t testing.TB, dir string) (string, *build.Site) {
	t.Helper()
	site := Site(t, dir)
	out := filepath.Join(t.TempDir(), "public")
	if err := build.Write(site, out, false); err != nil {
		t.Fatal(err)
	}
	return out, site
}

// Site builds the publication in dir in memory, as stratpub build does
// before writing, and fails the test on any error.
func Site(t testing.TB, dir string) *build.Site {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	site, errs := build.Build(context.Background(), build.Config{Source: root.FS()})
	if len(errs) > 0 {
		t.Fatalf("building %s:\n%v", dir, errs.Err())
	}
	return site
}

// CBP builds the CBP publication at the repository root.
func CBP(t testing.TB) (string, *build.Site) {
	t.Helper()
	return Build(t, RepoRoot(t))
}

// Copy copies the publication folder src into a new temporary folder and
// returns its path, so that a test can change files without touching src.
func Copy(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "pub")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
