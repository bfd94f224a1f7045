// Package browser finds and starts headless Chromium for the PDF command
// and the browser tests, with the flags a locked-down machine needs: no
// sandbox when running as root, no GPU, no background network traffic, a
// fresh profile.
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"

	"github.com/chromedp/chromedp"
)

// ErrNotFound says that no Chromium could be found, and how to get one.
var ErrNotFound = errors.New("no Chromium found: install it (Debian: apt-get install chromium), or give its path with --chromium PATH or the CHROMIUM environment variable")

// Find returns the Chromium executable: explicit if not empty, else
// $CHROMIUM, else the first of the usual names on PATH.
func Find(explicit string) (string, error) {
	for _, c := range []string{explicit, os.Getenv("CHROMIUM")} {
		if c == "" {
			continue
		}
		p, err := exec.LookPath(c)
		if err != nil {
			return "", fmt.Errorf("chromium %q: %w", c, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}

// Start starts a headless Chromium at exe and returns a chromedp context
// for its first tab. cancel stops the browser and removes its profile.
func Start(ctx context.Context, exe string) (context.Context, context.CancelFunc, error) {
	dir, err := os.MkdirTemp("", "stratpub-chromium-")
	if err != nil {
		return nil, nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(dir),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
	}
	if runtime.GOOS == "linux" && os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		bcancel()
		acancel()
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("starting %s: %w", exe, err)
	}
	return bctx, func() {
		bcancel()
		acancel()
		os.RemoveAll(dir)
	}, nil
}

// ForTest returns the Chromium to use in tests. ok is false when browser
// tests should be skipped: no Chromium found and STRATPUB_BROWSER_TESTS is
// not set. With STRATPUB_BROWSER_TESTS=1 a missing Chromium is an error.
func ForTest() (exe string, ok bool, err error) {
	exe, err = Find("")
	if err == nil {
		return exe, true, nil
	}
	if os.Getenv("STRATPUB_BROWSER_TESTS") == "1" {
		return "", false, err
	}
	return "", false, nil
}
