package build_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/scale"
	"github.com/stratpub/stratpub/internal/sitetest"
)

// TestChromeSharedLikePerPage checks that rendering the head links, header
// and footer once per group of pages ({{.Chrome "header"}}) gives every
// page the bytes it gets when each page renders them itself ({{template
// "header" .}}). The publication has more goals than the main navigation
// lists, so the header differs from goal to goal (while the head and
// footer are shared by all goals), and a base URL, so assets carry
// integrity values.
func TestChromeSharedLikePerPage(t *testing.T) {
	repo, err := os.OpenRoot(sitetest.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	shared := filepath.Join(t.TempDir(), "pub")
	if _, err := scale.Dir(context.Background(), repo.FS(), 3, shared); err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile(filepath.Join(sitetest.RepoRoot(t), "templates", "base.html"))
	if err != nil {
		t.Fatal(err)
	}
	perPage := strings.NewReplacer(`{{.Chrome "head"}}`, `{{template "head" .}}`,
		`{{.Chrome "header"}}`, `{{template "header" .}}`, `{{.Chrome "footer"}}`, `{{template "footer" .}}`).Replace(string(base))
	if strings.Contains(perPage, ".Chrome") {
		t.Fatal("base.html calls a chrome part this test does not replace")
	}
	if perPage == string(base) {
		t.Fatal("base.html does not call .Chrome")
	}
	own := sitetest.Copy(t, shared)
	writeFile(t, filepath.Join(own, "templates", "base.html"), perPage)

	for _, cfg := range []string{"", "base_url: https://example.org/plan/\n"} {
		for _, dir := range []string{shared, own} {
			name := filepath.Join(dir, "stratpub.yaml")
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if cfg != "" {
				writeFile(t, name, string(b)+cfg)
			}
		}
		a, _ := sitetest.Build(t, shared)
		b, _ := sitetest.Build(t, own)
		ta, tb := tree(t, a), tree(t, b)
		if len(ta) != len(tb) || len(ta) < 60 {
			t.Fatalf("%d files shared, %d per page", len(ta), len(tb))
		}
		for p, data := range tb {
			if string(ta[p]) != string(data) {
				t.Errorf("%q: %s differs from the page rendering its own header and footer", cfg, p)
			}
		}
	}
}

// TestChromeErrors checks the two mistakes a theme can make with .Chrome:
// naming a part that is not one, and using in a part a field only the page
// has. Both stop the build at the template's line.
func TestChromeErrors(t *testing.T) {
	base, err := os.ReadFile(filepath.Join(sitetest.RepoRoot(t), "templates", "base.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, text, want string }{
		{"base.html", strings.Replace(string(base), `{{.Chrome "footer"}}`, `{{.Chrome "nav"}}`, 1),
			fmt.Sprintf("templates/base.html:%d:3: template:", 1+strings.Count(string(base[:strings.Index(string(base), `{{.Chrome "footer"}}`)]), "\n")) + ` executing "base.html" at <.Chrome>: error calling Chrome: Chrome "nav": the parts are head, header, footer`},
		{"partials/header.html", "{{define \"header\"}}\n<header>{{.Title}}</header>\n{{end}}",
			`templates/partials/header.html:2:11: template: executing "header" at <.Title>: can't evaluate field Title in type *render.Chrome (rendering 404.html) | a header or footer sees only`},
	} {
		src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
		writeFile(t, filepath.Join(src, "templates", tc.file), tc.text)
		errs := buildErrors(t, src)
		if len(errs) == 0 || !strings.HasPrefix(errs[0], tc.want) {
			t.Errorf("%s: errors %q, want one starting %q", tc.file, errs, tc.want)
		}
	}
}
