package render

import (
	"errors"
	"io/fs"
	"sort"
)

// Layered is a file system that prefers files of Top and falls back to
// Base, file by file. Directory listings are the union of both.
type Layered struct {
	Top, Base fs.FS // Top may be nil
}

// Open opens name from Top if it exists there, else from Base.
func (l Layered) Open(name string) (fs.File, error) {
	if l.Top != nil {
		f, err := l.Top.Open(name)
		if err == nil {
			st, serr := f.Stat()
			if serr == nil && !st.IsDir() {
				return f, nil
			}
			f.Close()
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return l.Base.Open(name)
}

// ReadDir lists name in both layers.
func (l Layered) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]fs.DirEntry{}
	var firstErr error
	for _, fsys := range []fs.FS{l.Base, l.Top} {
		if fsys == nil {
			continue
		}
		es, err := fs.ReadDir(fsys, name)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) && firstErr == nil {
				firstErr = err
			}
			continue
		}
		for _, e := range es {
			seen[e.Name()] = e
		}
	}
	if len(seen) == 0 && firstErr != nil {
		return nil, firstErr
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// Origin reports which layer a file comes from: "project" or "default".
func (l Layered) Origin(name string) string {
	if l.Top != nil {
		if st, err := fs.Stat(l.Top, name); err == nil && !st.IsDir() {
			return "project"
		}
	}
	return "default"
}
