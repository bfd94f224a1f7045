package resolve

import (
	"strconv"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/plan"
)

// project returns a small publication whose objective 1.2 has body as its
// Markdown body and activity as its second key activity.
func project(t *testing.T, body, activity string, raw bool) *load.Project {
	t.Helper()
	parse := func(name, src string) *load.Doc {
		d, e := load.Parse(name, []byte(src))
		if e != nil {
			t.Fatalf("%s: %v", name, e)
		}
		return d
	}
	cfg := &load.Doc{Path: load.ConfigFile}
	c := parse("x", "---\ntitle: T\norganization: O\nperiod: P\nlanguage: en\npublication_date: 2020-01-02\nallow_raw_html: "+strconv.FormatBool(raw)+"\npriorities:\n  - id: safety\n    title: Safety\n---\n")
	cfg.Src, cfg.Meta = c.Src[4:], c.Meta
	docs := []*load.Doc{
		parse("content/g1.md", "---\ntype: goal\nnumber: 1\nname: ONE\nstatement: S\n---\nSee [](ref:objective-1.1).\n"),
		parse("content/o11.md", "---\ntype: objective\nnumber: \"1.1\"\ntitle: A\nstatement: S\noutcomes: [O]\nactivities: [A]\n---\nAlpha [](ref:activity-1.2.1).[^1]\n\n[^1]: Note [](ref:goal-1).\n"),
		parse("content/s.md", "---\ntype: section\nid: foreword\ntitle: F\nmatter: front\norder: 1\n---\nText.\n"),
	}
	src := "---\ntype: objective\nnumber: \"1.2\"\ntitle: B\nstatement: S\noutcomes: [O]\nactivities:\n  - A\n  - " + strconv.Quote(activity) + "\n---\n" + body
	d, e := load.Parse("content/o12.md", []byte(src))
	if e != nil {
		// The activity did not survive YAML quoting: keep the body alone.
		d, e = load.Parse("content/o12.md", []byte("---\ntype: objective\nnumber: \"1.2\"\ntitle: B\nstatement: S\noutcomes: [O]\nactivities: [A, B]\n---\n"+body))
		if e != nil {
			t.Skip("load refuses the body:", e) // FuzzFrontMatter covers load
		}
	}
	return &load.Project{Config: cfg, Docs: append(docs, d)}
}

// FuzzResolveRefs resolves arbitrary Markdown, in a body and in a key
// activity, with raw HTML allowed or not. Resolution must return, every
// problem must name a file, and an accepted plan must link only to parts
// of the site or to safe URLs, with no script, no event handler and no
// unresolved ref: left in its HTML.
// Seeds: testdata/fuzz/FuzzResolveRefs and the cases below.
func FuzzResolveRefs(f *testing.F) {
	for _, s := range []string{
		"See [](ref:objective-1.1) and [x](ref:outcome-1.1.1).",
		"[](ref:objective-1.2)",
		"[x](ref:nope) [y](ref:) [z](ref:objective-1.1#frag)",
		"[a](javascript:alert(1)) <javascript:alert(1)> [b](&#106;avascript:x)",
		"<script>alert(1)</script><img src=x onerror=alert(1)>",
		"> > > > > > > > > > deep",
		"Note.[^1]\n\n[^1]: [](ref:goal-1) [x](data:text/html,x)",
		"## Heading\n\n#### Skipped\n\n| a |\n|---|\n| b |",
		"![alt](images/x.png) ![](site:x)",
	} {
		f.Add(s, s, false)
		f.Add(s, s, true)
	}
	f.Fuzz(func(t *testing.T, body, activity string, raw bool) {
		p, errs := Plan(project(t, body, activity, raw), Options{})
		for _, e := range errs {
			if e.Pos.File == "" || e.Msg == "" {
				t.Fatalf("problem without a file or a message: %#v", e)
			}
		}
		if p == nil {
			if len(errs) == 0 {
				t.Fatal("no plan and no error")
			}
			return
		}
		for _, o := range p.Objectives {
			check(t, string(o.Narrative.HTML()))
			for _, fn := range o.Narrative.Footnotes {
				check(t, string(fn.HTML))
			}
			for _, it := range append(append([]*plan.Item{}, o.Outcomes...), o.Activities...) {
				check(t, string(it.HTML))
			}
		}
	})
}

// check fails t when rendered HTML is unsafe.
func check(t *testing.T, h string) {
	t.Helper()
	if why := unsafeHTML(h); why != "" {
		t.Fatalf("%s in %q", why, h)
	}
}

// unsafeHTML says what in rendered HTML could run, or is an unresolved
// reference; "" when nothing.
func unsafeHTML(h string) string {
	nodes, err := xhtml.ParseFragment(strings.NewReader(h), &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return err.Error()
	}
	var walk func(n *xhtml.Node) string
	walk = func(n *xhtml.Node) string {
		if n.Type == xhtml.ElementNode {
			switch n.Data {
			case "script", "iframe", "object", "embed", "style", "svg", "math", "form", "meta", "base", "link":
				return "<" + n.Data + ">"
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				if strings.HasPrefix(k, "on") || k == "style" || k == "srcdoc" || k == "formaction" {
					return "attribute " + a.Key
				}
				if k == "href" || k == "src" || k == "action" {
					v, site := strings.CutPrefix(a.Val, markdown.SitePrefix)
					if strings.HasPrefix(a.Val, "ref:") || (!site && !markdown.SafeURL(a.Val)) || (site && v != "" && !load.Clean(strings.SplitN(v, "#", 2)[0])) {
						return a.Key + "=" + strconv.Quote(a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if why := walk(c); why != "" {
				return why
			}
		}
		return ""
	}
	for _, n := range nodes {
		if why := walk(n); why != "" {
			return why
		}
	}
	return ""
}

// TestResolveRefsChecker is the negative control of unsafeHTML: it must
// reject each of these, and accept what the generator writes.
func TestResolveRefsChecker(t *testing.T) {
	for _, h := range []string{
		`<a href="javascript:alert(1)">x</a>`, `<a href="ref:goal-1">x</a>`, `<img src=x onerror=alert(1)>`,
		`<script>1</script>`, `<a href="site:../../etc/passwd">x</a>`, `<a href=" JAVA&#x09;SCRIPT:x">x</a>`,
	} {
		if unsafeHTML(h) == "" {
			t.Errorf("accepted %s", h)
		}
	}
	if why := unsafeHTML(`<a href="site:objectives/1.1/index.html#activity-1.1.1">x</a> <a href="https://example.org/">y</a>`); why != "" {
		t.Errorf("refused safe HTML: %s", why)
	}
}
