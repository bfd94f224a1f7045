package build_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/render"
	"github.com/stratpub/stratpub/internal/sitetest"
	"github.com/stratpub/stratpub/internal/write"
)

// page is a parsed output page.
type page struct {
	doc   *html.Node
	ids   map[string]bool
	links []string // href and src values
}

func parseSite(t *testing.T, dir string) map[string]*page {
	t.Helper()
	pages := map[string]*page{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := html.Parse(bytes.NewReader(b))
		if err != nil {
			return err
		}
		pg := &page{doc: doc, ids: map[string]bool{}}
		walk(doc, func(n *html.Node) {
			for _, a := range n.Attr {
				switch a.Key {
				case "id":
					pg.ids[a.Val] = true
				case "href", "src":
					pg.links = append(pg.links, a.Val)
				}
			}
		})
		rel, _ := filepath.Rel(dir, p)
		pages[filepath.ToSlash(rel)] = pg
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// find returns the elements matching pred, in document order.
func find(n *html.Node, pred func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(n, func(c *html.Node) {
		if c.Type == html.ElementNode && pred(c) {
			out = append(out, c)
		}
	})
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// checkLinks asserts that every internal link of every page resolves to an
// existing file and, with a fragment, to an existing id; and that no link is
// root-relative (the site must work from file:// and any sub-path).
func checkLinks(t *testing.T, dir string, pages map[string]*page) (checked int) {
	t.Helper()
	for name, pg := range pages {
		for _, l := range pg.links {
			if strings.HasPrefix(l, "/") {
				t.Errorf("%s: root-relative link %q breaks file:// and sub-paths", name, l)
				continue
			}
			if strings.Contains(l, ":") && !strings.HasPrefix(l, "#") {
				continue // external (https:, mailto:) or data
			}
			target, frag, _ := strings.Cut(l, "#")
			file := name
			if target != "" {
				file = path.Join(path.Dir(name), target)
				if strings.HasSuffix(target, "/") {
					t.Errorf("%s: link %q names a folder; from disk it opens a listing, not the page", name, l)
					continue
				}
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(file))); err != nil {
					t.Errorf("%s: link %q: no file %s", name, l, file)
					continue
				}
			}
			if frag != "" {
				tp, ok := pages[file]
				if !ok {
					t.Errorf("%s: link %q: fragment into a non-HTML file", name, l)
				} else if !tp.ids[frag] {
					t.Errorf("%s: link %q: %s has no id %q", name, l, file, frag)
				}
			}
			checked++
		}
	}
	return checked
}

func TestSmallSiteLinksBacklinksSummaryPager(t *testing.T) {
	dir, site := sitetest.Build(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	pages := parseSite(t, dir)
	if n := checkLinks(t, dir, pages); n < 100 {
		t.Errorf("checked only %d internal links; expected many more", n)
	}
	want := []string{"404.html", "activities/index.html", "conclusion/index.html", "foreword/index.html",
		"goals/1/index.html", "goals/2/index.html", "index.html", "objectives/1.1/index.html",
		"objectives/1.2/index.html", "objectives/2.1/index.html", "outcomes/index.html",
		"print/index.html", "summary/index.html"}
	for _, w := range want {
		if pages[w] == nil {
			t.Errorf("missing page %s", w)
		}
	}
	if site.Pages < len(want) {
		t.Errorf("site.Pages = %d, want at least %d", site.Pages, len(want))
	}

	// Backlinks of objective 1.2: the foreword (activity 1.2.2), objective
	// 1.1's narrative, activity 1.1.2 and objective 2.1 (outcome 1.2.2), in
	// reading order.
	o12 := pages["objectives/1.2/index.html"]
	var back []string
	for _, sec := range find(o12.doc, func(n *html.Node) bool { return hasClass(n, "backlinks") }) {
		for _, a := range find(sec, func(n *html.Node) bool { return n.Data == "a" }) {
			back = append(back, text(a)+" → "+attr(a, "href"))
		}
	}
	wantBack := []string{
		"Foreword → ../../foreword/index.html",
		"Objective 1.1: Alpha → ../../objectives/1.1/index.html",
		"Key activity 1.1.2 → ../../objectives/1.1/index.html#activity-1.1.2",
		"Objective 2.1: Gamma → ../../objectives/2.1/index.html",
	}
	if strings.Join(back, "\n") != strings.Join(wantBack, "\n") {
		t.Errorf("backlinks of 1.2:\n%s\nwant:\n%s", strings.Join(back, "\n"), strings.Join(wantBack, "\n"))
	}
	// Goal 1 is referenced from the foreword; goal 2 from the conclusion.
	for g, from := range map[string]string{"goals/1/index.html": "Foreword", "goals/2/index.html": "Conclusion"} {
		secs := find(pages[g].doc, func(n *html.Node) bool { return hasClass(n, "backlinks") })
		if len(secs) != 1 || !strings.Contains(text(secs[0]), from) {
			t.Errorf("%s: backlinks should name %s", g, from)
		}
	}

	// An empty ref: link text is replaced by the target's title.
	fw := text(pages["foreword/index.html"].doc)
	if !strings.Contains(fw, "The first is Goal 1: ONE;") {
		t.Errorf("foreword: empty ref link should read the goal's title; got %q", fw)
	}

	// Summary: one row per objective, linking to its page, under its goal.
	sum := pages["summary/index.html"]
	var rows []string
	for _, tb := range find(sum.doc, func(n *html.Node) bool { return n.Data == "tbody" }) {
		for _, tr := range find(tb, func(n *html.Node) bool { return n.Data == "tr" }) {
			th := find(tr, func(n *html.Node) bool { return n.Data == "th" })
			if len(th) == 1 && attr(th[0], "scope") == "row" {
				a := find(th[0], func(n *html.Node) bool { return n.Data == "a" })
				var cells []string
				for _, c := range find(tr, func(n *html.Node) bool { return n.Data == "th" || n.Data == "td" }) {
					cells = append(cells, text(c))
				}
				rows = append(rows, strings.Join(cells, " ")+" | "+attr(a[0], "href"))
			}
		}
	}
	wantRows := []string{
		"1.1 Alpha Make alpha happen. | ../objectives/1.1/index.html",
		"1.2 Beta Make beta happen. | ../objectives/1.2/index.html",
		"2.1 Gamma Make gamma happen. | ../objectives/2.1/index.html",
	}
	if strings.Join(rows, "\n") != strings.Join(wantRows, "\n") {
		t.Errorf("summary rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(wantRows, "\n"))
	}

	// Previous/next objective links form one chain in reading order.
	chain := []string{"1.1", "1.2", "2.1"}
	for i, num := range chain {
		pg := pages["objectives/"+num+"/index.html"]
		rel := func(r string) string {
			as := find(pg.doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "rel") == r })
			if len(as) == 0 {
				return ""
			}
			return attr(as[0], "href")
		}
		wantPrev, wantNext := "", ""
		if i > 0 {
			wantPrev = "../../objectives/" + chain[i-1] + "/index.html"
		}
		if i+1 < len(chain) {
			wantNext = "../../objectives/" + chain[i+1] + "/index.html"
		}
		if rel("prev") != wantPrev || rel("next") != wantNext {
			t.Errorf("objective %s: prev %q next %q; want %q %q", num, rel("prev"), rel("next"), wantPrev, wantNext)
		}
	}

	// Activities have permalinks: an element with the stable ID, and a link to it.
	for _, id := range []string{"activity-1.2.1", "activity-1.2.2", "outcome-1.2.1", "outcome-1.2.2"} {
		if !o12.ids[id] {
			t.Errorf("objective 1.2 has no element with id %q", id)
		}
	}

	// The print edition holds every goal, objective and section, with
	// cross-page links made in-page.
	pr := pages["print/index.html"]
	for _, id := range []string{"goal-1", "goal-2", "objective-1.1", "objective-1.2", "objective-2.1", "foreword", "conclusion", "summary", "activity-1.2.2"} {
		if !pr.ids[id] {
			t.Errorf("print edition has no id %q", id)
		}
	}
	for _, l := range pr.links {
		if strings.Contains(l, "objectives/") || strings.Contains(l, "goals/") {
			t.Errorf("print edition links out to %q; links to items it holds must stay in the page", l)
		}
	}
}

func TestCBPSiteLinks(t *testing.T) {
	dir, site := sitetest.CBP(t)
	pages := parseSite(t, dir)
	n := checkLinks(t, dir, pages)
	t.Logf("CBP: %d pages, %d files, %d internal links checked", site.Pages, len(site.Files), n)
	if len(site.Plan.Goals) != 3 || len(site.Plan.Objectives) != 12 {
		t.Errorf("CBP plan has %d goals and %d objectives; want 3 and 12", len(site.Plan.Goals), len(site.Plan.Objectives))
	}
}

func TestDeterministic(t *testing.T) {
	for _, src := range []string{filepath.Join(sitetest.RepoRoot(t), "testdata", "small"), sitetest.RepoRoot(t)} {
		a, _ := sitetest.Build(t, src)
		b, _ := sitetest.Build(t, src)
		fa, fb := tree(t, a), tree(t, b)
		if len(fa) != len(fb) {
			t.Fatalf("%s: builds wrote %d and %d files", src, len(fa), len(fb))
		}
		for name, data := range fa {
			if !bytes.Equal(data, fb[name]) {
				t.Errorf("%s: %s differs between two builds", src, name)
			}
			if bytes.Contains(data, []byte(src)) {
				t.Errorf("%s: %s contains the absolute source path", src, name)
			}
		}
	}
}

func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[rel] = b
		}
		return err
	})
	return out
}

