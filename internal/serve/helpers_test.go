package serve

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/sitetest"
	"github.com/stratpub/stratpub/internal/watch"
)

// copyCBP copies the CBP publication at the repository root into a
// temporary folder: tests edit the copy, never the real content.
func copyCBP(t testing.TB) string {
	t.Helper()
	src := sitetest.RepoRoot(t)
	dst := t.TempDir()
	for _, part := range watch.Parts() {
		from := filepath.Join(src, part)
		if _, err := os.Stat(from); err != nil {
			continue
		}
		err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			to := filepath.Join(dst, rel)
			if d.IsDir() {
				return os.MkdirAll(to, 0o755)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(to, b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// syncBuffer is a log the server writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// live is a running preview server with one event-stream client.
type live struct {
	t       testing.TB
	dir     string
	base    string // "http://127.0.0.1:PORT/"
	log     *syncBuffer
	events  chan string
	client  *http.Client
	stop    func() error
	rebuilt chan diag.List
	srv     *Server
}

func startLive(t testing.TB, dir string) *live {
	t.Helper()
	l := &live{t: t, dir: dir, log: &syncBuffer{}, events: make(chan string, 100), rebuilt: make(chan diag.List, 100),
		client: &http.Client{Transport: &http.Transport{}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	ctx, cancel := context.WithCancel(context.Background())
	// The watcher waits for 100 ms of quiet rather than a few: a step
	// that writes several files must make one batch, however long a busy
	// machine pauses the test between two writes.
	srv, err := New(ctx, dir, Options{Log: l.log, Watch: watch.Options{Quiet: 100 * time.Millisecond},
		Rebuilt: func(_ []string, errs diag.List) { l.rebuilt <- errs }})
	if err != nil {
		t.Fatal(err)
	}
	l.srv = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.base = "http://" + ln.Addr().String() + "/"
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var once sync.Once
	var serr error
	l.stop = func() error {
		once.Do(func() {
			cancel()
			serr = <-done
			l.client.CloseIdleConnections()
		})
		return serr
	}
	t.Cleanup(func() { l.stop() })

	// The event stream, as a page opens it.
	resp, err := l.client.Get(l.base + "_stratpub/events")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("events: %s", resp.Status)
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				l.events <- name
			}
		}
	}()
	if e := l.event(); e != "hello" {
		t.Fatalf("first event %q; want hello", e)
	}
	return l
}

// event waits for the next event.
func (l *live) event() string {
	l.t.Helper()
	select {
	case e := <-l.events:
		return e
	case <-time.After(10 * time.Second):
		l.t.Fatal("no event within 10s")
	}
	return ""
}

// settle waits for the event of a change and for the rebuilds that follow
// it to end; it returns the last event and the errors of the last rebuild.
func (l *live) settle() (string, diag.List) {
	l.t.Helper()
	e := l.event()
	var errs diag.List
	select {
	case errs = <-l.rebuilt:
	case <-time.After(10 * time.Second):
		l.t.Fatal("no rebuild")
	}
	for {
		select {
		case e = <-l.events:
		case errs = <-l.rebuilt:
		case <-time.After(300 * time.Millisecond):
			return e, errs
		}
	}
}

// write replaces a file of the publication in one step (a hidden
// temporary file renamed over it, as vim saves): the watcher never sees it
// empty, however long the machine pauses between truncating and writing.
// The save patterns themselves are tested in package watch.
func (l *live) write(name, data string) {
	l.t.Helper()
	p := filepath.Join(l.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		l.t.Fatal(err)
	}
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".tmp")
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		l.t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		l.t.Fatal(err)
	}
}

// remove deletes a file of the publication.
func (l *live) remove(name string) {
	l.t.Helper()
	if err := os.Remove(filepath.Join(l.dir, filepath.FromSlash(name))); err != nil {
		l.t.Fatal(err)
	}
}

// rename renames a file or folder of the publication.
func (l *live) rename(from, to string) {
	l.t.Helper()
	if err := os.Rename(filepath.Join(l.dir, filepath.FromSlash(from)), filepath.Join(l.dir, filepath.FromSlash(to))); err != nil {
		l.t.Fatal(err)
	}
}

// fix writes a file that had been broken back, and checks that the server
// rebuilt without errors, told the pages to reload, and dropped the
// overlay from page.
func (l *live) fix(name, data, page string) {
	l.t.Helper()
	l.write(name, data)
	if e, errs := l.settle(); len(errs) > 0 || e != "reload" {
		l.t.Fatalf("fix: event %q, errors %v", e, errs)
	}
	if _, body := l.get(page); strings.Contains(body, "stratpub-error") {
		l.t.Error("overlay still there after the fix")
	}
}

func (l *live) read(name string) string {
	l.t.Helper()
	b, err := os.ReadFile(filepath.Join(l.dir, filepath.FromSlash(name)))
	if err != nil {
		l.t.Fatal(err)
	}
	return string(b)
}

// get fetches a site path.
func (l *live) get(p string) (*http.Response, string) {
	l.t.Helper()
	resp, err := l.client.Get(l.base + p)
	if err != nil {
		l.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		l.t.Fatal(err)
	}
	return resp, string(b)
}
