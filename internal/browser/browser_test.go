package browser

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestStartEvaluate(t *testing.T) {
	exe, ok, err := ForTest()
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Skip("no Chromium; set STRATPUB_BROWSER_TESTS=1 to make this an error")
	}
	ctx, cancel, err := Start(context.Background(), exe)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("data:text/html,<title>x</title><p>hello</p>")); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[int]("1 + 2"))
	if err != nil || got != 3 {
		t.Fatalf("Evaluate = %v, %v; want 3", got, err)
	}
}

func TestFindExplicitMissing(t *testing.T) {
	if _, err := Find("/nonexistent/chromium"); err == nil {
		t.Fatal("Find of a missing path succeeded")
	}
}
