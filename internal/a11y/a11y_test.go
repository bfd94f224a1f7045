package a11y_test

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stratpub/stratpub/internal/a11y"
	"github.com/stratpub/stratpub/internal/browser"
	"github.com/stratpub/stratpub/internal/sitetest"
)

// The views every page is checked in: the two widths of the design, in
// both colour schemes.
var views = []a11y.View{
	{Width: 375, Scheme: "light"},
	{Width: 1280, Scheme: "light"},
	{Width: 375, Scheme: "dark"},
	{Width: 1280, Scheme: "dark"},
}

// reflowWidth is WCAG 1.4.10: 1280 CSS px at 400 % zoom. A page that does
// not scroll sideways at 320 px does not at 200 % zoom either.
const reflowWidth = 320

// csp is the strict policy the test server sends with every file: the
// site needs no inline script or style and no other origin.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// One browser for the whole test binary: starting Chromium costs more than
// most checks.
var shared struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if shared.cancel != nil {
		shared.cancel()
	}
	os.Exit(code)
}

// tab returns the shared browser tab, or skips the test without a browser.
func tab(t *testing.T) context.Context {
	t.Helper()
	exe, ok, err := browser.ForTest()
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Skip("no Chromium found; install chromium, or set STRATPUB_BROWSER_TESTS=1 to make this a failure")
	}
	shared.once.Do(func() {
		shared.ctx, shared.cancel, shared.err = browser.Start(context.Background(), exe)
		if shared.err == nil {
			shared.err = a11y.WatchCSP(shared.ctx)
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.ctx
}

// tool returns the path of a file installed by `npm ci`, or skips the test
// when it is missing (fails under STRATPUB_BROWSER_TESTS=1, as in CI).
func tool(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(sitetest.RepoRoot(t), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("%s is missing: run `npm ci` at the repository root (scripts/test does)", rel)
		if os.Getenv("STRATPUB_BROWSER_TESTS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

func axeSource(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(tool(t, "node_modules/axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func vnu(t *testing.T) (java, jar string) {
	t.Helper()
	jar = tool(t, "node_modules/vnu-jar/build/dist/vnu.jar")
	java, err := exec.LookPath("java")
	if err != nil {
		msg := "java not found: install a Java runtime (Debian: default-jre-headless) for the Nu HTML Checker"
		if os.Getenv("STRATPUB_BROWSER_TESTS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return java, jar
}

// serve serves dir on a loopback address with the strict policy.
func serve(t *testing.T, dir string) string {
	t.Helper()
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// htmlFiles lists the HTML files under dir, slash-separated and sorted.
func htmlFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// load navigates the tab to url and injects axe-core.
func load(t *testing.T, ctx context.Context, url string, axe []byte) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("loading %s: %v", url, err)
	}
	if axe != nil {
		if err := a11y.InjectAxe(ctx, axe); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
	}
}

// TestSite holds every page of the publication at the repository root to
// WCAG 2.2 AA: the Nu HTML Checker, axe-core in four views, reflow at
// 320 px, page structure, the strict CSP, and the keyboard.
func TestSite(t *testing.T) {
	out, _ := sitetest.CBP(t)
	pages := htmlFiles(t, out)
	if len(pages) < 10 {
		t.Fatalf("only %d HTML pages built: %v", len(pages), pages)
	}

	t.Run("nu", func(t *testing.T) {
		java, jar := vnu(t)
		files := make([]string, len(pages))
		for i, p := range pages {
			files[i] = filepath.Join(out, filepath.FromSlash(p))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		msgs, err := a11y.VNU(ctx, java, jar, files)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("Nu HTML Checker: %d files, %d errors", len(files), len(msgs))
		for _, m := range msgs {
			t.Error(strings.Replace(m.String(), out+string(filepath.Separator), "", 1))
		}
	})

	t.Run("pages", func(t *testing.T) {
		ctx := tab(t)
		axe := axeSource(t)
		base := serve(t, out)
		titles := map[string]string{}
		var table strings.Builder
		fmt.Fprintf(&table, "axe-core violations per page, WCAG 2.2 A+AA / best practice:\n%-34s", "page")
		for _, v := range views {
			fmt.Fprintf(&table, " %11s", v)
		}
		fmt.Fprintf(&table, " %6s\n", "reflow")
		total := 0
		for _, p := range pages {
			url := base + "/" + p
			load(t, ctx, url, axe)
			if v, err := a11y.CSPViolations(ctx); err != nil {
				t.Fatal(err)
			} else if len(v) > 0 {
				t.Errorf("%s: Content-Security-Policy violations: %v", p, v)
			}
			o, err := a11y.ReadOutline(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, msg := range o.Problems() {
				t.Errorf("%s: %s", p, msg)
			}
			if other, dup := titles[o.Title]; dup {
				t.Errorf("%s: title %q is also the title of %s", p, o.Title, other)
			}
			titles[o.Title] = p
			fmt.Fprintf(&table, "%-34s", p)
			for _, v := range views {
				if err := a11y.Emulate(ctx, v); err != nil {
					t.Fatal(err)
				}
				var counts [2]int
				for i, tags := range [][]string{a11y.WCAGTags, a11y.BestPractice} {
					vs, err := a11y.Axe(ctx, tags)
					if err != nil {
						t.Fatalf("%s: %v", p, err)
					}
					counts[i] = len(vs)
					total += len(vs)
					for _, x := range vs {
						t.Errorf("%s, %s, %s: %s", p, v, tags[0], x)
					}
				}
				fmt.Fprintf(&table, " %5d/%-5d", counts[0], counts[1])
			}
			if err := a11y.Emulate(ctx, a11y.View{Width: reflowWidth, Scheme: "light"}); err != nil {
				t.Fatal(err)
			}
			ov, err := a11y.ReadOverflow(ctx)
			if err != nil {
				t.Fatal(err)
			}
			mark := "ok"
			if ov.Scrolls() {
				mark = "SCROLLS"
				t.Errorf("%s: scrolls sideways at %d px: content %d px wide; sticking out: %v", p, reflowWidth, ov.ScrollWidth, ov.Culprits)
			}
			fmt.Fprintf(&table, " %6s\n", mark)
		}
		fmt.Fprintf(&table, "%d pages × %d views × 2 rule sets: %d violations", len(pages), len(views), total)
		t.Log(table.String())
	})

	t.Run("search-open", func(t *testing.T) {
		// The search results exist only after typing; check them open.
		ctx := tab(t)
		axe := axeSource(t)
		base := serve(t, out)
		load(t, ctx, base+"/index.html", axe)
		if err := a11y.Emulate(ctx, a11y.View{Width: 1280, Scheme: "light"}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search-input"), "trade")); err != nil {
			t.Fatal(err)
		}
		links, err := chromedp.Run(ctx, chromedp.Evaluate[int](`new Promise((resolve) => {
  const t0 = Date.now();
  const poll = () => {
    const box = document.querySelector(".search-results");
    const n = box && !box.hidden ? box.querySelectorAll("a").length : 0;
    if (n > 0 || Date.now() - t0 > 5000) resolve(n); else setTimeout(poll, 50);
  };
  poll();
})`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if links == 0 {
			t.Fatal(`typing "trade" in the search box showed no results`)
		}
		for _, v := range views {
			if err := a11y.Emulate(ctx, v); err != nil {
				t.Fatal(err)
			}
			for _, tags := range [][]string{a11y.WCAGTags, a11y.BestPractice} {
				vs, err := a11y.Axe(ctx, tags)
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range vs {
					t.Errorf("search results open, %s, %s: %s", v, tags[0], x)
				}
			}
		}
		t.Logf("search results open: %d result links, checked in %d views", links, len(views))
	})

	t.Run("skip-link", func(t *testing.T) {
		ctx := tab(t)
		base := serve(t, out)
		if err := a11y.Emulate(ctx, a11y.View{Width: 1280, Scheme: "light"}); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			probs, err := a11y.SkipLink(ctx, base+"/"+p)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			for _, msg := range probs {
				t.Errorf("%s: %s", p, msg)
			}
		}
	})

	t.Run("tab-order", func(t *testing.T) {
		ctx := tab(t)
		base := serve(t, out)
		objective := regexp.MustCompile(`^objectives/[^/]+/index\.html$`)
		var objs []string
		for _, p := range pages {
			if objective.MatchString(p) {
				objs = append(objs, p)
			}
		}
		if len(objs) == 0 {
			t.Fatal("no objective page built")
		}
		for _, v := range []a11y.View{{Width: 1280, Scheme: "light"}, {Width: 375, Scheme: "light"}} {
			if err := a11y.Emulate(ctx, v); err != nil {
				t.Fatal(err)
			}
			for _, p := range objs {
				if v.Width < 1000 && p != objs[0] {
					break // the narrow layout is one column; one page shows its order
				}
				seq, n, err := a11y.TabSequence(ctx, base+"/"+p, 400)
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				if len(seq) < 10 {
					t.Errorf("%s, %s: only %d Tab stops: %v", p, v, len(seq), seq)
				}
				for _, msg := range a11y.OrderProblems(seq, n) {
					t.Errorf("%s, %s: %s", p, v, msg)
				}
				if p == objs[0] {
					t.Logf("%s, %s: %d Tab stops, %d focusable elements", p, v, len(seq), n)
				}
			}
		}
	})
}

// TestBrokenFixture is the negative control: every checker must report the
// problems planted in testdata/a11y-broken.
func TestBrokenFixture(t *testing.T) {
	dir := filepath.Join(sitetest.RepoRoot(t), "testdata", "a11y-broken")
	page := filepath.Join(dir, "index.html")
	if _, err := os.Stat(page); err != nil {
		t.Fatal(err)
	}

	t.Run("nu", func(t *testing.T) {
		java, jar := vnu(t)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		msgs, err := a11y.VNU(ctx, java, jar, []string{page})
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for _, m := range msgs {
			all = append(all, m.Message)
		}
		text := strings.Join(all, "\n")
		for _, want := range []string{"title", "alt", "Duplicate ID"} {
			if !strings.Contains(text, want) {
				t.Errorf("vnu reported no error about %q; it reported:\n%s", want, text)
			}
		}
	})

	t.Run("browser", func(t *testing.T) {
		ctx := tab(t)
		axe := axeSource(t)
		url := serve(t, dir) + "/index.html"
		load(t, ctx, url, axe)

		if err := a11y.Emulate(ctx, a11y.View{Width: 1280, Scheme: "light"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			tags []string
			want []string
		}{
			{a11y.WCAGTags, []string{"color-contrast", "document-title", "html-has-lang", "image-alt", "link-name"}},
			{a11y.BestPractice, []string{"heading-order", "landmark-one-main", "region"}},
		} {
			vs, err := a11y.Axe(ctx, c.tags)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, v := range vs {
				ids = append(ids, v.ID)
			}
			for _, id := range c.want {
				if !slices.Contains(ids, id) {
					t.Errorf("axe %v did not report %s; it reported %v", c.tags, id, ids)
				}
			}
		}

		csp, err := a11y.CSPViolations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(csp) < 2 {
			t.Errorf("want the inline style and the inline script reported as CSP violations, got %v", csp)
		}

		o, err := a11y.ReadOutline(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantAll(t, "outline", o.Problems(), "html has no lang", "empty title", "h4", "2 h1 elements")

		if err := a11y.Emulate(ctx, a11y.View{Width: reflowWidth, Scheme: "light"}); err != nil {
			t.Fatal(err)
		}
		ov, err := a11y.ReadOverflow(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !ov.Scrolls() {
			t.Errorf("the reflow check missed the 900 px block: %+v", ov)
		}
		wantAll(t, "overflow culprits", ov.Culprits, "div.wide")

		if err := a11y.Emulate(ctx, a11y.View{Width: 1280, Scheme: "light"}); err != nil {
			t.Fatal(err)
		}
		skip, err := a11y.SkipLink(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		wantAll(t, "skip link", skip, "Tab from page load focuses <button>")

		seq, n, err := a11y.TabSequence(ctx, url, 50)
		if err != nil {
			t.Fatal(err)
		}
		wantAll(t, "tab order", a11y.OrderProblems(seq, n), "Tab goes back in the document", "to the left of")
	})
}

// wantAll checks that each of wants is a substring of some problem.
func wantAll(t *testing.T, what string, problems []string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		found := false
		for _, p := range problems {
			if strings.Contains(p, w) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: no problem mentions %q; got %q", what, w, problems)
		}
	}
}
