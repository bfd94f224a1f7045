package build

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	xhtml "golang.org/x/net/html"

	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/plan"
)

const fuzzConfig = "title: T\norganization: O\nperiod: P\nlanguage: en\npublication_date: 2020-01-02\n"

// FuzzBuild runs the whole load → resolve → render path on a publication
// whose configuration and one document are arbitrary. It must return
// (never panic); every problem must name a file; and a site that builds
// must have only clean paths and pages in which nothing can run.
// Seeds: testdata/fuzz/FuzzBuild and the cases below.
func FuzzBuild(f *testing.F) {
	for _, s := range [][2]string{
		{fuzzConfig, "---\ntype: section\nid: s\ntitle: S\nmatter: front\norder: 1\n---\nText [](ref:goal-1).\n"},
		{fuzzConfig + "allow_raw_html: true\n", "---\ntype: section\nid: s\ntitle: S\nmatter: back\norder: 1\n---\n<img src=x onerror=alert(1)><a href=\"jav&#x09;ascript:x\">x</a>\n"},
		{fuzzConfig, "---\ntype: objective\nnumber: \"1.1\"\ntitle: A\nstatement: S\noutcomes: [\"<script>x</script>\"]\nactivities: [\"[](ref:objective-1.1)\"]\n---\n"},
		{fuzzConfig + "base_url: \"https://x.example/\"\n", "---\ntype: section\nid: index\ntitle: S\nmatter: front\norder: 1\n---\n"},
		{"\xef\xbb\xbf" + strings.ReplaceAll(fuzzConfig, "\n", "\r\n"), "---\r\ntype: goal\r\nnumber: 2\r\nname: N\r\nstatement: S\r\n---\r\n"},
		{"title: [", "---\n"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, config, doc string) {
		fsys := fstest.MapFS{
			"stratpub.yaml":     {Data: []byte(config)},
			"content/goal.md":   {Data: []byte("---\ntype: goal\nnumber: 1\nname: ONE\nstatement: S\n---\nIntro.\n")},
			"content/fuzzed.md": {Data: []byte(doc)},
		}
		site, errs := Build(context.Background(), Config{Source: fsys})
		for _, e := range errs {
			if e.Pos.File == "" && !strings.Contains(e.Msg, "template") {
				t.Fatalf("problem without a file: %v", e)
			}
		}
		if site == nil {
			if len(errs) == 0 {
				t.Fatal("no site and no error")
			}
			return
		}
		for _, file := range site.Files {
			if !fs.ValidPath(file.Path) || strings.Contains(file.Path, "\\") {
				t.Fatalf("file path %q", file.Path)
			}
			if strings.HasSuffix(file.Path, ".html") {
				if why := unsafePage(file.Data, site.Plan.Pub.BaseURL); why != "" {
					t.Fatalf("%s: %s", file.Path, why)
				}
			}
		}
	})
}

