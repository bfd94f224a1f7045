// Package watch reports changes to the source files of a publication. It
// watches the configuration file and the content/, templates/, assets/ and
// images/ folders recursively, including folders created after it started,
// and hands changes over in batches: a burst of events (an editor's save,
// a checkout) becomes one batch once the folder has been quiet for a short
// while.
//
// Editors save in different ways: vim and JetBrains write a temporary file
// and rename it over the original, VS Code truncates the file and writes
// it, emacs creates ".#name" lock files and "#name#" auto-save files, vim
// leaves ".name.swp" and "name~". Watch ignores every name that load skips
// (load.Ignored) and turns the rest into a path of the batch, so the
// rename-over and the truncate-then-write both end as one change of the
// saved file. A change that arrives while the previous batch is being
// handled is never lost: it makes the next batch.
package watch

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/stratpub/stratpub/internal/load"
)

// Parts returns the files and folders of a publication that are watched,
// relative to its folder: the configuration file first, then the folders.
func Parts() []string {
	return []string{load.ConfigFile, load.ContentDir, "templates", "assets", "images"}
}

// Batch is one set of changes.
type Batch struct {
	// Paths are the changed files and folders, slash-separated, relative
	// to the publication folder, sorted.
	Paths []string
}

// Options tune the watcher. The zero value uses the defaults.
type Options struct {
	// Quiet is how long the folder must stay quiet after an event before
	// the batch is handed over. Default 5ms: editors write a file in
	// well under a millisecond, and every millisecond here is latency.
	Quiet time.Duration
	// MaxDelay bounds how long a continuous stream of events can delay a
	// batch. Default 250ms.
	MaxDelay time.Duration
}

// Watcher watches one publication folder.
type Watcher struct {
	root string
	fsw  *fsnotify.Watcher
	opts Options
}

// New starts watching the publication in dir. Close it, or run it until
// its context ends, to release the watches.
func New(dir string, opts Options) (*Watcher, error) {
	if opts.Quiet <= 0 {
		opts.Quiet = 5 * time.Millisecond
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = 250 * time.Millisecond
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &Watcher{root: abs, fsw: fsw, opts: opts}
	// The root is watched for the configuration file and for watched
	// folders created (or replaced) after the start.
	if err := fsw.Add(abs); err != nil {
		fsw.Close()
		return nil, err
	}
	for _, p := range Parts()[1:] {
		if _, err := w.addTree(filepath.Join(abs, p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			fsw.Close()
			return nil, err
		}
	}
	return w, nil
}

// Close stops watching.
func (w *Watcher) Close() error { return w.fsw.Close() }

// addTree watches dir and every folder under it that load does not skip.
// It returns the files found, relative to the root, so that files created
// in a new folder before its watch was in place are not missed.
func (w *Watcher) addTree(dir string) ([]string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil
		}
		if p != dir && load.Ignored(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return w.fsw.Add(p)
		}
		if rel, ok := w.rel(p); ok {
			found = append(found, rel)
		}
		return nil
	})
	return found, err
}

// rel returns the path of p relative to the root, and whether a change
// there can change the site.
func (w *Watcher) rel(p string) (string, bool) {
	r, err := filepath.Rel(w.root, p)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return "", false
	}
	r = filepath.ToSlash(r)
	parts := strings.Split(r, "/")
	top := parts[0]
	if len(parts) == 1 {
		// At the root only the configuration file and the watched
		// folders matter.
		for _, want := range Parts() {
			if top == want {
				return r, true
			}
		}
		return "", false
	}
	watched := false
	for _, want := range Parts()[1:] {
		watched = watched || top == want
	}
	if !watched {
		return "", false
	}
	for _, part := range parts[1:] {
		if load.Ignored(part) {
			return "", false
		}
	}
	return r, true
}

// Run hands batches of changes to handle, one at a time, until ctx ends,
// then closes the watcher. handle runs on its own goroutine, so events
// keep being collected while it works; they make the next batch.
func (w *Watcher) Run(ctx context.Context, handle func(context.Context, Batch)) error {
	defer w.fsw.Close()
	var (
		mu      sync.Mutex
		pending = map[string]bool{}
		kick    = make(chan struct{}, 1)
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-kick:
			}
			mu.Lock()
			b := Batch{Paths: make([]string, 0, len(pending))}
			for p := range pending {
				b.Paths = append(b.Paths, p)
			}
			clear(pending)
			mu.Unlock()
			if len(b.Paths) == 0 {
				continue
			}
			sort.Strings(b.Paths)
			handle(ctx, b)
		}
	}()
	defer wg.Wait()

	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var first time.Time // first event of the batch being collected
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return nil
			}
			// An overflow of the kernel's queue loses events: treat it as
			// a change of everything.
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				mu.Lock()
				pending[load.ContentDir] = true
				mu.Unlock()
				first, _ = arm(timer, first, w.opts)
			}
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return nil
			}
			if !w.event(ev, &mu, pending) {
				continue
			}
			first, _ = arm(timer, first, w.opts)
		case <-timer.C:
			first = time.Time{}
			select {
			case kick <- struct{}{}:
			default: // a batch is already waiting; it takes these paths too
			}
		}
	}
}

// arm (re)starts the quiet timer, never beyond MaxDelay after the first
// event of the batch.
func arm(t *time.Timer, first time.Time, o Options) (time.Time, time.Duration) {
	now := time.Now()
	if first.IsZero() {
		first = now
	}
	d := o.Quiet
	if left := first.Add(o.MaxDelay).Sub(now); left < d {
		d = max(left, 0)
	}
	t.Reset(d)
	return first, d
}

// event records one fsnotify event; it reports whether it is a change.
func (w *Watcher) event(ev fsnotify.Event, mu *sync.Mutex, pending map[string]bool) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	rel, ok := w.rel(ev.Name)
	if !ok {
		return false
	}
	add := []string{rel}
	if ev.Has(fsnotify.Create) {
		if st, err := os.Lstat(ev.Name); err == nil && st.IsDir() {
			found, _ := w.addTree(ev.Name)
			add = append(add, found...)
		}
	}
	mu.Lock()
	for _, p := range add {
		pending[p] = true
	}
	mu.Unlock()
	return true
}
