package render

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"html/template"
	"runtime"
	"strings"
	"sync"
	"text/template/parse"

	"github.com/stratpub/stratpub/internal/tmplexec"
)

// The default templates are shipped escaped: html/template's escaping of
// a theme (parsing it, then following every template through the HTML
// contexts of its text) took about 3 ms of every process, a fifth of a
// build of the CBP publication. escaped.tmpl holds what it gives for the
// default templates (tmplexec.Escaped), with a digest of the templates and
// of the Go release that escaped them. A theme whose templates have that
// digest is compiled from escaped.tmpl; any other theme, and the default
// one under another Go release (whose html/template may escape otherwise),
// is escaped as it loads. html/template parses the templates only when
// something needs it: a template that fails, to say why.
//
// After a change to templates/, run go generate ./internal/render; until
// then the default theme is escaped as it loads, and TestShippedTheme
// fails.
//
//go:generate go test -run ^TestShippedTheme$ -update .

//go:embed escaped.tmpl
var shipped string

// shippedHeader is the first line of escaped.tmpl for templates whose
// digest is sum, escaped by the Go release running.
func shippedHeader(sum string) string {
	return "{{/* stratpub: the default templates, escaped by html/template of " + runtime.Version() + "; digest " + sum + " */}}\n"
}

// shippedRelease returns the Go release that wrote escaped.tmpl.
func shippedRelease() string {
	_, rest, _ := strings.Cut(shipped, "escaped by html/template of ")
	release, _, _ := strings.Cut(rest, ";")
	return release
}

// digest identifies the templates of src as the Go release running
// escapes them.
func digest(src *themeSource) string {
	h := sha256.New()
	write := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	write("escaped templates 1")
	write(runtime.Version())
	write(src.base)
	for _, list := range [][]namedText{src.partials, src.pages} {
		write("")
		for _, t := range list {
			write(t.name)
			write(t.text)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// shippedTemplates returns the templates of src compiled from
// escaped.tmpl, or nil when they are not the templates it holds.
func shippedTemplates(src *themeSource) *templates {
	header := shippedHeader(digest(src))
	if !strings.HasPrefix(shipped, header) {
		return nil
	}
	trees, err := tmplexec.ParseEscaped(shipped[len(header):])
	if err != nil {
		return nil
	}
	tree := func(name string) *parse.Tree { return trees[name] }
	t := &templates{shipped: true}
	t.html = sync.OnceValue(func() *template.Template {
		p, errs := parseTemplates(src)
		if len(errs) > 0 {
			return template.Must(template.New("base.html").Parse(""))
		}
		return p.html()
	})
	t.compile(tree, t.html)
	if t.fast == nil {
		return nil
	}
	return t
}

// shippedText returns what escaped.tmpl holds for the templates of src.
func shippedText(src *themeSource) (string, error) {
	t, errs := parseTemplates(src)
	if len(errs) > 0 {
		return "", errs.Err()
	}
	t.escape()
	set := t.html()
	text, err := tmplexec.Escaped(set, compiled(lookup(set))...)
	if err != nil {
		return "", err
	}
	return shippedHeader(digest(src)) + text, nil
}