// unsafePage says what in a built page could run, or "". Scripts must be
// the site's own, under assets/: by a relative address, or under the
// publication's base URL (the not-found page's links are absolute when
// there is one).
func unsafePage(page []byte, base string) string {
	doc, err := xhtml.Parse(strings.NewReader(string(page)))
	if err != nil {
		return err.Error()
	}
	var walk func(n *xhtml.Node) string
	walk = func(n *xhtml.Node) string {
		if n.Type == xhtml.ElementNode {
			switch n.Data {
			case "script":
				typ, src := "", ""
				for _, a := range n.Attr {
					switch a.Key {
					case "type":
						typ = a.Val
					case "src":
						src = a.Val
					}
				}
				if typ == "application/ld+json" {
					if n.FirstChild == nil || !json.Valid([]byte(n.FirstChild.Data)) {
						return "JSON-LD that is not JSON"
					}
				} else if !ownScript(src, base) && (!strings.Contains(src, "assets/") || strings.Contains(src, ":")) {
					return "script " + src
				}
			case "iframe", "object", "embed", "base", "svg", "math":
				return "<" + n.Data + ">"
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				if strings.HasPrefix(k, "on") || k == "srcdoc" || k == "formaction" {
					return n.Data + " " + k
				}
				if (k == "href" || k == "src" || k == "action") && !markdown.SafeURL(a.Val) {
					return n.Data + " " + k + "=" + a.Val
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
	return walk(doc)
}

// ownScript reports whether src is under assets/ of the base URL, compared
// as URLs (the page may escape characters the configuration did not).
func ownScript(src, base string) bool {
	if base == "" {
		return false
	}
	u, err := url.Parse(src)
	b, berr := url.Parse(base)
	return err == nil && berr == nil && u.Scheme == b.Scheme && u.Host == b.Host &&
		u.User == nil && strings.HasPrefix(u.Path, b.Path+"assets/")
}

// TestUnsafePage is the negative control of unsafePage.
func TestUnsafePage(t *testing.T) {
	for _, h := range []string{
		`<p onclick="x">`, `<a href="javascript:x">`, `<script>x</script>`, `<iframe src="a">`,
		`<script type="application/ld+json">{"a":</script>`, `<a href=" java&#9;script:x">`,
	} {
		if unsafePage([]byte(h), "") == "" {
			t.Errorf("accepted %s", h)
		}
	}
	if why := unsafePage([]byte(`<script src="assets/a.js"></script><a href="../b/">b</a><script type="application/ld+json">{"a":1}</script>`), ""); why != "" {
		t.Errorf("refused a clean page: %s", why)
	}
	// A script under the base URL is the site's own; under another, not.
	if why := unsafePage([]byte(`<script src="http://00/assets/a.js"></script>`), "http://00/"); why != "" {
		t.Errorf("refused the site's own script by its absolute address: %s", why)
	}
	if unsafePage([]byte(`<script src="https://evil.example/assets/a.js"></script>`), "http://00/") == "" {
		t.Error("accepted a script from another site")
	}
}

// FuzzPatch edits one document of testdata/small arbitrarily. When the
// preview's Patch takes the edit, the site it gives must be, file for
// file, the site a full build of the edited publication gives, and that
// build must succeed: Patch never takes an edit that reaches beyond the
// document or that has a problem to report.
// Seeds: the documents as they are, and a few edits.
func FuzzPatch(f *testing.F) {
	base, docs := smallFS(f)
	// Two images: one the foreword shows, one nothing shows. Either may
	// be changed or deleted, and a document may come to show or name
	// either.
	const shown, unshown = "images/shown.png", "images/unshown.png"
	base[shown] = &fstest.MapFile{Data: []byte("shown")}
	base[unshown] = &fstest.MapFile{Data: []byte("unshown")}
	const fw = "content/front/foreword.md"
	base[fw] = &fstest.MapFile{Data: bytes.Replace(base[fw].Data, []byte("## Background"), []byte("![A chart.]("+shown+")\n\n## Background"), 1)}
	if !bytes.Contains(base[fw].Data, []byte(shown)) {
		f.Fatal("the foreword has no heading to show an image before")
	}
	f.Add(uint8(slices.Index(docs, fw)), strings.Replace(string(base[fw].Data), shown, unshown, 1))
	f.Add(uint8(slices.Index(docs, "content/goal-1/1.2-beta.md")), string(base["content/goal-1/1.2-beta.md"].Data)+"\n![A photo.]("+unshown+")\n")
	docs = append(docs, shown, unshown)
	f.Add(uint8(len(docs)-2), "")
	f.Add(uint8(len(docs)-1), "")
	f.Add(uint8(len(docs)-1), "changed")
	// The configuration is edited too. The last three paths are new
	// documents' (an objective, a section, a goal); an empty text deletes
	// one.
	docs = append(docs, "stratpub.yaml", "content/goal-1/1.3-delta.md", "content/back/annex.md", "content/goal-3/goal.md")
	f.Add(uint8(len(docs)-3), delta)
	f.Add(uint8(len(docs)-3), strings.Replace(delta, "Delta follows", "Delta, see [](ref:activity-2.1.1), follows", 1))
	f.Add(uint8(len(docs)-2), annex)
	f.Add(uint8(len(docs)-2), strings.Replace(annex, "order: 99", "order: 1", 1))
	f.Add(uint8(len(docs)-1), goalThree)
	f.Add(uint8(len(docs)-1), strings.Replace(goalThree, "number: 3", "number: 4", 1))
	f.Add(uint8(len(docs)-1), strings.Replace(goalThree, "after [](ref:goal-2)", "after [](ref:goal-3)", 1))
	for i, d := range docs[:len(docs)-3] {
		if strings.HasPrefix(d, "images/") {
			continue
		}
		f.Add(uint8(i), "")
		src := string(base[d].Data)
		f.Add(uint8(i), src)
		f.Add(uint8(i), src+"\nOne more paragraph with *emphasis*.\n")
		f.Add(uint8(i), strings.Replace(src, "statement: \"", "statement: \"Now ", 1))
		f.Add(uint8(i), strings.Replace(src, "title: \"", "title: \"New ", 1))
		f.Add(uint8(i), strings.Replace(src, "name: \"", "name: \"NEW ", 1))
		f.Add(uint8(i), strings.Replace(src, "order: 10", "order: 30", 1))
		f.Add(uint8(i), strings.NewReplacer("matter: front", "matter: back", "matter: back", "matter: front").Replace(src))
	}
	config := string(base["stratpub.yaml"].Data)
	for _, r := range [][2]string{{"base_url: \"", "base_url: \"http://x.example/"}, {"language: en", "language: fr"},
		{"description: \"", "description: \"Now "}, {"vision: \"", "vision: \"New "}, {"id: safety", "id: safe"}} {
		f.Add(uint8(len(docs)-4), strings.Replace(config, r[0], r[1], 1))
	}
	ctx := context.Background()
	// Patch does not modify what it patches: one preparation serves every
	// edit (with a cache, so that it keeps its documents).
	prep := previewed(f, base)
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		path := docs[int(which)%len(docs)]
		edited := maps.Clone(base)
		edited[path] = &fstest.MapFile{Data: []byte(text)}
		if text == "" {
			delete(edited, path)
		}
		patched, ok := prep.Patch(ctx, Config{Source: edited, LazyData: true, Cache: &Cache{}}, []string{path})
		if !ok {
			// What the preview shows at once is what the full build
			// reports.
			quick := prep.Problems(Config{Source: edited}, []string{path})
			if len(quick) == 0 {
				return
			}
			_, full := Prepare(ctx, Config{Source: edited})
			reported := map[string]bool{}
			for _, e := range full {
				reported[e.Error()] = true
			}
			for _, e := range quick {
				if !reported[e.Error()] {
					t.Fatalf("Problems finds %q in %s, which the full build does not report:\n%v", e.Error(), path, full.Err())
				}
			}
			return
		}
		sameAsBuild(t, patched, edited, path)
	})
}

// smallFS returns testdata/small in memory, and the paths of its
// documents.
func smallFS(tb testing.TB) (fstest.MapFS, []string) {
	base := fstest.MapFS{}
	root := filepath.Join("..", "..", "testdata", "small")
	var docs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		base[rel] = &fstest.MapFile{Data: b}
		if strings.HasSuffix(rel, ".md") {
			docs = append(docs, rel)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return base, docs
}

// previewed prepares source as the preview does (with a cache, so that
// the result keeps its documents and can be patched), failing the test on
// a problem.
func previewed(tb testing.TB, source fs.FS) *Prepared {
	tb.Helper()
	prep, errs := Prepare(context.Background(), Config{Source: source, LazyData: true, Cache: &Cache{}})
	if len(errs) > 0 {
		tb.Fatal(errs.Err())
	}
	return prep
}

// sameAsBuild fails t unless the patched site is, file for file, the site
// a full build of source gives, and that build succeeds.
func sameAsBuild(t *testing.T, patched *Prepared, source fs.FS, edit string) {
	t.Helper()
	ctx := context.Background()
	full, errs := Build(ctx, Config{Source: source})
	if len(errs) > 0 {
		t.Fatalf("Patch took an edit of %s that the full build refuses:\n%v", edit, errs.Err())
	}
	got, errs := patched.Renderer.All(ctx)
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	if len(got) != len(full.Files) {
		t.Fatalf("Patch made %d files, the full build %d", len(got), len(full.Files))
	}
	for i, file := range full.Files {
		if got[i].Path != file.Path || !bytes.Equal(got[i].Data, file.Data) {
			t.Fatalf("%s differs between Patch and the full build (edit of %s):\n%s", file.Path, edit, firstDiff(got[i].Data, file.Data))
		}
		// One file at a time, as the preview serves them: through the
		// renderer's index of paths.
		one, ok, err := patched.Renderer.File(file.Path)
		if err != nil || !ok || !bytes.Equal(one, file.Data) {
			t.Fatalf("%s served alone differs from the full build's (edit of %s; %v, %v):\n%s", file.Path, edit, ok, err, firstDiff(one, file.Data))
		}
	}
	// What the pages do not show of the plan's links.
	if g, w := links(patched.Plan), links(full.Plan); g != w {
		t.Fatalf("the plan's links differ between Patch and the full build (edit of %s):\n%s", edit, firstDiff([]byte(g), []byte(w)))
	}
}

// links describes every item of p, as its pages reach it and by its ID,
// with its title and where it is referenced from.
func links(p *plan.Plan) string {
	var b strings.Builder
	ref := func(r *plan.Ref) {
		fmt.Fprintf(&b, "%s %q %s:", r.ID, r.Title, r.URL())
		for _, bl := range r.Backlinks {
			fmt.Fprintf(&b, " %s %q (%s)", bl.From.ID, bl.From.Title, bl.Target)
		}
		b.WriteString("\n")
	}
	p.InReadingOrder(ref)
	b.WriteString("by ID:\n")
	for _, id := range slices.Sorted(maps.Keys(p.Refs)) {
		ref(p.Refs[id])
	}
	return b.String()
}

// firstDiff shows where a and b first differ.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(i-80, 0)
	return "patched: …" + string(a[lo:min(i+80, len(a))]) + "…\nbuilt:   …" + string(b[lo:min(i+80, len(b))]) + "…"
}
