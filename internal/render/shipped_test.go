package render

import (
	"flag"
	"os"
	"runtime"
	"strings"
	"testing"

	stratpub "github.com/stratpub/stratpub"
)

var update = flag.Bool("update", false, "write escaped.tmpl from the default templates")

// TestShippedTheme checks that escaped.tmpl is the default templates as
// html/template escapes them (go generate ./internal/render writes it),
// and that the default theme loads from it.
func TestShippedTheme(t *testing.T) {
	if r := shippedRelease(); r != runtime.Version() && !*update {
		t.Skipf("escaped.tmpl was written by %s, and this is %s: the default templates are escaped as they load (run go generate ./internal/render to ship them for this release)", r, runtime.Version())
	}
	src, errs := readTemplates(stratpub.Theme)
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	text, err := shippedText(src)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("escaped.tmpl", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if shipped != text {
		t.Fatal("escaped.tmpl is not the default templates as html/template escapes them: run go generate ./internal/render")
	}
	th, errs := LoadTheme(stratpub.Theme)
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	if !th.tmpl.shipped {
		t.Error("the default theme was escaped as it loaded, not compiled from escaped.tmpl")
	}
}

// TestShippedThemeOnlyForItsTemplates checks that a theme whose templates
// differ from the default ones by a byte is escaped as it loads.
func TestShippedThemeOnlyForItsTemplates(t *testing.T) {
	if r := shippedRelease(); r != runtime.Version() {
		t.Skipf("escaped.tmpl was written by %s, and this is %s", r, runtime.Version())
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
			t.Errorf("%s changed, and still compiled from escaped.tmpl", changed.pages[i].name)
		}
	}
	changed := *src
	changed.base += " "
	if shippedTemplates(&changed) != nil {
		t.Error("base.html changed, and still compiled from escaped.tmpl")
	}
}