func TestCheckOutput(t *testing.T) {
	src := t.TempDir()
	for _, c := range []struct {
		out string
		ok  bool
	}{
		{filepath.Join(src, "public"), true},
		{filepath.Join(filepath.Dir(src), "elsewhere"), true},
		{src, false},
		{filepath.Dir(src), false},
		{filepath.Join(src, "content"), false},
		{filepath.Join(src, "content", "out"), false},
		{filepath.Join(src, "templates", "x"), false},
	} {
		err := build.CheckOutput(src, c.out)
		if (err == nil) != c.ok {
			t.Errorf("CheckOutput(src, %s) = %v; want ok=%v", c.out, err, c.ok)
		}
	}
}

// TestThemeOverride checks that a publication's own templates and assets
// replace the defaults file by file.
func TestThemeOverride(t *testing.T) {
	src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	writeFile(t, filepath.Join(src, "templates", "404.html"), `{{define "main"}}<h1>Lost</h1><p>Custom not-found page.</p>{{end}}`)
	writeFile(t, filepath.Join(src, "assets", "extra.txt"), "hello")
	dir, _ := sitetest.Build(t, src)
	b, err := os.ReadFile(filepath.Join(dir, "404.html"))
	if err != nil || !bytes.Contains(b, []byte("Custom not-found page.")) {
		t.Errorf("404.html does not use the project's template: %v", err)
	}
	obj, _ := os.ReadFile(filepath.Join(dir, "objectives", "1.1", "index.html"))
	if !bytes.Contains(obj, []byte("Key activities")) {
		t.Error("objective page lost the default template")
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "assets", "extra.*.txt"))
	if len(matches) != 1 {
		t.Errorf("project asset not published: %v", matches)
	}
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildErrors builds src and returns the error messages.
func buildErrors(t *testing.T, src string) []string {
	t.Helper()
	root, err := os.OpenRoot(src)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	_, errs := build.Build(context.Background(), build.Config{Source: root.FS()})
	var out []string
	for _, e := range errs {
		out = append(out, e.Pos.String()+": "+e.Msg+" | "+e.Hint)
	}
	sort.Strings(out)
	return out
}

