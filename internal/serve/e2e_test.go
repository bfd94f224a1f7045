package serve

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/stratpub/stratpub/internal/browser"
)

// live is true once the page is loaded and subscribed to the server's
// events, so that a change made from then on reaches it.
const pageLive = `document.readyState === "complete" && window.stratpubLive === true`

// waitFor evaluates a JavaScript expression until it is true. It keeps
// trying across reloads, when evaluation fails while the page changes.
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s (%s)", what, expr)
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func TestBrowserLiveReload(t *testing.T) {
	exe, ok, err := browser.ForTest()
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Skip("no Chromium; set STRATPUB_BROWSER_TESTS=1 to make this an error")
	}
	l := startLive(t, copyCBP(t))
	ctx, cancel, err := browser.Start(context.Background(), exe)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1000, 600), chromedp.Navigate(l.base+"objectives/1.3/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the page and its event stream", pageLive)

	// Scroll, then edit the objective's Markdown on disk.
	y := eval[float64](t, ctx, `window.scrollTo({top: 700, behavior: "instant"}), scrollY`)
	if y < 100 {
		t.Fatalf("the page cannot scroll (scrollY %v): %s", y, eval[string](t, ctx, `JSON.stringify([document.documentElement.scrollHeight, innerHeight, document.title, getComputedStyle(document.documentElement).overflow, getComputedStyle(document.body).overflow, document.styleSheets.length])`))
	}
	eval[bool](t, ctx, `window.stratpubMark = 1, true`)
	obj := l.read(objFile)
	l.write(objFile, obj+"\nA sentence written while the page was open.\n")
	waitFor(t, ctx, "the new text", `document.body.innerText.includes("A sentence written while the page was open.")`)
	waitFor(t, ctx, "the reloaded page and its event stream", pageLive)
	if got := eval[float64](t, ctx, `scrollY`); math.Abs(got-y) > 2 {
		t.Errorf("scroll position %v after the reload; want %v", got, y)
	}
	if eval[bool](t, ctx, `window.stratpubMark === 1`) {
		t.Error("the page did not reload for a content change")
	}

	// Break the front matter: the overlay names the file and line, as a
	// modal dialog with the focus in it.
	l.write(objFile, strings.Replace(obj, `title: "Secure and Compliant Trade"`, `title: "Secure and Compliant Trade`, 1))
	waitFor(t, ctx, "the overlay", `!!document.querySelector("#stratpub-error[open]")`)
	text := eval[string](t, ctx, `document.getElementById("stratpub-error").innerText`)
	if !strings.Contains(text, objFile+":"+strconv.Itoa(titleLine(t, obj))+":") || !strings.Contains(text, "invalid front matter") {
		t.Errorf("overlay text:\n%s", text)
	}
	if got := eval[string](t, ctx, `document.activeElement.closest("dialog") ? document.activeElement.closest("dialog").id : document.activeElement.tagName`); got != "stratpub-error" {
		t.Errorf("focus is on %s, not in the dialog", got)
	}
	if eval[string](t, ctx, `document.querySelector("#stratpub-error h2").textContent`) == "" {
		t.Error("the dialog has no heading")
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "Escape to close the overlay", `!document.querySelector("#stratpub-error[open]")`)

	// Fix it: the overlay goes by itself.
	l.write(objFile, obj)
	waitFor(t, ctx, "the overlay to go", `document.readyState === "complete" && !document.getElementById("stratpub-error") && document.body.innerText.includes("Secure and Compliant Trade")`)
	waitFor(t, ctx, "the reloaded page's event stream", pageLive)

	// A stylesheet change swaps the stylesheet; the page is not reloaded.
	eval[bool](t, ctx, `window.stratpubMark = 2, true`)
	l.write("assets/site.css", l.read("assets/site.css")+"\nmain { border-top: 7px solid rgb(1, 2, 3); }\n")
	waitFor(t, ctx, "the new style", `getComputedStyle(document.querySelector("main")).borderTopWidth === "7px"`)
	if !eval[bool](t, ctx, `window.stratpubMark === 2`) {
		t.Error("the page reloaded for a stylesheet change")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('link[rel="stylesheet"][href*="site."]').length`); n != 1 {
		t.Errorf("%d site stylesheets after the swap; want 1", n)
	}
}
