package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/sitetest"
)

func TestPDFNoChromium(t *testing.T) {
	t.Setenv("CHROMIUM", "/nonexistent/chromium")
	out := filepath.Join(t.TempDir(), "plan.pdf")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"pdf", "--source", sitetest.RepoRoot(t), "--out", out}, &stdout, &stderr)
	if code != exitContent {
		t.Errorf("exit %d; want %d", code, exitContent)
	}
	msg := stderr.String()
	for _, want := range []string{"stratpub pdf:", "no Chromium found", "apt-get install chromium", "--chromium PATH", "CHROMIUM", "/nonexistent/chromium"} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr lacks %q:\n%s", want, msg)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a PDF was written")
	}
}

func TestPDFUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"pdf", "extra"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("exit %d; want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "--chromium") {
		t.Errorf("usage lacks --chromium:\n%s", stderr.String())
	}
}
