package search_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/stratpub/stratpub/internal/browser"
	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/sitetest"
)

// One browser serves every test of the package; TestMain stops it.
var chrome struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
	skip   bool
}

func TestMain(m *testing.M) {
	code := m.Run()
	if chrome.cancel != nil {
		chrome.cancel()
	}
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// tab returns a new browser tab, skipping the test when no Chromium is
// installed and browser tests are not required.
func tab(t *testing.T) context.Context {
	t.Helper()
	chrome.once.Do(func() {
		exe, ok, err := browser.ForTest()
		if err != nil {
			chrome.err = err
			return
		}
		if !ok {
			chrome.skip = true
			return
		}
		chrome.ctx, chrome.cancel, chrome.err = browser.Start(context.Background(), exe)
	})
	if chrome.err != nil {
		t.Fatal(chrome.err)
	}
	if chrome.skip {
		t.Skip("no Chromium; set STRATPUB_BROWSER_TESTS=1 to make this an error")
	}
	ctx, cancel := chromedp.NewContext(chrome.ctx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	return ctx
}

// fileURL is the file:// URL of a site path (which may hold ../ and a
// fragment) under dir.
func fileURL(dir, page string) string {
	return "file://" + filepath.ToSlash(dir) + "/" + page
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// results types a query and returns the href attributes of the results,
// once the live region has announced them.
func results(t *testing.T, ctx context.Context, query string) []string {
	t.Helper()
	do(t, ctx, chromedp.SendKeys(chromedp.ID("search-input"), query))
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](
		`document.querySelector(".search-status").textContent.includes("result")`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("no results announced for %q: %v (status %q)", query, err,
			eval[string](t, ctx, `document.querySelector(".search-status").textContent`))
	}
	return eval[[]string](t, ctx, `[...document.querySelectorAll(".search-results a")].map(a => a.getAttribute("href"))`)
}

func TestBiometricFromDisk(t *testing.T) {
	dir, _ := cbp(t)
	ctx := tab(t)
	do(t, ctx, chromedp.Navigate(fileURL(dir, "index.html")))
	// The theme's style sheet applies from disk: assets with integrity
	// attributes would be refused there.
	if pos := eval[string](t, ctx, `getComputedStyle(document.getElementById("search-help")).position`); pos != "absolute" {
		t.Errorf("site.css is not applied from file:// (visually-hidden text has position %q)", pos)
	}
	got := results(t, ctx, "biometric")
	if len(got) == 0 || got[0] != "objectives/1.4/index.html" {
		t.Fatalf("results for biometric = %q, want objectives/1.4/index.html first", got)
	}
	status := eval[string](t, ctx, `document.querySelector(".search-status").textContent`)
	if want := fmt.Sprintf("%d results", len(got)); !strings.HasPrefix(status, want) {
		t.Errorf("live region says %q, want %q…", status, want)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".search-results li:first-child mark").length`); n == 0 {
		t.Error("the first result does not mark the match")
	}
}

// TestActivityPhrase searches for words of a key activity from a page two
// levels down and expects the activity's anchor, relative to that page.
func TestActivityPhrase(t *testing.T) {
	dir, s := cbp(t)
	var act = s.Plan.Objectives[3].Activities[0] // 1.4.1
	words := strings.Fields(act.Text)
	phrase := strings.Join(words[len(words)-8:len(words)-1], " ")
	ctx := tab(t)
	do(t, ctx, chromedp.Navigate(fileURL(dir, "objectives/1.1/index.html")))
	got := results(t, ctx, phrase)
	want := "../../" + act.Ref.Page + "#" + act.Ref.Fragment
	found := false
	for _, h := range got {
		found = found || h == want
	}
	if !found {
		t.Fatalf("results for %q = %q, want %s among them", phrase, got, want)
	}
	// The link resolves to the activity's element.
	do(t, ctx, chromedp.Navigate(fileURL(dir, "objectives/1.1/"+want)))
	if id := eval[string](t, ctx, `document.querySelector(":target") ? document.querySelector(":target").id : ""`); id != act.Ref.Fragment {
		t.Errorf("the result's link targets %q, want %q", id, act.Ref.Fragment)
	}
}

func TestKeyboard(t *testing.T) {
	dir, _ := cbp(t)
	ctx := tab(t)
	do(t, ctx, chromedp.Navigate(fileURL(dir, "goals/1/index.html")))
	got := results(t, ctx, "trade")
	var err error
	if len(got) < 3 || !strings.HasPrefix(got[0], "../../") {
		t.Fatalf("results for trade = %q, want at least 3", got)
	}
	focused := func() string {
		return eval[string](t, ctx, `document.activeElement.id || document.activeElement.getAttribute("href") || ""`)
	}
	key := func(k string) { do(t, ctx, chromedp.KeyEvent(k)) }
	key(kb.ArrowDown)
	if f := focused(); f != got[0] {
		t.Fatalf("ArrowDown from the box focuses %q, want the first result %q", f, got[0])
	}
	key(kb.ArrowDown)
	if f := focused(); f != got[1] {
		t.Errorf("second ArrowDown focuses %q, want %q", f, got[1])
	}
	key(kb.ArrowUp)
	key(kb.ArrowUp)
	if f := focused(); f != "search-input" {
		t.Errorf("ArrowUp from the first result focuses %q, want the search box", f)
	}
	key(kb.Escape)
	if !eval[bool](t, ctx, `document.querySelector(".search-results").hidden`) {
		t.Error("Escape does not close the results")
	}
	if f := focused(); f != "search-input" {
		t.Errorf("after Escape the focus is on %q, want the search box", f)
	}
	key(kb.ArrowDown)
	if f := focused(); f != got[0] {
		t.Fatalf("ArrowDown after Escape focuses %q, want the first result", f)
	}
	key(kb.Enter)
	want := fileURL(dir, strings.TrimPrefix(got[0], "../../"))
	var at string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		// The navigation replaces the page's context, so evaluations
		// can fail while it happens.
		if at, err = chromedp.Run(ctx, chromedp.Evaluate[string]("location.href")); err == nil && at == want {
			return
		}
	}
	t.Errorf("Enter on the first result did not open %s (at %s)", want, at)
}

// TestServedWithIntegrity serves a site built with a base URL under a
// sub-path with a strict Content-Security-Policy: integrity attributes are
// written and match, the style sheet applies and search works.
func TestServedWithIntegrity(t *testing.T) {
	root, err := os.OpenRoot(sitetest.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	site, errs := build.Build(context.Background(), build.Config{Source: root.FS(), BaseURL: "https://example.org/plan/"})
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	out := filepath.Join(t.TempDir(), "public")
	if err := build.Write(site, out, false); err != nil {
		t.Fatal(err)
	}
	files := http.StripPrefix("/plan/", http.FileServer(http.Dir(out)))
	// The policy docs/deploy.md recommends: no inline code, nothing from
	// elsewhere.
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		files.ServeHTTP(w, r)
	}))
	defer ts.Close()
	ctx := tab(t)
	do(t, ctx, chromedp.Navigate(ts.URL+"/plan/objectives/2.1/index.html"))
	if n := eval[int](t, ctx, `[...document.querySelectorAll("link[rel=stylesheet], script[src]")].filter(e => !e.integrity.startsWith("sha384-")).length`); n != 0 {
		t.Errorf("%d style sheets or scripts have no integrity attribute", n)
	}
	if pos := eval[string](t, ctx, `getComputedStyle(document.getElementById("search-help")).position`); pos != "absolute" {
		t.Errorf("site.css is not applied (visually-hidden text has position %q)", pos)
	}
	got := results(t, ctx, "biometric")
	if len(got) == 0 || got[0] != "../../objectives/1.4/index.html" {
		t.Fatalf("results = %q, want ../../objectives/1.4/index.html first", got)
	}
	if !eval[bool](t, ctx, `!!document.querySelector("script[src*='search-index.'][integrity^='sha384-']")`) {
		t.Error("the index was not loaded with its integrity value")
	}
}