// TestBacklinksOncePerReferrer checks that an item linking to an objective
// and to one of its activities is listed once on the objective's page.
func TestBacklinksOncePerReferrer(t *testing.T) {
	src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	writeFile(t, filepath.Join(src, "content/back/conclusion.md"), "---\ntype: section\nid: conclusion\ntitle: \"Conclusion\"\nmatter: back\norder: 10\n---\nSee [](ref:objective-2.1), [](ref:activity-2.1.1) and [](ref:outcome-2.1.1).\n")
	dir, _ := sitetest.Build(t, src)
	pages := parseSite(t, dir)
	secs := find(pages["objectives/2.1/index.html"].doc, func(n *html.Node) bool { return hasClass(n, "backlinks") })
	if len(secs) != 1 {
		t.Fatal("objective 2.1 has no backlinks section")
	}
	var from []string
	for _, a := range find(secs[0], func(n *html.Node) bool { return n.Data == "a" }) {
		from = append(from, text(a))
	}
	if got := strings.Join(from, "|"); got != "Goal 1: ONE|Conclusion" {
		t.Errorf("backlinks of 2.1 = %q; want the conclusion once", got)
	}
}

// TestNotFoundLinksAbsolute checks that, with a base URL, the not-found
// page links absolutely: a server shows it at any depth.
func TestNotFoundLinksAbsolute(t *testing.T) {
	dir, site := sitetest.Build(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	base := site.Plan.Pub.BaseURL
	if base == "" {
		t.Fatal("the fixture has no base URL")
	}
	pg := parseSite(t, dir)["404.html"]
	n := 0
	for _, l := range pg.links {
		if strings.HasPrefix(l, "#") {
			continue
		}
		n++
		if !strings.HasPrefix(l, base) {
			t.Errorf("404.html links to %q, not under %s", l, base)
		}
	}
	if n < 5 {
		t.Errorf("404.html has only %d links", n)
	}
}

// TestCacheGivesTheSameSite builds a publication again and again with a
// Cache while files change, and compares every file with a build without
// one: the kept documents and conversions never show stale text.
func TestCacheGivesTheSameSite(t *testing.T) {
	src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	root, err := os.OpenRoot(src)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var cache build.Cache
	gamma := filepath.Join(src, "content", "goal-2", "2.1-gamma.md")
	orig, _ := os.ReadFile(gamma)
	edits := []func(){
		func() {},
		// A title that another page shows through an empty ref: link.
		func() {
			os.WriteFile(gamma, bytes.Replace(orig, []byte(`title: "Gamma"`), []byte(`title: "Gamma Prime"`), 1), 0o644)
		},
		// Only the body.
		func() { os.WriteFile(gamma, append(bytes.Clone(orig), []byte("\nMore about gamma.\n")...), 0o644) },
		// A new objective that others can refer to.
		func() {
			writeFile(t, filepath.Join(src, "content", "goal-2", "2.2-delta.md"), "---\ntype: objective\nnumber: \"2.2\"\ntitle: \"Delta\"\nstatement: \"s\"\noutcomes: [\"o\"]\nactivities: [\"a\"]\n---\nSee [](ref:objective-2.1).\n")
		},
	}
	for i, edit := range edits {
		edit()
		cached, errs := build.Build(context.Background(), build.Config{Source: root.FS(), Cache: &cache})
		if len(errs) > 0 {
			t.Fatalf("edit %d: %v", i, errs.Err())
		}
		fresh, errs := build.Build(context.Background(), build.Config{Source: root.FS()})
		if len(errs) > 0 {
			t.Fatalf("edit %d: %v", i, errs.Err())
		}
		if len(cached.Files) != len(fresh.Files) {
			t.Fatalf("edit %d: %d files with the cache, %d without", i, len(cached.Files), len(fresh.Files))
		}
		for j := range fresh.Files {
			if cached.Files[j].Path != fresh.Files[j].Path || !bytes.Equal(cached.Files[j].Data, fresh.Files[j].Data) {
				t.Errorf("edit %d: %s differs with the cache", i, fresh.Files[j].Path)
			}
		}
	}
}

// TestSectionOnThisPage checks that a section with several headings lists
// them at its top, linking to each.
func TestSectionOnThisPage(t *testing.T) {
	src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	writeFile(t, filepath.Join(src, "content/back/conclusion.md"), "---\ntype: section\nid: conclusion\ntitle: \"Conclusion\"\nmatter: back\norder: 10\n---\nIntro.\n\n## What we learned\n\nText.\n\n### A detail\n\nMore.\n\n## What comes next\n\nText.\n")
	dir, _ := sitetest.Build(t, src)
	pages := parseSite(t, dir)
	checkLinks(t, dir, pages)
	navs := find(pages["conclusion/index.html"].doc, func(n *html.Node) bool { return n.Data == "nav" && attr(n, "aria-label") == "On this page" })
	if len(navs) != 1 {
		t.Fatalf("%d \"On this page\" lists on the conclusion", len(navs))
	}
	var got []string
	for _, a := range find(navs[0], func(n *html.Node) bool { return n.Data == "a" }) {
		got = append(got, text(a)+" → "+attr(a, "href"))
	}
	want := "What we learned → #conclusion-what-we-learned|What comes next → #conclusion-what-comes-next"
	if strings.Join(got, "|") != want {
		t.Errorf("on this page: %q; want %q", strings.Join(got, "|"), want)
	}
	// A section with one heading has no list.
	if n := len(find(pages["foreword/index.html"].doc, func(n *html.Node) bool { return n.Data == "nav" && attr(n, "aria-label") == "On this page" })); n != 0 {
		t.Errorf("the foreword, with one heading, has %d lists", n)
	}
}

// stratpub build streams every file to disk (Prepared.Write): pages are
// rendered into their files and data files written as they are made, after
// a first pass that measures them and keeps their first lines for the Data
// page. The result must be the files the preview makes in memory (the data
// files whole, LazyData), byte for byte.
func TestStreamedWriteEqualsBuild(t *testing.T) {
	for _, src := range []string{filepath.Join(sitetest.RepoRoot(t), "testdata", "small"), sitetest.RepoRoot(t)} {
		root, err := os.OpenRoot(src)
		if err != nil {
			t.Fatal(err)
		}
		lazy, errs := build.Prepare(context.Background(), build.Config{Source: root.FS(), LazyData: true})
		if len(errs) > 0 {
			t.Fatal(errs.Err())
		}
		all, errs := lazy.Renderer.All(context.Background())
		if len(errs) > 0 {
			t.Fatal(errs.Err())
		}
		site := &build.Site{Files: all}
		for _, f := range all {
			if strings.HasSuffix(f.Path, ".html") {
				site.Pages++
			}
		}
		prep, errs := build.Prepare(context.Background(), build.Config{Source: root.FS()})
		root.Close()
		if len(errs) > 0 {
			t.Fatal(errs.Err())
		}
		out := filepath.Join(t.TempDir(), "public")
		pages, files, err := prep.Write(out, false)
		if err != nil {
			t.Fatal(err)
		}
		got := tree(t, out)
		delete(got, write.Marker)
		if files != len(site.Files) || len(got) != len(site.Files) || pages != site.Pages {
			t.Errorf("%s: streamed %d files (%d on disk, %d pages); Build made %d (%d pages)", src, files, len(got), pages, len(site.Files), site.Pages)
		}
		for _, f := range site.Files {
			if !bytes.Equal(got[filepath.FromSlash(f.Path)], f.Data) {
				t.Errorf("%s: %s differs between the streamed build and Build (%d vs %d bytes)", src, f.Path, len(got[filepath.FromSlash(f.Path)]), len(f.Data))
			}
		}
	}
}

// Adding the PDF edition to a prepared site (stratpub build --pdf, which
// prints the PDF from the site it then publishes) gives the site that
// preparing with Config.PDF gives.
func TestWithPDFEqualsPrepareWithPDF(t *testing.T) {
	root, err := os.OpenRoot(sitetest.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	pdf := render.File{Path: "cbp-strategy.pdf", Data: []byte("%PDF-1.7 not really\n")}
	want, errs := build.Build(context.Background(), build.Config{Source: root.FS(), PDF: &pdf})
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	prep, errs := build.Prepare(context.Background(), build.Config{Source: root.FS()})
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	got, errs := prep.WithPDF(pdf).Renderer.All(context.Background())
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	if len(got) != len(want.Files) {
		t.Fatalf("%d files; want %d", len(got), len(want.Files))
	}
	for i, f := range want.Files {
		if got[i].Path != f.Path || !bytes.Equal(got[i].Data, f.Data) {
			t.Errorf("%s differs from the site prepared with the PDF", f.Path)
		}
	}
	// Negative control: the home page of the site without it differs.
	plain, _, _ := prep.Renderer.File("index.html")
	if home, _, _ := prep.WithPDF(pdf).Renderer.File("index.html"); bytes.Equal(home, plain) || !bytes.Contains(home, []byte("cbp-strategy.pdf")) {
		t.Error("the home page does not link the PDF")
	}
}
