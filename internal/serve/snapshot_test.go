package serve

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/export"
	"github.com/stratpub/stratpub/internal/render"
	"github.com/stratpub/stratpub/internal/sitetest"
)

// TestInjectorAsInject writes pages to an injector in pieces of every size
// and checks that it gives what inject gives the whole page.
func TestInjectorAsInject(t *testing.T) {
	pages := []string{
		"",
		"no body at all",
		"<html><body><p>x</p></body></html>\n",
		"<body>one</body> and after </body>, the last\n</html>",
		"</body>",
		"</body></body></body>",
		"ends with a part </bo",
		"</bod</body",
		strings.Repeat("<p>long text</p>\n", 5000) + "</main></body>\n</html>\n",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, page := range pages {
		want := inject([]byte(page), "[EXTRA]")
		for _, size := range []int{1, 2, 3, 6, 7, 8, 64, 4096, 0} {
			got := injected(t, page, func() int {
				if size == 0 {
					return 1 + rng.IntN(20)
				}
				return size
			})
			if !bytes.Equal(got, want) {
				t.Errorf("%.40q in pieces of %d: got %.80q, want %.80q", page, size, got, want)
			}
		}
	}
}

func injected(t *testing.T, page string, size func() int) []byte {
	t.Helper()
	var out bytes.Buffer
	j := &injector{w: &out, extra: "[EXTRA]"}
	for rest := page; len(rest) > 0; {
		n := min(size(), len(rest))
		if _, err := j.Write([]byte(rest[:n])); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestInjectorHoldsLittle checks that an injector holds back only the end
// of a page, not the page.
func TestInjectorHoldsLittle(t *testing.T) {
	var out bytes.Buffer
	j := &injector{w: &out, extra: "[EXTRA]"}
	line := []byte("<p>a paragraph of the print edition</p>\n")
	for range 10000 {
		j.Write(line)
		if len(j.held) > len(endBody) {
			t.Fatalf("holds %d bytes after %d written", len(j.held), out.Len())
		}
	}
}

// TestLargeFilesStreamed checks that the print edition and the open data
// files are served whole, as the build writes them, and that the snapshot
// keeps none of them, while it keeps the pages.
func TestLargeFilesStreamed(t *testing.T) {
	l := startLive(t, copyCBP(t))
	site := sitetest.Site(t, l.dir)
	large := append([]string{"print/index.html"}, export.Paths()...)
	snap := l.srv.snap.Load()
	for _, p := range large {
		if !snap.large(p) {
			t.Errorf("%s is not streamed", p)
		}
		i := slices.IndexFunc(site.Files, func(f render.File) bool { return f.Path == p })
		if i < 0 {
			t.Fatalf("the build has no %s", p)
		}
		built := site.Files[i].Data
		resp, got := l.get(p)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s", p, resp.Status)
		}
		if resp.ContentLength != -1 {
			t.Errorf("%s: Content-Length %d; a streamed file has none", p, resp.ContentLength)
		}
		if want := contentType(p, nil); resp.Header.Get("Content-Type") != want {
			t.Errorf("%s: Content-Type %q, want %q", p, resp.Header.Get("Content-Type"), want)
		}
		if strings.HasSuffix(p, ".html") {
			if why := servedEquals([]byte(got), built); why != "" {
				t.Errorf("%s: %s", p, why)
			}
		} else if got != string(built) {
			t.Errorf("%s: %d bytes served, the build wrote %d", p, len(got), len(built))
		}
		if _, kept := snap.cache.Load(p); kept {
			t.Errorf("%s: the snapshot kept it", p)
		}
		head, err := l.client.Head(l.base + p)
		if err != nil {
			t.Fatal(err)
		}
		head.Body.Close()
		if head.StatusCode != http.StatusOK || head.Header.Get("Content-Type") != contentType(p, nil) {
			t.Errorf("HEAD %s: %s, %q", p, head.Status, head.Header.Get("Content-Type"))
		}
	}
	// The control: a page is kept once served.
	page := "objectives/1.1/index.html"
	if snap.large(page) {
		t.Errorf("%s is streamed", page)
	}
	l.get(page)
	if _, kept := snap.cache.Load(page); !kept {
		t.Errorf("%s: the snapshot did not keep it", page)
	}
}
