package pdf

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stratpub/stratpub/internal/browser"
	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/resolve"
)

// Options adjust Make.
type Options struct {
	// Chromium is the browser to run; empty searches for one (see
	// browser.Find, which also reads $CHROMIUM).
	Chromium string
	// SourceDateEpoch is the value of $SOURCE_DATE_EPOCH; when set it is
	// the PDF's date, else the publication date is.
	SourceDateEpoch string
}

// Result is a PDF and what making it measured.
type Result struct {
	PDF    []byte
	Raw    []byte // Chromium's last PDF, before Fixup
	Pages  int
	Passes int // print passes until the contents' page numbers held still
	Fixes  Report
	// Numbers is the page of every heading the contents lists, by
	// element id.
	Numbers map[string]int
}

// ErrNoChromium wraps every failure to find a browser; its text says how
// to install one.
var ErrNoChromium = browser.ErrNotFound

// maxPasses bounds the print passes: the numbers can change the layout
// (a wider number wraps a line), which can move a heading.
const maxPasses = 4

// Make prints the print edition of a prepared publication to an
// accessible PDF with a headless Chromium it starts and stops.
func Make(ctx context.Context, prep *build.Prepared, opts Options) (*Result, error) {
	exe, err := browser.Find(opts.Chromium)
	if err != nil {
		if errors.Is(err, browser.ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("%w (%v)", ErrNoChromium, err)
	}
	bctx, cancel, err := browser.Start(ctx, exe)
	if err != nil {
		return nil, err
	}
	defer cancel()
	return Print(bctx, prep, opts)
}

// Print is Make with a browser already started by browser.Start: bctx is
// its context.
//
// It serves the site from memory on 127.0.0.1, prints the print edition,
// reads from that PDF the page of each heading the contents lists, renders
// the print edition again with those numbers, and prints again until the
// numbers hold. Chromium has no CSS target-counter, hence the passes.
func Print(bctx context.Context, prep *build.Prepared, opts Options) (*Result, error) {
	srv, err := Serve(prep)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	var numbers map[string]int
	res := &Result{}
	var raw []byte
	var links map[string][]string
	for pass := 1; ; pass++ {
		page, err := prep.Renderer.PrintEdition(numbers)
		if err != nil {
			return nil, err
		}
		srv.SetPrint(page)
		var ids []string
		links, ids, err = load(bctx, srv.URL+resolve.PrintPage)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return nil, errors.New("the print edition has no contents: the print template must link to its headings from a nav.contents element")
		}
		raw, err = chromedp.Run(bctx, chromedp.PrintToPDF(
			chromedp.PDFOutlineAndTagged(),
			chromedp.PDFPreferCSSPageSize(),
			chromedp.PDFPrintBackground(),
			chromedp.PDFStream(),
		))
		if err != nil {
			return nil, fmt.Errorf("printing: %w", err)
		}
		f, err := Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("reading Chromium's PDF: %w", err)
		}
		dests := f.Destinations()
		got := map[string]int{}
		var missing []string
		for _, id := range ids {
			if p, ok := dests[id]; ok {
				got[id] = p
			} else {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("the PDF has no destination for %s: each must be an element id of the print edition", strings.Join(missing, ", "))
		}
		res.Passes, res.Pages = pass, len(f.Pages())
		if maps.Equal(got, numbers) {
			break
		}
		if pass == maxPasses {
			return nil, fmt.Errorf("the contents' page numbers did not settle after %d passes", pass)
		}
		numbers = got
	}
	res.Numbers, res.Raw = numbers, raw
	pub := prep.Plan.Pub
	meta := Meta{
		Title:    pub.Title,
		Subject:  pub.Description,
		Author:   pub.Organization,
		Language: pub.Language,
		Date:     Date(&pub, opts.SourceDateEpoch),
		Links:    links,
		Origin:   srv.URL,
	}
	res.PDF, res.Fixes, err = Fixup(raw, meta)
	if err != nil {
		return nil, fmt.Errorf("post-processing the PDF: %w", err)
	}
	return res, nil
}

