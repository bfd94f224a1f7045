package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/browser"
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

// stratpub build --pdf prints the PDF edition, publishes it with the site
// and links it from the home page, with its size.
func TestBuildWithPDF(t *testing.T) {
	if _, ok, err := browser.ForTest(); err != nil {
		t.Fatal(err)
	} else if !ok {
		t.Skip("no Chromium; set STRATPUB_BROWSER_TESTS=1 to make this an error")
	}
	out := filepath.Join(t.TempDir(), "public")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"build", "--pdf", "--source", sitetest.RepoRoot(t), "--out", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	pdfs, _ := filepath.Glob(filepath.Join(out, "*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("PDF files in the site: %v", pdfs)
	}
	data, err := os.ReadFile(pdfs[0])
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) || len(data) < 10000 {
		t.Fatalf("%s is not a PDF edition (%d bytes, %v)", pdfs[0], len(data), err)
	}
	home, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if name := filepath.Base(pdfs[0]); !bytes.Contains(home, []byte(`href="`+name+`"`)) {
		t.Errorf("the home page does not link %s", name)
	}
	if size := fmt.Sprintf("%d KB", (len(data)+512)>>10); !bytes.Contains(home, []byte(size)) {
		t.Errorf("the home page does not give the PDF's size, %s", size)
	}
}
