package a11y_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/stratpub/stratpub/internal/a11y"
	"github.com/stratpub/stratpub/internal/sitetest"
)

var (
	shots    = flag.String("shots", "", "write full-page screenshots of the main page kinds to this folder (TestScreenshots)")
	shotSite = flag.String("shots-site", "", "with -shots: photograph this built site instead of building the publication at the repository root")
)

// TestScreenshots writes full-page PNGs of the home page, a goal, an
// objective, the summary and the key-activities index at 375 and 1280 px,
// light and dark, for a person to look at:
//
//	go test ./internal/a11y -run TestScreenshots -shots /tmp/shots
//
// Without -shots it is skipped: pictures are reviewed by eye, not asserted.
func TestScreenshots(t *testing.T) {
	if *shots == "" {
		t.Skip("pass -shots DIR to write screenshots")
	}
	ctx := tab(t)
	out := *shotSite
	if out == "" {
		out, _ = sitetest.CBP(t)
	}
	base := serve(t, out)
	if err := os.MkdirAll(*shots, 0o755); err != nil {
		t.Fatal(err)
	}
	pages := []string{"index.html", "goals/1/index.html", "objectives/1.3/index.html", "summary/index.html", "activities/index.html"}
	for _, p := range pages {
		for _, v := range views {
			v.Height = 800
			if err := a11y.Emulate(ctx, v); err != nil {
				t.Fatal(err)
			}
			load(t, ctx, base+"/"+p, nil)
			height, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
			if err != nil {
				t.Fatal(err)
			}
			// Tall pages are cut into parts a screen high, so that each
			// picture stays legible in an image viewer.
			part := float64(v.Width) * 1.25
			name := strings.NewReplacer("/index.html", "", "/", "-", ".html", "").Replace(p)
			for i, y := 1, 0.0; y < height; i, y = i+1, y+part {
				png, err := chromedp.Run(ctx, clip(y, float64(v.Width), min(part, height-y)))
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(*shots, name+"-"+v.Scheme+"-"+itoa(v.Width)+"-"+itoa(int64(i))+".png")
				if err := os.WriteFile(file, png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// clip captures a PNG of the page region from y, w wide and h high.
func clip(y, w, h float64) chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		yes := true
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Clip:                  &page.Viewport{X: 0, Y: y, Width: w, Height: h, Scale: 1},
			CaptureBeyondViewport: &yes,
			FromSurface:           &yes,
		})
		return r.Data, err
	}
}
