package pdf

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stratpub/stratpub/internal/browser"
	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/sitetest"
)

// One browser and one CBP PDF for the whole test binary.
var shared struct {
	once    sync.Once
	bctx    context.Context
	prep    *build.Prepared
	res     *Result
	file    string // the PDF on disk
	dir     string
	elapsed time.Duration
	skip    string
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.bctx != nil {
		chromedp.Cancel(shared.bctx)
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// cbp returns the shared browser, the prepared CBP publication and its
// PDF, skipping the test when no Chromium is installed.
func cbp(t *testing.T) (context.Context, *build.Prepared, *Result, string) {
	t.Helper()
	shared.once.Do(func() {
		exe, ok, err := browser.ForTest()
		if err != nil {
			shared.err = err
			return
		}
		if !ok {
			shared.skip = "no Chromium; set STRATPUB_BROWSER_TESTS=1 to make this an error"
			return
		}
		root, err := os.OpenRoot(sitetest.RepoRoot(t))
		if err != nil {
			shared.err = err
			return
		}
		defer root.Close()
		prep, errs := build.Prepare(context.Background(), build.Config{Source: root.FS()})
		if len(errs) > 0 {
			shared.err = errs.Err()
			return
		}
		// The browser outlives this test: TestMain stops it.
		bctx, _, err := browser.Start(context.Background(), exe)
		if err != nil {
			shared.err = err
			return
		}
		shared.bctx, shared.prep = bctx, prep
		start := time.Now()
		res, err := Print(bctx, prep, Options{})
		if err != nil {
			shared.err = err
			return
		}
		shared.elapsed = time.Since(start)
		shared.dir, err = os.MkdirTemp("", "stratpub-pdf-test-")
		if err != nil {
			shared.err = err
			return
		}
		shared.file = filepath.Join(shared.dir, FileName(&prep.Plan.Pub))
		shared.res = res
		shared.err = os.WriteFile(shared.file, res.PDF, 0o644)
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	if shared.skip != "" {
		t.Skip(shared.skip)
	}
	return shared.bctx, shared.prep, shared.res, shared.file
}

// tool runs a command-line tool of poppler-utils or qpdf, skipping when it
// is missing outside CI.
func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("STRATPUB_BROWSER_TESTS") == "1" {
			t.Fatalf("%s not installed (Debian: poppler-utils, qpdf)", name)
		}
		t.Skipf("%s not installed (Debian: poppler-utils, qpdf); skipping", name)
	}
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// pageText is the text of one page, white space collapsed.
func pageText(t *testing.T, file string, page int) string {
	n := strconv.Itoa(page)
	return norm(tool(t, "pdftotext", "-enc", "UTF-8", "-f", n, "-l", n, file, "-"))
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// check is the report of ../shared/tools/pdf/pdfcheck.py.
type check struct {
	Pages            int               `json:"pages"`
	Marked           bool              `json:"marked"`
	StructTree       bool              `json:"struct_tree"`
	Lang             string            `json:"lang"`
	Title            string            `json:"title"`
	DisplayDocTitle  bool              `json:"display_doc_title"`
	XMP              bool              `json:"xmp_metadata"`
	Outline          []string          `json:"outline"`
	NonStandard      map[string]int    `json:"nonstandard_types_without_rolemap"`
	FiguresNoAlt     int               `json:"figures_without_alt"`
	Untagged         map[string]int    `json:"untagged_text_ops_by_page"`
	Links            int               `json:"link_annots"`
	LinksWithContent int               `json:"link_annots_with_contents"`
	FontsNotEmbedded []string          `json:"fonts_not_embedded"`
	Fonts            int               `json:"fonts"`
	RoleMap          map[string]string `json:"rolemap"`
}

func pdfcheck(t *testing.T, file string) check {
	t.Helper()
	script := filepath.Join(sitetest.RepoRoot(t), "..", "shared", "tools", "pdf", "pdfcheck.py")
	if _, err := os.Stat(script); err != nil {
		t.Skipf("SKIPPING: ../shared/tools/pdf/pdfcheck.py is absent (%v); the PDF accessibility checks did not run", err)
	}
	tool(t, "qpdf", "--version")
	tool(t, "pdffonts", "-v")
	out := tool(t, "python3", script, file, "--json")
	var c check
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("pdfcheck output: %v\n%s", err, out)
	}
	return c
}

func TestPDFAccessibility(t *testing.T) {
	_, _, res, file := cbp(t)
	info := tool(t, "pdfinfo", file)
	for _, want := range []string{"Tagged:          yes", "Title:           CBP Strategy 2021–2026", "PDF version:     1.7", "CreationDate:    Tue Dec  1 00:00:00 2020 UTC"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	c := pdfcheck(t, file)
	if !c.Marked || !c.StructTree {
		t.Errorf("not tagged: marked %v, structure tree %v", c.Marked, c.StructTree)
	}
	if c.Lang != "en" || c.Title != "CBP Strategy 2021–2026" || !c.DisplayDocTitle || !c.XMP {
		t.Errorf("lang %q, title %q, display title %v, XMP %v", c.Lang, c.Title, c.DisplayDocTitle, c.XMP)
	}
	if len(c.Untagged) > 0 {
		t.Errorf("untagged text on pages %v", c.Untagged)
	}
	if c.FiguresNoAlt > 0 {
		t.Errorf("%d figures without /Alt", c.FiguresNoAlt)
	}
	if len(c.NonStandard) > 0 {
		t.Errorf("structure types without role map: %v", c.NonStandard)
	}
	if c.Links == 0 || c.LinksWithContent != c.Links {
		t.Errorf("%d of %d links have /Contents", c.LinksWithContent, c.Links)
	}
	if c.Fonts == 0 || len(c.FontsNotEmbedded) > 0 {
		t.Errorf("%d fonts, not embedded: %v", c.Fonts, c.FontsNotEmbedded)
	}
	if c.Pages != res.Pages {
		t.Errorf("pdfcheck counts %d pages, Print reported %d", c.Pages, res.Pages)
	}

	// Negative control: Chromium's own output, before Fixup, fails the
	// checks that Fixup exists for.
	raw := filepath.Join(filepath.Dir(file), "raw.pdf")
	if err := os.WriteFile(raw, res.Raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if rc := pdfcheck(t, raw); len(rc.Untagged) == 0 || rc.LinksWithContent == rc.Links || rc.XMP {
		t.Errorf("negative control: raw Chromium PDF passes (untagged %v, link contents %d/%d, XMP %v)", rc.Untagged, rc.LinksWithContent, rc.Links, rc.XMP)
	}
	t.Logf("%d pages, %d bytes, %d passes, %v; fixes %+v", res.Pages, len(res.PDF), res.Passes, shared.elapsed, res.Fixes)
}

func TestPDFOutline(t *testing.T) {
	_, prep, _, file := cbp(t)
	c := pdfcheck(t, file)
	outline := map[string]int{}
	re := regexp.MustCompile(`^\s*(.*?)\s+\[p(\d+)\]$`)
	for _, e := range c.Outline {
		if m := re.FindStringSubmatch(e); m != nil {
			outline[norm(m[1])], _ = strconv.Atoi(m[2])
		}
	}
	for _, g := range prep.Plan.Goals {
		if _, ok := outline[fmt.Sprintf("Goal %d %s", g.Number, g.Name)]; !ok {
			t.Errorf("no outline entry for goal %d", g.Number)
		}
		for _, o := range g.Objectives {
			if _, ok := outline[o.Number+" "+o.Title]; !ok {
				t.Errorf("no outline entry for objective %s %q", o.Number, o.Title)
			}
		}
	}
}

// contents reads the contents page: entry title → page number.
func contents(t *testing.T, file string) (int, map[string]int) {
	t.Helper()
	line := regexp.MustCompile(`^\s*(\S.*?)\s+(\d+)\s*$`)
	for p := 1; p <= 5; p++ {
		n := strconv.Itoa(p)
		text := tool(t, "pdftotext", "-enc", "UTF-8", "-layout", "-f", n, "-l", n, file, "-")
		if !regexp.MustCompile(`(?m)^\s*Contents\s*$`).MatchString(text) {
			continue
		}
		out := map[string]int{}
		for _, l := range strings.Split(text, "\n") {
			if m := line.FindStringSubmatch(l); m != nil {
				out[norm(m[1])], _ = strconv.Atoi(m[2])
			}
		}
		return p, out
	}
	t.Fatal("no contents page among the first 5 pages")
	return 0, nil
}

// checkContents checks that the page the contents gives for each entry
// holds its heading (with the start of the text that follows it, so that
// the contents and the summary table do not count).
func checkContents(pages []string, want map[string]string, got map[string]int) []string {
	var errs []string
	for entry, heading := range want {
		p, ok := got[entry]
		switch {
		case !ok:
			errs = append(errs, fmt.Sprintf("contents lacks %q", entry))
		case p < 1 || p > len(pages):
			errs = append(errs, fmt.Sprintf("%q: page %d out of range", entry, p))
		case !strings.Contains(pages[p-1], heading):
			errs = append(errs, fmt.Sprintf("%q: contents says page %d, which lacks %q", entry, p, heading))
		}
	}
	return errs
}

func TestPDFContentsPageNumbers(t *testing.T) {
	_, prep, res, file := cbp(t)
	_, got := contents(t, file)
	pages := make([]string, res.Pages)
	for i := range pages {
		pages[i] = pageText(t, file, i+1)
	}
	want := map[string]string{}
	for _, g := range prep.Plan.Goals {
		want[fmt.Sprintf("Goal %d: %s", g.Number, g.Name)] = fmt.Sprintf("Goal %d %s %s", g.Number, g.Name, g.Statement[:20])
		for _, o := range g.Objectives {
			want[o.Number+" "+o.Title] = o.Number + " " + o.Title + " " + norm(o.Statement)[:20]
		}
	}
	for _, e := range checkContents(pages, want, got) {
		t.Error(e)
	}
	// The outline, read by qpdf, agrees.
	c := pdfcheck(t, file)
	for _, o := range prep.Plan.Objectives {
		key := o.Number + " " + o.Title
		found := false
		for _, e := range c.Outline {
			if norm(e) == key+" [p"+strconv.Itoa(got[key])+"]" {
				found = true
			}
		}
		if !found {
			t.Errorf("outline has no %q on page %d", key, got[key])
		}
	}
	// Negative control: a contents one page off fails.
	off := map[string]int{}
	for k, v := range got {
		off[k] = v + 1
	}
	if errs := checkContents(pages, want, off); len(errs) < len(want)/2 {
		t.Errorf("negative control: numbers one page off pass the check (%d errors)", len(errs))
	}
}

func TestPDFText(t *testing.T) {
	_, prep, _, file := cbp(t)
	all := norm(tool(t, "pdftotext", "-enc", "UTF-8", file, "-"))
	for _, o := range prep.Plan.Objectives {
		if !strings.Contains(all, o.Title) {
			t.Errorf("objective title %q missing", o.Title)
		}
		for _, a := range o.Activities {
			if !strings.Contains(all, norm(a.Text)) {
				t.Errorf("key activity %s.%d missing: %q", o.Number, a.N, a.Text)
			}
		}
	}
	if strings.Contains(all, "Stratpub-not-in-the-plan") {
		t.Error("negative control: text not in the plan found")
	}
}

// printPages prints one page of the site as a browser user would (CSS page
// size, print stylesheet) and returns its number of pages.
func printPages(t *testing.T, bctx context.Context, url string) int {
	t.Helper()
	if err := chromedp.Do(bctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	b, err := chromedp.Run(bctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return len(f.Pages())
}

func TestObjectiveHandout(t *testing.T) {
	bctx, prep, _, _ := cbp(t)
	srv, err := Serve(prep)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, o := range prep.Plan.Objectives {
		if n := printPages(t, bctx, srv.URL+o.Ref.Page); n < 1 || n > 2 {
			t.Errorf("objective %s prints on %d pages; want 1 or 2", o.Number, n)
		}
	}
	// Negative control: the whole print edition is no handout.
	if n := printPages(t, bctx, srv.URL+"print/index.html"); n <= 2 {
		t.Errorf("negative control: the print edition prints on %d pages", n)
	}
}

func TestPDFReproducible(t *testing.T) {
	bctx, prep, res, _ := cbp(t)
	again, err := Print(bctx, prep, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(again.PDF) != string(res.PDF) {
		t.Errorf("two PDFs of the same source differ (%d and %d bytes)", len(res.PDF), len(again.PDF))
	}
}
