package serve

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net"
	"net/http"
	"path"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/watch"
)

// Reserved paths, outside anything a build writes (load skips names that
// start with "_").
const (
	reloadPath  = "/_stratpub/reload.js"
	overlayPath = "/_stratpub/overlay.css"
	eventsPath  = "/_stratpub/events"
)

var (
	//go:embed client/reload.js
	reloadJS []byte
	//go:embed client/overlay.css
	overlayBaseCSS []byte
)

// Options configure a Server. The zero value is ready to use.
type Options struct {
	// Log receives what the terminal shows: rebuilds and errors as
	// path:line:col: message. Nil discards it.
	Log io.Writer
	// Watch tunes the file watcher (debounce).
	Watch watch.Options
	// Rebuilt, when set, is called after every rebuild with the changed
	// paths and the errors (empty when the rebuild succeeded), before the
	// open pages are sent their event.
	Rebuilt func(paths []string, errs diag.List)
}

// Server is the live preview of one publication.
type Server struct {
	dir     string
	root    *load.Root
	watcher *watch.Watcher
	opts    Options
	log     io.Writer
	css     []byte
	hub     *hub

	cache build.Cache // work kept between rebuilds

	snap atomic.Pointer[snapshot] // the last good site, nil before the first
	fail atomic.Pointer[failure]  // the errors of the last rebuild, if it failed

	// since are the paths changed since the last good site, while rebuilds
	// fail, so that the edit that fixes them can patch that site; sinceAll
	// is set when a rebuild did not know which (the first). Only rebuild
	// uses them, one batch at a time.
	since    []string
	sinceAll bool

	closeOnce sync.Once
}

// failure is a failed rebuild, as the overlay shows it.
type failure struct {
	errs    diag.List
	overlay string
}

// extra is what the server adds to an HTML page before its </body>: the
// reload script, after the overlay while the last rebuild failed (f not
// nil).
func (f *failure) extra() string {
	if f == nil {
		return reloadTag
	}
	return f.overlay + reloadTag
}

// New watches and builds the publication in dir. Errors in the content do
// not stop it: the server then shows them in the page until they are
// fixed. Serve it, or Close it.
func New(ctx context.Context, dir string, opts Options) (*Server, error) {
	root, err := load.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the publication folder: %w", err)
	}
	css, err := overlayCSS(overlayBaseCSS)
	if err != nil {
		root.Close()
		return nil, err
	}
	// Watch before building, so that no change between the two is lost.
	w, err := watch.New(dir, opts.Watch)
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("cannot watch %s: %w", dir, err)
	}
	s := &Server{dir: dir, root: root, watcher: w, opts: opts, log: opts.Log, css: css, hub: newHub()}
	if s.log == nil {
		s.log = io.Discard
	}
	s.rebuild(ctx, watch.Batch{})
	return s, nil
}

// Close releases the watcher and the publication folder of a server that
// is not being served. Serve closes them itself when it returns.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.hub.close()
		s.watcher.Close()
		s.root.Close()
	})
	return nil
}

// Serve serves the preview on ln and rebuilds on every change, until ctx
// ends. Then it closes the event streams, shuts the HTTP server down,
// stops watching and returns; it leaves no goroutine behind.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer s.Close()
	srv := &http.Server{
		Handler:           s.handler(newHostCheck(ln.Addr())),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute, // idle keep-alive connections do not pile up
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	var wg sync.WaitGroup
	werr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		werr <- s.watcher.Run(ctx, s.rebuild)
	}()
	herr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		herr <- srv.Serve(ln)
	}()
	var err error
	select {
	case <-ctx.Done():
	case err = <-herr:
	}
	s.hub.close()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil {
		srv.Close()
	}
	// The watcher ends with ctx; when the HTTP server failed first, close
	// it to end it.
	if ctx.Err() == nil {
		s.watcher.Close()
	}
	wg.Wait()
	if err == nil {
		err = <-herr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if werr := <-werr; err == nil {
		err = werr
	}
	return err
}

