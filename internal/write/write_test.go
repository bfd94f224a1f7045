package write

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stratpub/stratpub/internal/render"
)

// tree reads every file under dir as path → contents.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func site(tag string, n int) []render.File {
	var fs []render.File
	for i := range n {
		fs = append(fs, render.File{Path: fmt.Sprintf("p%d/index.html", i), Data: []byte(tag + fmt.Sprint(i))})
	}
	return append(fs, render.File{Path: "only-" + tag + ".txt", Data: []byte(tag)})
}

func want(files []render.File) map[string]string {
	m := map[string]string{Marker: markerText}
	for _, f := range files {
		m[f.Path] = string(f.Data)
	}
	return m
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestDirReplaces checks that a second build replaces the first whole: no
// file of the earlier build survives, and no temporary folder is left.
func TestDirReplaces(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	a, b := site("a", 5), site("b", 3)
	if err := Dir(out, Files(a), Options{}); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, out); !same(got, want(a)) {
		t.Fatalf("first build: %v", got)
	}
	if err := Dir(out, Files(b), Options{}); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, out); !same(got, want(b)) {
		t.Fatalf("second build: %v", got)
	}
	es, _ := os.ReadDir(parent)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if strings.Join(names, " ") != ".public.lock public" {
		t.Errorf("beside the output: %v", names)
	}
}

// TestDirRemovesStale checks that temporary folders left by a killed build
// are removed by the next one, and nothing else is.
func TestDirRemovesStale(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	for _, d := range []string{".public.new-123", ".public.new-456.old", ".other.new-1", "keep"} {
		if err := os.MkdirAll(filepath.Join(parent, d, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := Dir(out, Files(site("a", 1)), Options{}); err != nil {
		t.Fatal(err)
	}
	for d, exists := range map[string]bool{".public.new-123": false, ".public.new-456.old": false, ".other.new-1": true, "keep": true} {
		if _, err := os.Stat(filepath.Join(parent, d)); (err == nil) != exists {
			t.Errorf("%s: exists=%v, want %v", d, err == nil, exists)
		}
	}
}

// TestOwned checks which folders may be replaced.
func TestOwned(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, files ...string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(p, f), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		out   string
		force bool
		want  string // "" for allowed
	}{
		{"missing", filepath.Join(dir, "nope"), false, ""},
		{"empty", mk("empty"), false, ""},
		{"ours", mk("ours", Marker, "index.html"), false, ""},
		{"foreign", mk("foreign", "thesis.docx"), false, "holds files stratpub did not write"},
		{"foreign forced", mk("foreign2", "thesis.docx"), true, ""},
		{"file", file, false, "is not a folder"},
		{"file forced", file, true, "is not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Owned(tt.out, tt.force)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
	// Dir refuses the same folder, leaving it untouched.
	foreign := mk("foreign3", "thesis.docx")
	if err := Dir(foreign, Files(site("a", 1)), Options{}); !errors.Is(err, ErrNotOurs) {
		t.Errorf("Dir into a foreign folder: %v", err)
	}
	if got := tree(t, foreign); len(got) != 1 || got["thesis.docx"] != "x" {
		t.Errorf("foreign folder changed: %v", got)
	}
}

// TestDirRefusesEscape checks that no file is written outside the output
// folder, whatever its path says, and that the old site stays.
func TestDirRefusesEscape(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	old := site("old", 2)
	if err := Dir(out, Files(old), Options{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../evil.html", "a/../../evil.html", "/../evil.html"} {
		files := append(site("new", 2), render.File{Path: p, Data: []byte("evil")})
		if err := Dir(out, Files(files), Options{}); err == nil {
			t.Errorf("%s: written", p)
		}
		if _, err := os.Stat(filepath.Join(parent, "evil.html")); err == nil {
			t.Fatalf("%s: a file was written outside the output folder", p)
		}
		if got := tree(t, out); !same(got, want(old)) {
			t.Errorf("%s: the old site changed: %v", p, got)
		}
	}
}

// TestDirConcurrent runs builds into one folder at once: each must finish
// and the folder must hold exactly one of the sites.
func TestDirConcurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	sites := [][]render.File{site("a", 40), site("b", 30), site("c", 20), site("d", 10)}
	var wg sync.WaitGroup
	errs := make([]error, len(sites))
	for i, s := range sites {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = Dir(out, Files(s), Options{})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("build %d: %v", i, err)
		}
	}
	got := tree(t, out)
	for _, s := range sites {
		if same(got, want(s)) {
			return
		}
	}
	var b bytes.Buffer
	for k := range got {
		b.WriteString(k + " ")
	}
	t.Errorf("the folder holds no single site: %s", b.String())
}

// ordered is a Source that records the order in which its files are asked
// for and names its last file as the slowest.
type ordered struct {
	paths []string
	mu    sync.Mutex
	asked []string
}

func (o *ordered) Paths() []string { return o.paths }
func (o *ordered) Slow() []string  { return []string{o.paths[len(o.paths)-1], "not/a/file.html"} }
func (o *ordered) File(p string) ([]byte, bool, error) {
	o.mu.Lock()
	o.asked = append(o.asked, p)
	o.mu.Unlock()
	return []byte(p), true, nil
}

// The slowest files are started first, whatever their place in path order;
// a name that is not a file of the site is ignored; every file is written.
func TestDirStartsSlowFilesFirst(t *testing.T) {
	src := &ordered{}
	for i := range 200 {
		src.paths = append(src.paths, fmt.Sprintf("p%03d/index.html", i))
	}
	order := writeOrder(src.paths, src)
	if len(order) != len(src.paths) || order[0] != len(src.paths)-1 || order[1] != 0 || order[len(order)-1] != len(src.paths)-2 {
		t.Fatalf("order %v…; want the last file first, then the others in path order", order[:3])
	}
	seen := map[int]bool{}
	for _, i := range order {
		seen[i] = true
	}
	if len(seen) != len(src.paths) {
		t.Fatalf("%d distinct files in the order; want %d", len(seen), len(src.paths))
	}
	// Without Slow, path order.
	if o := writeOrder(src.paths, Files(nil)); len(o) != len(src.paths) || o[0] != 0 {
		t.Errorf("a source that does not name slow files: order starts %v", o[:1])
	}
	out := filepath.Join(t.TempDir(), "public")
	if err := Dir(out, src, Options{}); err != nil {
		t.Fatal(err)
	}
	if len(src.asked) != len(src.paths) {
		t.Fatalf("asked for %d files; want %d", len(src.asked), len(src.paths))
	}
	last := src.paths[len(src.paths)-1]
	if b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(last))); err != nil || string(b) != last {
		t.Errorf("%s: %q, %v", last, b, err)
	}
}

// TestDirFolderFails checks that a folder the workers cannot make (a file
// is already at its path) fails the build and leaves the old site whole.
func TestDirFolderFails(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	old := site("old", 2)
	if err := Dir(out, Files(old), Options{}); err != nil {
		t.Fatal(err)
	}
	files := append(site("new", 40), render.File{Path: "p7", Data: []byte("a file where a folder goes")})
	err := Dir(out, Files(files), Options{})
	if err == nil || !strings.Contains(err.Error(), "p7") {
		t.Errorf("error %v, want one naming p7", err)
	}
	if got := tree(t, out); !same(got, want(old)) {
		t.Errorf("the old site changed: %v", got)
	}
}
