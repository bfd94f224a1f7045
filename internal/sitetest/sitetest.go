// Package sitetest builds publications for tests: the CBP publication at
// the repository root, or a fixture folder under testdata/.
package sitetest

import (
	"context"
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
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	site, errs := build.Build(context.Background(), build.Config{Source: root.FS()})
	if len(errs) > 0 {
		t.Fatalf("building %s:\n%v", dir, errs.Err())
	}
	out := filepath.Join(t.TempDir(), "public")
	if err := build.Write(site, out, false); err != nil {
		t.Fatal(err)
	}
	return out, site
}

// CBP builds the CBP publication at the repository root.
func CBP(t testing.TB) (string, *build.Site) {
	t.Helper()
	return Build(t, RepoRoot(t))
}