// rebuild prepares the publication again and, when that succeeds, swaps
// the snapshot; then it tells the open pages.
func (s *Server) rebuild(ctx context.Context, b watch.Batch) {
	start := time.Now()
	s.cache.Docs.Forget(b.Paths...)
	cfg := build.Config{Source: s.root.FS(), LazyData: true, Cache: &s.cache, Told: b.Paths != nil}
	var prep *build.Prepared
	var errs diag.List
	how := "" // what was done again, for the log
	prev := s.snap.Load()
	failing := s.fail.Load() != nil
	var shown diag.List // problems shown before Prepare ended
	// Rebuilt hears of the rebuild before the pages do, so that whoever
	// waits for an event knows how the rebuild went when it arrives.
	tell := func(e event, errs diag.List) {
		if s.opts.Rebuilt != nil {
			s.opts.Rebuilt(b.Paths, errs)
		}
		s.hub.send(e)
	}
	switch {
	case prev != nil && !failing && themeOnly(b.Paths):
		// The plan cannot have changed: render it again with the new theme.
		prep, errs = prev.prep.Retheme(cfg)
		how = "; theme only"
	case prev != nil && b.Paths != nil && !(failing && s.sinceAll):
		// Most saves change what is inside a document (texts, titles,
		// references, outcomes and activities) or what the pages show of
		// the configuration: read those files again and reuse the rest;
		// anything else prepares it all again. After failed rebuilds, the
		// last good site is patched with everything changed since, so
		// that the save that fixes an error is as quick as any other; an
		// error is reported by Prepare.
		paths := b.Paths
		if failing {
			paths = append(slices.Clip(s.since), b.Paths...)
		}
		var ok bool
		if prep, ok = prev.prep.Patch(ctx, cfg, paths); ok {
			if prep == prev.prep && !failing {
				// Saved without a change: the site is the same, and the
				// pages keep their place.
				fmt.Fprintf(s.log, "no change in %s; nothing rebuilt\n", strings.Join(b.Paths, ", "))
				return
			}
			how = "; documents only"
			if slices.Contains(b.Paths, load.ConfigFile) {
				how = "; configuration and documents only"
				if len(b.Paths) == 1 {
					how = "; configuration only"
				}
			}
		} else {
			// Problems the changed files show on their own are shown at
			// once; Prepare, which takes a while on a large publication,
			// then reports them all.
			if shown = prev.prep.Problems(cfg, paths); len(shown) > 0 {
				s.fail.Store(&failure{errs: shown, overlay: overlay(shown, s.root.FS(), true)})
				tell(event{name: "reload", data: "{}"}, shown)
			}
			prep, errs = build.Prepare(ctx, cfg)
		}
	default:
		prep, errs = build.Prepare(ctx, cfg)
	}
	if ctx.Err() != nil {
		return
	}
	changed := strings.Join(b.Paths, ", ")
	if len(errs) > 0 {
		if b.Paths == nil {
			s.sinceAll = true
		}
		s.since = append(s.since, b.Paths...)
		errs.Sort()
		s.fail.Store(&failure{errs: errs, overlay: overlay(errs, s.root.FS(), s.snap.Load() != nil)})
		for _, e := range errs {
			fmt.Fprintln(s.log, e.Error())
		}
		fmt.Fprintf(s.log, "%d error%s; still serving the last good version\n", len(errs), plural(len(errs)))
		if !slices.EqualFunc(errs, shown, func(a, b *diag.Error) bool { return a.Error() == b.Error() }) {
			tell(event{name: "reload", data: "{}"}, errs)
		}
		return
	}
	s.since, s.sinceAll = nil, false
	cur := newSnapshot(prep)
	old := s.snap.Swap(cur)
	s.fail.Store(nil)
	switch {
	case b.Paths == nil:
		fmt.Fprintf(s.log, "built %d files in %d ms\n", cur.prep.Renderer.Count(), time.Since(start).Milliseconds())
	case failing:
		fmt.Fprintf(s.log, "fixed; rebuilt in %d ms (%s%s)\n", time.Since(start).Milliseconds(), changed, how)
	default:
		fmt.Fprintf(s.log, "rebuilt in %d ms (%s%s)\n", time.Since(start).Milliseconds(), changed, how)
	}
	if old != nil && !failing && cssOnly(b.Paths) {
		data, _ := json.Marshal(cssChanges(old, cur))
		tell(event{name: "css", data: string(data)}, nil)
		return
	}
	tell(event{name: "reload", data: "{}"}, nil)
}

// themeOnly reports whether every changed path is a template or an asset
// of the publication, which cannot change its plan.
func themeOnly(paths []string) bool {
	for _, p := range paths {
		if !strings.HasPrefix(p, "templates/") && !strings.HasPrefix(p, "assets/") {
			return false
		}
	}
	return len(paths) > 0
}

// cssOnly reports whether every changed path is a stylesheet of the
// theme: then open pages swap it instead of reloading.
func cssOnly(paths []string) bool {
	for _, p := range paths {
		if !strings.HasPrefix(p, "assets/") || !strings.HasSuffix(p, ".css") {
			return false
		}
	}
	return len(paths) > 0
}

// handler answers every request.
func (s *Server) handler(hosts hostCheck) http.Handler {
	return recoverPanics(s.log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'self'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		if !hosts.ok(r.Host) {
			http.Error(w, "forbidden: unknown host "+strconv.Quote(r.Host)+"; open the address stratpub serve printed", http.StatusForbidden)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		switch r.URL.Path {
		case reloadPath:
			s.write(w, r, http.StatusOK, "text/javascript; charset=utf-8", reloadJS)
			return
		case overlayPath:
			s.write(w, r, http.StatusOK, "text/css; charset=utf-8", s.css)
			return
		case eventsPath:
			s.serveEvents(w, r)
			return
		}
		p, ok := sitePath(r)
		if !ok {
			http.Error(w, "bad request: refused path", http.StatusBadRequest)
			return
		}
		s.serveSite(w, r, p)
	}))
}

