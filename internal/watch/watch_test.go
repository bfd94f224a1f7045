package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// harness runs a watcher on a fresh publication folder and records the
// batches it hands over.
type harness struct {
	t       *testing.T
	dir     string
	batches chan Batch
}

func start(t *testing.T, opts Options, slow func(Batch)) *harness {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"content/goal-1", "assets"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h := &harness{t: t, dir: dir, batches: make(chan Batch, 100)}
	h.write("content/goal-1/a.md", "first")
	w, err := New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.Run(ctx, func(_ context.Context, b Batch) {
			if slow != nil {
				slow(b)
			}
			h.batches <- b
		})
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return h
}

func (h *harness) write(name, data string) {
	h.t.Helper()
	if err := os.WriteFile(filepath.Join(h.dir, name), []byte(data), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// next returns the next batch, failing after a generous timeout.
func (h *harness) next() Batch {
	h.t.Helper()
	select {
	case b := <-h.batches:
		return b
	case <-time.After(5 * time.Second):
		h.t.Fatal("no batch within 5s")
	}
	return Batch{}
}

// until waits for a batch that holds path, failing after a generous
// timeout: the batches before it (the folders' own events, which a busy
// machine may hand over apart) are let pass.
func (h *harness) until(path string) {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case b := <-h.batches:
			if slices.Contains(b.Paths, path) {
				return
			}
		case <-deadline:
			h.t.Fatalf("no batch with %s within 5s", path)
		}
	}
}

// none asserts that no batch arrives for a while.
func (h *harness) none() {
	h.t.Helper()
	select {
	case b := <-h.batches:
		h.t.Fatalf("unexpected batch %v", b.Paths)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestSavePatterns(t *testing.T) {
	const file = "content/goal-1/a.md"
	tests := []struct {
		name string
		save func(h *harness)
		want []string
	}{
		{"plain write", func(h *harness) { h.write(file, "x") }, []string{file}},
		{"rename over (vim, JetBrains)", func(h *harness) {
			// vim: keep a backup, write the new file; JetBrains: write a
			// temporary file, rename it over the original.
			if err := os.Rename(filepath.Join(h.dir, file), filepath.Join(h.dir, file+"~")); err != nil {
				h.t.Fatal(err)
			}
			h.write("content/goal-1/.a.md.tmp", "new")
			if err := os.Rename(filepath.Join(h.dir, "content/goal-1/.a.md.tmp"), filepath.Join(h.dir, file)); err != nil {
				h.t.Fatal(err)
			}
		}, []string{file}},
		{"truncate then write (VS Code)", func(h *harness) {
			f, err := os.OpenFile(filepath.Join(h.dir, file), os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				h.t.Fatal(err)
			}
			time.Sleep(time.Millisecond)
			f.WriteString("after truncate")
			f.Close()
		}, []string{file}},
		{"emacs lock file, then save", func(h *harness) {
			if err := os.Symlink("user@host.1234", filepath.Join(h.dir, "content/goal-1/.#a.md")); err != nil {
				h.t.Fatal(err)
			}
			h.write("content/goal-1/#a.md#", "auto-save")
			h.write(file, "saved")
			os.Remove(filepath.Join(h.dir, "content/goal-1/.#a.md"))
		}, []string{file}},
		{"new folder with a new objective", func(h *harness) {
			if err := os.MkdirAll(filepath.Join(h.dir, "content/goal-2/more"), 0o755); err != nil {
				h.t.Fatal(err)
			}
			h.write("content/goal-2/more/2.1-new.md", "new objective")
		}, []string{"content/goal-2", "content/goal-2/more/2.1-new.md"}},
		{"stylesheet", func(h *harness) { h.write("assets/site.css", "body{}") }, []string{"assets/site.css"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, Options{Quiet: 100 * time.Millisecond}, nil) // one save, one batch, on a busy machine too
			tt.save(h)
			b := h.next()
			for _, w := range tt.want {
				if !slices.Contains(b.Paths, w) {
					t.Errorf("batch %v lacks %s", b.Paths, w)
				}
			}
			for _, p := range b.Paths {
				if filepath.Base(p)[0] == '.' || filepath.Base(p)[0] == '#' || p[len(p)-1] == '~' {
					t.Errorf("batch %v holds an ignored file %s", b.Paths, p)
				}
			}
			h.none()
		})
	}
}

func TestIgnoredFilesAlone(t *testing.T) {
	h := start(t, Options{}, nil)
	for _, name := range []string{".a.md.swp", ".a.md.swx", "a.md~", "#a.md#", ".#a.md", "_draft.md"} {
		h.write("content/goal-1/"+name, "editor litter")
	}
	h.write("notes.txt", "outside the watched parts")
	h.none()
	// Negative control: a real save is seen by the same watcher.
	h.write("content/goal-1/a.md", "x")
	if b := h.next(); !slices.Equal(b.Paths, []string{"content/goal-1/a.md"}) {
		t.Fatalf("batch %v; want the saved file", b.Paths)
	}
}

func TestBurstIsOneBatch(t *testing.T) {
	h := start(t, Options{Quiet: 100 * time.Millisecond, MaxDelay: 5 * time.Second}, nil)
	for i := range 50 {
		h.write("content/goal-1/a.md", string(rune('a'+i%26)))
		h.write("content/goal-1/b.md", "b")
	}
	b := h.next()
	if !slices.Equal(b.Paths, []string{"content/goal-1/a.md", "content/goal-1/b.md"}) {
		t.Fatalf("batch %v", b.Paths)
	}
	h.none()
}

// A save while a batch is being handled makes the next batch.
func TestLastSaveNeverLost(t *testing.T) {
	var once sync.Once
	busy := make(chan struct{})
	release := make(chan struct{})
	h := start(t, Options{}, func(Batch) {
		once.Do(func() { close(busy); <-release })
	})
	h.write("content/goal-1/a.md", "one")
	<-busy
	h.write("content/goal-1/b.md", "two")
	time.Sleep(50 * time.Millisecond) // the second save is collected while the first batch is handled
	close(release)
	if b := h.next(); !slices.Contains(b.Paths, "content/goal-1/a.md") {
		t.Fatalf("first batch %v", b.Paths)
	}
	// The first save's own later events (os.WriteFile truncates, then
	// writes) may join it when a busy machine pauses between them.
	if b := h.next(); !slices.Contains(b.Paths, "content/goal-1/b.md") {
		t.Fatalf("second batch %v; want the save made during the first", b.Paths)
	}
}

// Folders created after the start are watched: a later save inside one is
// seen.
func TestNewFolderWatched(t *testing.T) {
	h := start(t, Options{}, nil)
	if err := os.MkdirAll(filepath.Join(h.dir, "content/goal-9/deep"), 0o755); err != nil {
		t.Fatal(err)
	}
	h.next()
	time.Sleep(50 * time.Millisecond)
	h.write("content/goal-9/deep/9.1.md", "x")
	h.until("content/goal-9/deep/9.1.md")
	// A watched part created after the start is watched too.
	if err := os.MkdirAll(filepath.Join(h.dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	h.next()
	h.write("templates/base.html", "x")
	h.until("templates/base.html")
}
