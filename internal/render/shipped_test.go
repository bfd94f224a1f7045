package render

import (
	"bytes"
	"flag"
	"go/format"
	"os"
	"runtime"
	"strings"
	"testing"

	stratpub "github.com/stratpub/stratpub"
	"github.com/stratpub/stratpub/internal/tmplexec"
)

var update = flag.Bool("update", false, "write escaped_gen.go from the default templates")

// TestShippedTheme checks that escaped_gen.go holds the default templates
// as html/template escapes them (go generate ./internal/render writes it),
// tree for tree, and that the default theme loads from it.
func TestShippedTheme(t *testing.T) {
	if r := shippedRelease; r != runtime.Version() && !*update {
		t.Skipf("escaped_gen.go was written by %s, and this is %s: the default templates are escaped as they load (run go generate ./internal/render to ship them for this release)", r, runtime.Version())
	}
	src, errs := readTemplates(stratpub.Theme)
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	text, err := shippedSource(src)
	if err != nil {
		t.Fatal(err)
	}
	formatted, err := format.Source([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("escaped_gen.go", formatted, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if onDisk, err := os.ReadFile("escaped_gen.go"); err != nil || !bytes.Equal(onDisk, formatted) {
		t.Fatal("escaped_gen.go is not the default templates as html/template escapes them: run go generate ./internal/render")
	}
	// The trees compiled in are the ones html/template escapes.
	tmpl, errs := parseTemplates(src)
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	tmpl.escape()
	want, err := tmplexec.Escaped(tmpl.html(), compiled(lookup(tmpl.html()))...)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != len(shippedTrees) {
		t.Errorf("%d trees shipped, html/template escapes %d", len(shippedTrees), len(want))
	}
	for _, e := range shippedTrees {
		if w := want[e.Name]; w == nil || e.Tree.Root.String() != w.Root.String() {
			t.Errorf("shipped tree %q is not html/template's", e.Name)
		}
	}
	th, errs := LoadTheme(stratpub.Theme)
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	if !th.tmpl.shipped {
		t.Error("the default theme was escaped as it loaded, not compiled from escaped_gen.go")
	}
}

// TestShippedThemeOnlyForItsTemplates checks that a theme whose templates
// differ from the default ones by a byte is escaped as it loads.
func TestShippedThemeOnlyForItsTemplates(t *testing.T) {
	if r := shippedRelease; r != runtime.Version() {
		t.Skipf("escaped_gen.go was written by %s, and this is %s", r, runtime.Version())
	}
	src, errs := readTemplates(stratpub.Theme)
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	if shippedTemplates(src) == nil {
		t.Fatal("the default templates are not shipped")
	}
	for i := range src.pages {
		changed := *src
		changed.pages = append([]namedText(nil), src.pages...)
		changed.pages[i].text = strings.Replace(changed.pages[i].text, "</", " </", 1)
		if shippedTemplates(&changed) != nil {
			t.Errorf("%s changed, and still compiled from escaped_gen.go", changed.pages[i].name)
		}
	}
	changed := *src
	changed.base += " "
	if shippedTemplates(&changed) != nil {
		t.Error("base.html changed, and still compiled from escaped_gen.go")
	}
}
