package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/sitetest"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestUsageAndHelp(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		out  string // in stdout or stderr
	}{
		{nil, 2, "Usage:"},
		{[]string{"help"}, 0, "stratpub build"},
		{[]string{"-h"}, 0, "stratpub check"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"build", "-h"}, 0, "--base-url"},
		{[]string{"check", "-h"}, 0, "--source"},
		{[]string{"version", "-h"}, 0, "Usage: stratpub version"},
		{[]string{"build", "--nope"}, 2, "flag provided but not defined"},
		{[]string{"build", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"version"}, 0, "stratpub "},
	} {
		code, o, e := runCmd(c.args...)
		if code != c.code || !strings.Contains(o+e, c.out) {
			t.Errorf("stratpub %v: exit %d, output %q; want exit %d containing %q", c.args, code, o+e, c.code, c.out)
		}
	}
	// Every verb answers -h.
	for _, c := range commands() {
		if code, _, e := runCmd(c.name, "-h"); code != 0 || !strings.Contains(e, "Usage: stratpub "+c.name) {
			t.Errorf("stratpub %s -h: exit %d, %q", c.name, code, e)
		}
	}
}

func TestBuildSummaryAndFailedBuildKeepsOutput(t *testing.T) {
	src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	out := filepath.Join(t.TempDir(), "site")
	code, o, e := runCmd("build", "--source", src, "--out", out)
	if code != 0 {
		t.Fatalf("build: exit %d: %s", code, e)
	}
	if !regexp.MustCompile(`^built \d+ pages, \d+ files in \d+ ms → .+\n$`).MatchString(o) {
		t.Errorf("summary line = %q", o)
	}
	before := treeBytes(t, out)

	// Break one file: the build fails with positions, and the output is untouched.
	obj := filepath.Join(src, "content", "goal-1", "1.2-beta.md")
	orig, _ := os.ReadFile(obj)
	if err := os.WriteFile(obj, bytes.Replace(orig, []byte("ref:objective-1.1"), []byte("ref:objective-1.7"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, e = runCmd("build", "--source", src, "--out", out)
	if code != 1 {
		t.Fatalf("broken build: exit %d, want 1", code)
	}
	if !strings.Contains(e, `content/goal-1/1.2-beta.md:`) || !strings.Contains(e, `unknown reference "ref:objective-1.7"`) {
		t.Errorf("error output lacks position or message:\n%s", e)
	}
	if after := treeBytes(t, out); after != before {
		t.Error("a failed build changed the output folder")
	}

	// check writes nothing and reports the same error.
	code, _, e = runCmd("check", "--source", src)
	if code != 1 || !strings.Contains(e, "objective-1.7") {
		t.Errorf("check: exit %d, %q", code, e)
	}

	// Fixed again: no stale file survives a rebuild.
	os.WriteFile(obj, orig, 0o644)
	stale := filepath.Join(out, "stale.html")
	os.WriteFile(stale, []byte("old"), 0o644)
	if code, _, e = runCmd("build", "--source", src, "--out", out); code != 0 {
		t.Fatalf("rebuild: %s", e)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("a file from before the build survived it")
	}
}

func TestBuildRefusesForeignFolder(t *testing.T) {
	src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "precious.txt"), []byte("mine"), 0o644)
	code, _, e := runCmd("build", "--source", src, "--out", out)
	if code != 1 || !strings.Contains(e, "did not write") {
		t.Errorf("build into a foreign folder: exit %d, %q", code, e)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "precious.txt")); string(b) != "mine" {
		t.Error("foreign file was touched")
	}
	if code, _, e = runCmd("build", "--source", src, "--out", out, "--force"); code != 0 {
		t.Errorf("--force: exit %d, %s", code, e)
	}
	if code, _, e = runCmd("build", "--source", src, "--out", src); code != 1 || !strings.Contains(e, "publication folder") {
		t.Errorf("--out equal to source: exit %d, %q", code, e)
	}
}

func treeBytes(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel + "\n")
		if !d.IsDir() {
			data, _ := os.ReadFile(p)
			b.Write(data)
		}
		return nil
	})
	return b.String()
}

// TestBuildDefaults runs build with no flags in the publication's folder,
// as the README does: the site goes to ./public.
func TestBuildDefaults(t *testing.T) {
	src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	t.Chdir(src)
	for range 2 { // the second build replaces the first
		if code, _, e := runCmd("build"); code != 0 {
			t.Fatalf("build: exit %d: %s", code, e)
		}
	}
	if _, err := os.Stat(filepath.Join(src, "public", "objectives", "1.1", "index.html")); err != nil {
		t.Fatal(err)
	}
	if code, _, e := runCmd("build", "--out", "site"); code != 0 {
		t.Fatalf("build --out site: exit %d: %s", code, e)
	}
	if _, err := os.Stat(filepath.Join(src, "site", "index.html")); err != nil {
		t.Fatal(err)
	}
}

// TestBuildNotesUncompiledTheme checks that a build whose theme the
// compiled templates refuse succeeds, and says where and why it is slower;
// and that a build with the default theme says nothing.
func TestBuildNotesUncompiledTheme(t *testing.T) {
	src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	code, _, e := runCmd("build", "--source", src, "--out", filepath.Join(t.TempDir(), "site"))
	if code != 0 || e != "" {
		t.Fatalf("default theme: exit %d, stderr %q", code, e)
	}
	footer, err := os.ReadFile(filepath.Join(sitetest.RepoRoot(t), "templates", "partials", "footer.html"))
	if err != nil {
		t.Fatal(err)
	}
	footer = bytes.Replace(footer, []byte("<div class=\"wrap\">"), []byte("<div class=\"wrap\">{{if false}}{{call .Rel \"x\"}}{{end}}"), 1)
	if err := os.MkdirAll(filepath.Join(src, "templates", "partials"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "templates", "partials", "footer.html"), footer, 0o644); err != nil {
		t.Fatal(err)
	}
	code, o, e := runCmd("build", "--source", src, "--out", filepath.Join(t.TempDir(), "site"))
	if code != 0 || !strings.HasPrefix(o, "built ") {
		t.Fatalf("theme with call: exit %d, %q, %q", code, o, e)
	}
	want := "templates/partials/footer.html:3:33: note: the function call is not supported by the compiled templates\n\thint: "
	if !strings.HasPrefix(e, want) {
		t.Errorf("stderr %q, want it to start %q", e, want)
	}
}
