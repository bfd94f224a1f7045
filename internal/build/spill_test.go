package build_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/scale"
	"github.com/stratpub/stratpub/internal/sitetest"
	"github.com/stratpub/stratpub/internal/spill"
)

// writeWith prepares and writes the publication at src to out, with the
// bodies in store (nil: as a build of src chooses).
func writeWith(t *testing.T, src, out string, store *spill.Store) error {
	t.Helper()
	root, err := os.OpenRoot(src)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	prep, errs := build.Prepare(context.Background(), build.Config{Source: root.FS(), Bodies: store})
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	if prep.Plan.Bodies != store {
		t.Fatalf("the plan keeps its bodies in %p, not in the store given (%p)", prep.Plan.Bodies, store)
	}
	_, _, err = prep.Write(out, false)
	return err
}

// TestStoredBodiesGiveTheSameSite builds each publication with every body
// in a temporary file (as a large publication is built) and compares every
// file with a build that keeps them in memory.
func TestStoredBodiesGiveTheSameSite(t *testing.T) {
	for _, src := range []string{filepath.Join(sitetest.RepoRoot(t), "testdata", "small"), sitetest.RepoRoot(t)} {
		mem := filepath.Join(t.TempDir(), "public")
		if err := writeWith(t, src, mem, nil); err != nil {
			t.Fatal(err)
		}
		store := &spill.Store{Dir: t.TempDir()}
		stored := filepath.Join(t.TempDir(), "public")
		if err := writeWith(t, src, stored, store); err != nil {
			t.Fatal(err)
		}
		// The documents' Markdown and the HTML and text made from it.
		if store.Size() == 0 {
			t.Fatalf("%s: nothing was stored", src)
		}
		a, b := tree(t, mem), tree(t, stored)
		if len(a) != len(b) {
			t.Errorf("%s: %d files in memory, %d with stored bodies", src, len(a), len(b))
		}
		for name, data := range a {
			if !bytes.Equal(data, b[name]) {
				t.Errorf("%s: %s differs with stored bodies (%d vs %d bytes)", src, name, len(data), len(b[name]))
			}
		}
	}
}

// TestUnreadableBodiesFailTheBuild: a body that cannot be read back from
// its file (here, the file closed under the build) fails the build, which
// leaves the previous output as it was, rather than publishing pages
// without their text.
func TestUnreadableBodiesFailTheBuild(t *testing.T) {
	src := filepath.Join(sitetest.RepoRoot(t), "testdata", "small")
	out := filepath.Join(t.TempDir(), "public")
	if err := writeWith(t, src, out, nil); err != nil {
		t.Fatal(err)
	}
	before := tree(t, out)

	root, err := os.OpenRoot(src)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	store := &spill.Store{Dir: t.TempDir()}
	prep, errs := build.Prepare(context.Background(), build.Config{Source: root.FS(), Bodies: store})
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	store.Close()
	_, _, err = prep.Write(out, false)
	if err == nil || !strings.Contains(err.Error(), "temporary file") {
		t.Fatalf("Write with unreadable bodies: %v, want an error naming the temporary file", err)
	}
	after := tree(t, out)
	if len(after) != len(before) {
		t.Fatalf("the failed build changed the output: %d files, %d before", len(after), len(before))
	}
	for name, data := range before {
		if !bytes.Equal(data, after[name]) {
			t.Errorf("the failed build changed %s", name)
		}
	}
}

// TestLargePublicationsStoreTheirBodies: a publication larger than
// BodiesInMemory (here 300 copies of CBP, 17 MB) keeps its bodies in a
// temporary file, which it leaves nowhere.
func TestLargePublicationsStoreTheirBodies(t *testing.T) {
	if testing.Short() {
		t.Skip("makes a 17 MB publication")
	}
	repo, err := os.OpenRoot(sitetest.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	pub := filepath.Join(t.TempDir(), "pub")
	if _, err := scale.Dir(context.Background(), repo.FS(), 300, pub); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(pub)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	prep, errs := build.Prepare(context.Background(), build.Config{Source: root.FS()})
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	if prep.Plan.Bodies == nil || prep.Plan.Bodies.Size() < build.BodiesInMemory {
		t.Fatalf("a publication over %d bytes keeps its bodies in memory (%p, %d bytes stored)", build.BodiesInMemory, prep.Plan.Bodies, prep.Plan.Bodies.Size())
	}
	o := prep.Plan.Objectives[len(prep.Plan.Objectives)-1]
	if !strings.Contains(string(o.Narrative.HTML()), "<p>") || o.Narrative.Text() == "" {
		t.Errorf("objective %s reads back as %q", o.Number, o.Narrative.HTML())
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the build left %d files in TMPDIR", len(left))
	}
}

// TestSmallPublicationsKeepTheirBodies: only a publication larger than
// BodiesInMemory keeps its bodies in a file.
func TestSmallPublicationsKeepTheirBodies(t *testing.T) {
	root, err := os.OpenRoot(sitetest.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	prep, errs := build.Prepare(context.Background(), build.Config{Source: root.FS()})
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	if prep.Plan.Bodies != nil {
		t.Errorf("the CBP publication (far under %d bytes) keeps its bodies in a file", build.BodiesInMemory)
	}
}
