// Package write puts a rendered site on disk, atomically: the files are
// written to a temporary folder beside the output folder and swapped in
// only when all of them are written, so that the output folder always holds
// either the previous site or the new one, whole. No file of an earlier
// build survives. A marker file records that stratpub owns the folder; a
// non-empty folder without it is never replaced unless forced.
package write

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/stratpub/stratpub/internal/parallel"
	"github.com/stratpub/stratpub/internal/render"
)

// Marker is the name of the file that marks a folder written by stratpub.
const Marker = ".stratpub-output"

const markerText = "This folder is written by stratpub build. Each build replaces all of it.\n"

// ErrNotOurs is returned when the output folder holds files stratpub did
// not write.
var ErrNotOurs = errors.New("output folder holds files stratpub did not write")

// Options adjust writing.
type Options struct {
	// Force replaces a non-empty output folder that has no marker.
	Force bool
}

// Source is what Dir writes: the paths of the site's files and, for each,
// its contents. render.Renderer is one: it renders each page when asked.
type Source interface {
	Paths() []string
	File(path string) (data []byte, ok bool, err error)
}

// Streamer is a Source that writes its files itself, without making each
// one whole in memory first (render.Renderer is one). Dir uses WriteFile
// instead of File when the source is a Streamer.
type Streamer interface {
	Source
	WriteFile(path string, w io.Writer) (ok bool, err error)
}

// Ordered is a Source that knows which of its files take longest to make:
// Dir starts them first, so that no large file is left alone at the end.
type Ordered interface {
	Source
	Slow() []string
}

// Files returns a Source over files already in memory.
func Files(files []render.File) Source {
	m := make(memory, len(files))
	for _, f := range files {
		m[f.Path] = f.Data
	}
	return m
}

type memory map[string][]byte

func (m memory) Paths() []string {
	out := make([]string, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (m memory) File(path string) ([]byte, bool, error) {
	b, ok := m[path]
	return b, ok, nil
}

// Dir writes the files of src to the folder out, replacing its contents.
// Files are produced and written in parallel, and each is dropped once
// written, so a large site never has to fit in memory.
func Dir(out string, src Source, opts Options) (err error) {
	// Work with absolute, clean paths: os.MkdirTemp does not clean the
	// paths it returns ("./.public.new-1"), and prefix checks below
	// compare cleaned paths.
	if out, err = filepath.Abs(out); err != nil {
		return err
	}
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	unlock, err := lock(out)
	if err != nil {
		return err
	}
	defer unlock()
	if err := Owned(out, opts.Force); err != nil {
		return err
	}
	removeStale(out)
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".new-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := writeAll(tmp, src); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, Marker), []byte(markerText), 0o644); err != nil {
		return err
	}
	return swap(tmp, out)
}

// swap replaces out by tmp. With renameat2(RENAME_EXCHANGE) the two swap
// in one step; elsewhere the old folder is moved aside first, and a reader
// may see no folder for an instant, but never a partial one.
func swap(tmp, out string) error {
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, out)
	}
	if err := exchange(tmp, out); err == nil {
		return os.RemoveAll(tmp) // tmp now holds the old site
	}
	old := tmp + ".old"
	if err := os.Rename(out, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		_ = os.Rename(old, out)
		return err
	}
	return os.RemoveAll(old)
}

// Owned checks that out may be replaced: it does not exist, is empty, or
// carries the marker (or force is set).
func Owned(out string, force bool) error {
	st, err := os.Lstat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("output %s exists and is not a folder", out)
	}
	if _, err := os.Stat(filepath.Join(out, Marker)); err == nil || force {
		return nil
	}
	es, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	if len(es) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s has %d entries and no %s marker", ErrNotOurs, out, len(es), Marker)
}

// removeStale removes the temporary folders that a build killed before
// its swap left beside out. The caller holds the lock, so no other build is
// writing them.
func removeStale(out string) {
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "."+globEscape(filepath.Base(out))+".new-*"))
	for _, p := range stale {
		_ = os.RemoveAll(p)
	}
}

// globEscape quotes the metacharacters of filepath.Match in s.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lock takes an exclusive lock beside out, so that two builds into the
// same folder run one after the other.
func lock(out string) (func(), error) {
	name := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".lock")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = unlockFile(f)
		f.Close()
	}, nil
}

// writers are the buffers between a Streamer and the files it writes.
var writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 64<<10) }}

// writeOrder returns the indexes of paths in the order to start them: the
// slowest files first when src says which they are (Ordered), then the
// others in path order.
func writeOrder(paths []string, src Source) []int {
	order := make([]int, 0, len(paths))
	first := map[int]bool{}
	if o, ok := src.(Ordered); ok {
		index := make(map[string]int, len(paths))
		for i, p := range paths {
			index[p] = i
		}
		for _, p := range o.Slow() {
			if i, found := index[p]; found && !first[i] {
				first[i] = true
				order = append(order, i)
			}
		}
	}
	for i := range paths {
		if !first[i] {
			order = append(order, i)
		}
	}
	return order
}

// writeFile produces the file at path of src and writes it to name.
func writeFile(name string, src Source, path string) error {
	produce := func(w io.Writer) (bool, error) {
		data, ok, err := src.File(path)
		if ok && err == nil {
			_, err = w.Write(data)
		}
		return ok, err
	}
	if st, stream := src.(Streamer); stream {
		produce = func(w io.Writer) (bool, error) { return st.WriteFile(path, w) }
	}
	f, err := create(name)
	if err != nil {
		return err
	}
	w := writers.Get().(*bufio.Writer)
	w.Reset(f)
	defer writers.Put(w)
	ok, err := produce(w)
	if err == nil && !ok {
		err = fmt.Errorf("no file %s", path)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeAll produces and writes every file of src under dir, in parallel.
// It stops at the first error.
func writeAll(dir string, src Source) error {
	paths := src.Paths()
	for _, p := range paths {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if !strings.HasPrefix(full, dir+string(filepath.Separator)) || !fs.ValidPath(p) {
			return fmt.Errorf("refusing to write %q outside the output folder", p)
		}
	}
	// Each worker makes the folders of its file as it goes, so that making
	// folders (slow on some file systems: 21,000 take 0.7 s on this
	// machine's disk) overlaps rendering. A folder is made once, after its
	// parent, with one system call (MkdirAll would look each one up
	// first); two workers that make the same folder at once both succeed.
	var mu sync.Mutex
	made := map[string]bool{dir: true}
	var mkdir func(d string) error
	mkdir = func(d string) error {
		mu.Lock()
		done := made[d]
		mu.Unlock()
		if done {
			return nil
		}
		if err := mkdir(filepath.Dir(d)); err != nil {
			return err
		}
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		mu.Lock()
		made[d] = true
		mu.Unlock()
		return nil
	}
	order := writeOrder(paths, src)
	// One more worker than processors: writing waits on the disk.
	errs := make([]error, len(paths))
	var failed atomic.Bool
	parallel.ForWorkers(len(order), runtime.GOMAXPROCS(0)+1, func(k int) {
		i := order[k]
		if failed.Load() {
			return
		}
		name := filepath.Join(dir, filepath.FromSlash(paths[i]))
		err := mkdir(filepath.Dir(name))
		if err == nil {
			err = writeFile(name, src, paths[i])
		}
		if err != nil {
			errs[i] = err
			failed.Store(true)
		}
	})
	for _, err := range errs {
		if err != nil {
			return err // the first in path order
		}
	}
	return nil
}
