package render_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/render"
	"github.com/stratpub/stratpub/internal/scale"
	"github.com/stratpub/stratpub/internal/sitetest"
)

// TestCompiledLikeHTMLTemplate builds publications as stratpub does, with
// the theme's templates compiled (internal/tmplexec), and again through
// html/template alone, and compares every file of the two sites.
func TestCompiledLikeHTMLTemplate(t *testing.T) {
	repo := sitetest.RepoRoot(t)
	scaled := t.TempDir()
	if _, err := scale.Dir(context.Background(), os.DirFS(repo), 3, scaled); err != nil {
		t.Fatal(err)
	}
	// A theme the compiled execution refuses (call) runs through
	// html/template, and builds the same site.
	refused := t.TempDir()
	if err := os.CopyFS(refused, os.DirFS(filepath.Join(repo, "testdata", "small"))); err != nil {
		t.Fatal(err)
	}
	footer, err := os.ReadFile(filepath.Join(repo, "templates", "partials", "footer.html"))
	if err != nil {
		t.Fatal(err)
	}
	footer = bytes.Replace(footer, []byte(`<footer class="site-footer">`), []byte(`<footer class="site-footer">{{if false}}{{call .Rel "x"}}{{end}}`), 1)
	if err := os.MkdirAll(filepath.Join(refused, "templates", "partials"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(refused, "templates", "partials", "footer.html"), footer, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, dir, base string
		compiled        bool
	}{
		{"CBP", repo, "", true},
		{"CBP with a base URL", repo, baseURL, true},
		{"testdata/small", filepath.Join(repo, "testdata", "small"), "", true},
		{"N=3", scaled, "", true},
		{"a theme with call", refused, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			render.Interpretations()
			files, prep := buildDir(t, c.dir, c.base)
			err := prep.Renderer.Interpreted()
			if (err == nil) != c.compiled {
				t.Fatalf("Interpreted() = %v; want compiled %v", err, c.compiled)
			}
			if n := render.Interpretations(); (n == 0) != c.compiled {
				t.Fatalf("%d executions through html/template; want compiled %v", n, c.compiled)
			}
			// The refused theme is refused at its call, with its position.
			if want := "templates/partials/footer.html:2:"; !c.compiled && !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Interpreted() %q, want an error at %s", err, want)
			} else if !c.compiled {
				t.Logf("Interpreted(): %v", err)
			}
			render.Interpret(t)
			want, _ := buildDir(t, c.dir, c.base)
			if render.Interpretations() == 0 {
				t.Fatal("Interpret: no execution went through html/template")
			}
			for _, d := range diffFiles(files, want) {
				t.Error(d)
			}
			if len(files) < 20 {
				t.Fatalf("only %d files", len(files))
			}
		})
	}
}

// TestDiffFilesCanFail is diffFiles' negative control.
func TestDiffFilesCanFail(t *testing.T) {
	a := map[string][]byte{"index.html": []byte("<p>a</p>"), "x.html": nil}
	b := map[string][]byte{"index.html": []byte("<p>b</p>"), "y.html": nil}
	if d := diffFiles(a, a); len(d) != 0 {
		t.Fatal(d)
	}
	if d := diffFiles(a, b); len(d) != 3 {
		t.Errorf("%d differences, want 3: %q", len(d), d)
	}
}

// diffFiles describes how the sites got and want differ.
func diffFiles(got, want map[string][]byte) []string {
	var out []string
	for p, g := range got {
		w, ok := want[p]
		switch {
		case !ok:
			out = append(out, p+": not in the other site")
		case !bytes.Equal(g, w):
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			lo := max(0, i-80)
			out = append(out, p+": differs at byte "+strconv.Itoa(i)+": "+string(g[lo:min(len(g), i+80)])+"\n  html/template: "+string(w[lo:min(len(w), i+80)]))
		}
	}
	for p := range want {
		if _, ok := got[p]; !ok {
			out = append(out, p+": missing")
		}
	}
	sort.Strings(out)
	return out
}