// linksJS lists the links of the page with their accessible text, keyed
// as the PDF's link annotations are: "#id" for in-page links, else the
// absolute URL.
const linksJS = `Array.from(document.querySelectorAll('a[href]')).map(a => {
  const h = a.getAttribute('href');
  const key = h.startsWith('#') ? '#' + decodeURIComponent(h.slice(1)) : a.href;
  const text = (a.getAttribute('aria-label') || a.innerText || a.textContent || '').replace(/\s+/g, ' ').trim();
  return [key, text];
})`

// contentsJS lists the element ids that the contents links to.
const contentsJS = `Array.from(document.querySelectorAll('nav.contents a[href^="#"]')).map(a => decodeURIComponent(a.getAttribute('href').slice(1)))`

// load navigates to url, waits for its fonts and returns its links and
// the ids its contents links to.
func load(bctx context.Context, url string) (links map[string][]string, contents []string, err error) {
	if err := chromedp.Do(bctx, chromedp.Navigate(url)); err != nil {
		return nil, nil, fmt.Errorf("loading %s: %w", url, err)
	}
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return nil, nil, fmt.Errorf("waiting for fonts: %w", err)
	}
	pairs, err := chromedp.Run(bctx, chromedp.Evaluate[[][2]string](linksJS))
	if err != nil {
		return nil, nil, fmt.Errorf("reading links: %w", err)
	}
	links = map[string][]string{}
	for _, p := range pairs {
		links[p[0]] = append(links[p[0]], p[1])
	}
	contents, err = chromedp.Run(bctx, chromedp.Evaluate[[]string](contentsJS))
	if err != nil {
		return nil, nil, fmt.Errorf("reading the contents: %w", err)
	}
	return links, contents, nil
}

// Date returns the date to write into the PDF: $SOURCE_DATE_EPOCH when
// given, else the publication date, else the zero time (no date). Never
// the clock, so that the same source gives the same PDF.
func Date(pub *plan.Publication, sourceDateEpoch string) time.Time {
	if sec, err := strconv.ParseInt(strings.TrimSpace(sourceDateEpoch), 10, 64); err == nil && sourceDateEpoch != "" {
		return time.Unix(sec, 0).UTC()
	}
	if t, err := time.Parse("2006-01-02", pub.Date); err == nil {
		return t
	}
	return time.Time{}
}

var nonSlug = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-z0-9]+`) })

// FileName returns the PDF's file name, made from the publication's
// title: "CBP Strategy 2021–2026" gives "cbp-strategy-2021-2026.pdf".
func FileName(pub *plan.Publication) string {
	s := strings.Trim(nonSlug().ReplaceAllString(strings.ToLower(pub.Title), "-"), "-")
	if s == "" {
		s = "publication"
	}
	return s + ".pdf"
}

// Server serves a prepared site from memory on 127.0.0.1, with the print
// edition replaceable between passes.
type Server struct {
	URL string // "http://127.0.0.1:PORT/"

	prep  *build.Prepared
	srv   *http.Server
	mu    sync.Mutex
	print []byte
}

// Serve starts a Server on a free loopback port.
func Serve(prep *build.Prepared) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String() + "/", prep: prep}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// SetPrint replaces the print edition served.
func (s *Server) SetPrint(page []byte) {
	s.mu.Lock()
	s.print = page
	s.mu.Unlock()
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// ServeHTTP serves one file of the site. A strict Content-Security-Policy
// keeps the page from reaching anything but this server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if p == "" || strings.HasSuffix(r.URL.Path, "/") {
		p = path.Join(p, "index.html")
	}
	var data []byte
	s.mu.Lock()
	if p == resolve.PrintPage && s.print != nil {
		data = s.print
	}
	s.mu.Unlock()
	if data == nil {
		d, ok, err := s.prep.Renderer.File(p)
		switch {
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		case !ok:
			http.NotFound(w, r)
			return
		}
		data = d
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'")
	if ct := mime.TypeByExtension(path.Ext(p)); ct != "" {
		h.Set("Content-Type", ct)
	}
	h.Set("Cache-Control", "no-store")
	w.Write(data)
}
