// Package write puts a rendered site on disk, atomically: the files are
// written to a temporary folder beside the output folder and swapped in
// only when all of them are written, so that the output folder always holds
// either the previous site or the new one, whole. No file of an earlier
// build survives. A marker file records that stratpub owns the folder; a
// non-empty folder without it is never replaced unless forced.
package write

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

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

// Dir writes files to the folder out, replacing its contents.
func Dir(out string, files []render.File, opts Options) (err error) {
	out = filepath.Clean(out)
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
	made := map[string]bool{}
	for _, f := range files {
		p := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if !strings.HasPrefix(p, tmp+string(filepath.Separator)) {
			return fmt.Errorf("refusing to write %q outside the output folder", f.Path)
		}
		dir := filepath.Dir(p)
		if !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			made[dir] = true
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
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

// lock takes an exclusive lock beside out, so that two builds into the
// same folder run one after the other.
func lock(out string) (func(), error) {
	name := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".lock")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