// recoverPanics answers 500 when h panics, and logs the panic, instead of
// letting net/http drop the connection.
func recoverPanics(log io.Writer, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				fmt.Fprintf(log, "internal error serving %s: %v\n%s", r.URL.Path, v, debug.Stack())
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// serveSite answers a request for the site path p from the snapshot.
func (s *Server) serveSite(w http.ResponseWriter, r *http.Request, p string) {
	snap := s.snap.Load()
	fail := s.fail.Load()
	if snap == nil {
		// Nothing has built yet: every page is the error page.
		var errs diag.List
		if fail != nil {
			errs = fail.errs
		}
		s.errorPage(w, r, errs, fail)
		return
	}
	if snap.large(p) {
		s.stream(w, r, snap, p, fail)
		return
	}
	status := http.StatusOK
	data, ok, err := snap.file(p)
	if !ok && err == nil {
		if snap.has(p + "/index.html") {
			http.Redirect(w, r, "/"+p+"/", http.StatusMovedPermanently)
			return
		}
		status = http.StatusNotFound
		p = "404.html"
		data, ok, err = snap.file(p)
		if !ok && err == nil {
			http.NotFound(w, r)
			return
		}
	}
	if err != nil {
		s.errorPage(w, r, s.renderFailed(err), nil)
		return
	}
	ctype := contentType(p, data)
	if strings.HasPrefix(ctype, "text/html") {
		data = inject(data, fail.extra())
	}
	s.write(w, r, status, ctype, data)
}

// renderFailed logs a problem met making a file of the site, and returns
// it for the error page.
func (s *Server) renderFailed(err error) diag.List {
	var de *diag.Error
	errs := diag.List{{Msg: err.Error()}}
	if errors.As(err, &de) {
		errs = diag.List{de}
	}
	fmt.Fprintln(s.log, errs[0].Error())
	return errs
}

// stream answers a request for a file that holds the whole publication
// (snapshot.large) as it is made, keeping none of it: it has no
// Content-Length. A problem found before anything was sent gets the error
// page; after, the response is cut short, so that the browser does not
// take a part of the file for the whole.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, snap *snapshot, p string, fail *failure) {
	ctype := contentType(p, nil)
	h := w.Header()
	h.Set("Content-Type", ctype)
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	sent := &sentWriter{w: w}
	buf := bufio.NewWriterSize(sent, 64<<10)
	var out io.Writer = buf
	var inj *injector
	if strings.HasPrefix(ctype, "text/html") {
		inj = &injector{w: buf, extra: fail.extra()}
		out = inj
	}
	_, err := snap.prep.Renderer.WriteFile(p, out)
	if err == nil && inj != nil {
		err = inj.Close()
	}
	if err == nil {
		err = buf.Flush()
	}
	if err == nil || sent.err != nil { // done, or the browser went away
		return
	}
	errs := s.renderFailed(err)
	if sent.n > 0 {
		panic(http.ErrAbortHandler)
	}
	s.errorPage(w, r, errs, nil)
}

// sentWriter counts the bytes written to an http.ResponseWriter, and
// keeps its error.
type sentWriter struct {
	w   http.ResponseWriter
	n   int64
	err error
}

func (s *sentWriter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.n += int64(n)
	if err != nil && s.err == nil {
		s.err = err
	}
	return n, err
}

// errorPage answers with a page that holds only the overlay: used when no
// version of the site has built yet, or a page fails to render.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, errs diag.List, fail *failure) {
	markup := ""
	if fail != nil {
		markup = fail.overlay
	} else {
		markup = overlay(errs, s.root.FS(), false)
	}
	page := `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Build error — stratpub serve</title></head>
<body>
<main><h1>The site could not be built</h1><p>` + html.EscapeString(fmt.Sprintf("%d error%s", len(errs), plural(len(errs)))) + `; see the terminal or the dialog.</p></main>
` + markup + reloadTag + `
</body>
</html>
`
	s.write(w, r, http.StatusInternalServerError, "text/html; charset=utf-8", []byte(page))
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, status int, ctype string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// types are the content types of the files a site holds; others come
// from the mime package, then from sniffing.
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".json": "application/json",
	".xml":  "application/xml",
	".txt":  "text/plain; charset=utf-8",
	".csv":  "text/csv; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".webp": "image/webp",
	".pdf":  "application/pdf",
}

func contentType(p string, data []byte) string {
	ext := strings.ToLower(path.Ext(p))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return http.DetectContentType(data)
}
