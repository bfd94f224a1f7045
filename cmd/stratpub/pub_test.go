package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/sitetest"
)

// pub is a copy of a fixture publication in a temporary folder, with an
// output folder beside it.
type pub struct {
	t   *testing.T
	dir string // the publication
	out string // the output folder
}

// newPub copies testdata/NAME of the repository into a temporary folder.
func newPub(t *testing.T, name string) *pub {
	t.Helper()
	base := t.TempDir()
	p := &pub{t: t, dir: filepath.Join(base, "pub"), out: filepath.Join(base, "public")}
	copyTree(t, filepath.Join(sitetest.RepoRoot(t), "testdata", name), p.dir)
	return p
}

func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (p *pub) path(name string) string { return filepath.Join(p.dir, filepath.FromSlash(name)) }

// write creates or replaces a file of the publication.
func (p *pub) write(name, s string) {
	p.t.Helper()
	if err := os.MkdirAll(filepath.Dir(p.path(name)), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(p.path(name), []byte(s), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *pub) read(name string) string {
	p.t.Helper()
	b, err := os.ReadFile(p.path(name))
	if err != nil {
		p.t.Fatal(err)
	}
	return string(b)
}

// replace replaces the first old in a file by new; old must be there.
func (p *pub) replace(name, old, new string) {
	p.t.Helper()
	s := p.read(name)
	if !strings.Contains(s, old) {
		p.t.Fatalf("%s does not contain %q", name, old)
	}
	p.write(name, strings.Replace(s, old, new, 1))
}

func (p *pub) appendTo(name, s string) { p.write(name, p.read(name)+s) }

func (p *pub) remove(name string) {
	p.t.Helper()
	if err := os.RemoveAll(p.path(name)); err != nil {
		p.t.Fatal(err)
	}
}

// snapshot records a folder exactly: every entry's type and mode, every
// regular file's bytes and every link's target. Special files are recorded
// by type and never opened.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	if _, err := os.Lstat(dir); err != nil {
		out["."] = "absent"
		return out
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[key] = "link " + l
		case d.IsDir():
			out[key] = "dir " + info.Mode().String()
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				out[key] = "unreadable " + info.Mode().String()
				return nil
			}
			out[key] = info.Mode().String() + " " + string(b)
		default:
			out[key] = "special " + info.Mode().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// diffSnapshots describes how two snapshots differ, or returns "".
func diffSnapshots(a, b map[string]string) string {
	var d []string
	for k, v := range a {
		w, ok := b[k]
		switch {
		case !ok:
			d = append(d, "removed "+k)
		case v != w:
			d = append(d, "changed "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			d = append(d, "added "+k)
		}
	}
	return strings.Join(d, ", ")
}

// runCLI runs the command line in this process.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

// buildBinary builds stratpub into a temporary folder of t and returns its
// path.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "stratpub")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBinary runs the built binary as a real process.
func runBinary(t testing.TB, bin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), o.String(), e.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, o.String(), e.String()
}

// TestSnapshotDetects is the negative control of snapshot and
// diffSnapshots, on which the catalogue and the fault tests rely: a changed
// byte, a changed mode, a removed file and an added file are each seen.
func TestSnapshotDetects(t *testing.T) {
	dir := t.TempDir()
	mk := func() {
		_ = os.RemoveAll(dir)
		for name, s := range map[string]string{"a.html": "<p>a</p>", "d/b.html": "<p>b</p>"} {
			p := filepath.Join(dir, name)
			_ = os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk()
	before := snapshot(t, dir)
	for name, change := range map[string]func(){
		"byte":   func() { _ = os.WriteFile(filepath.Join(dir, "a.html"), []byte("<p>A</p>"), 0o644) },
		"mode":   func() { _ = os.Chmod(filepath.Join(dir, "a.html"), 0o600) },
		"remove": func() { _ = os.Remove(filepath.Join(dir, "d/b.html")) },
		"add":    func() { _ = os.WriteFile(filepath.Join(dir, "c.html"), nil, 0o644) },
		"gone":   func() { _ = os.RemoveAll(dir) },
	} {
		mk()
		change()
		if diffSnapshots(before, snapshot(t, dir)) == "" {
			t.Errorf("%s: not seen", name)
		}
	}
	mk()
	if d := diffSnapshots(before, snapshot(t, dir)); d != "" {
		t.Errorf("the same tree differs: %s", d)
	}
}
