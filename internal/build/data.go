package build

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/stratpub/stratpub/internal/export"
	"github.com/stratpub/stratpub/internal/parallel"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/render"
	"github.com/stratpub/stratpub/internal/search"
)

// sampleLines is how many lines of each data file the Data page shows.
const sampleLines = 14

// addData adds what the plan publishes besides its pages: the open data
// files with their samples for the Data page, the search index and the
// style sheet of the highlighted samples.
//
// A build measures each data file and keeps its first lines for the Data
// page while preparing, then writes it again straight to disk: no data
// file is ever whole in memory. The preview (lazy) makes all of them
// when the Data page or one of them is first asked for, and keeps them.
func addData(opts *render.Options, pl *plan.Plan, lazy bool, cache *Cache) error {
	opts.DataPaths = export.Paths()
	var describe func() ([]render.DataFile, error)
	if lazy {
		files := sync.OnceValues(func() ([]export.File, error) { return export.Files(pl) })
		describe = func() ([]render.DataFile, error) {
			fs, err := files()
			if err != nil {
				return nil, err
			}
			list := make([]render.DataFile, len(fs))
			for i, f := range fs {
				if list[i], err = describeFile(f, int64(len(f.Data))); err != nil {
					return nil, err
				}
			}
			return list, nil
		}
		opts.WriteData = func(path string, w io.Writer) error {
			fs, err := files()
			if err != nil {
				return err
			}
			for _, f := range fs {
				if f.Path == path {
					_, err := w.Write(f.Data)
					return err
				}
			}
			return errors.New("no data file " + path)
		}
	} else {
		describe = func() ([]render.DataFile, error) {
			fs := export.List()
			list := make([]render.DataFile, len(fs))
			errs := make([]error, len(fs))
			parallel.For(len(fs), func(i int) {
				h := head{lines: sampleLines}
				if errs[i] = export.Write(&h, pl, fs[i].Path); errs[i] != nil {
					return
				}
				fs[i].Data = h.buf
				list[i], errs[i] = describeFile(fs[i], h.n)
			})
			return list, errors.Join(errs...)
		}
		opts.WriteData = func(path string, w io.Writer) error { return export.Write(w, pl, path) }
	}
	type described struct {
		list []render.DataFile
		err  error
	}
	data := sync.OnceValue(func() described {
		list, err := describe()
		return described{list, err}
	})
	opts.Data = func() ([]render.DataFile, error) {
		d := data()
		return d.list, d.err
	}
	// Every page names the search index by a digest of its contents, so
	// its documents are made now; the data files side by side with them,
	// unless lazy. The index itself is assembled when first needed.
	var wg sync.WaitGroup
	if !lazy {
		wg.Go(func() { data() })
	}
	var terms *search.Cache
	if cache != nil {
		terms = &cache.Search
	}
	index, err := terms.Make(pl)
	wg.Wait()
	if err != nil {
		return err
	}
	if !lazy {
		if d := data(); d.err != nil {
			return d.err
		}
	}
	opts.LazyAssets = append(opts.LazyAssets, render.LazyAsset{Name: search.IndexAsset, Sum: index.Sum(), WriteTo: index.WriteTo})
	opts.Assets = append(opts.Assets, render.File{Path: export.HighlightAsset, Data: export.HighlightCSS()})
	return nil
}

// describeFile describes a data file of size bytes for the Data page; f's
// Data holds at least its first sampleLines lines.
func describeFile(f export.File, size int64) (render.DataFile, error) {
	sample, err := export.Sample(f, sampleLines)
	if err != nil {
		return render.DataFile{}, err
	}
	return render.DataFile{Path: f.Path, Title: f.Title, Format: f.Format, Size: size, Sample: sample}, nil
}

// head counts the bytes written to it and keeps the first lines, and the
// first byte after them, if any (so that a sample says whether lines were
// left out).
type head struct {
	lines int    // how many lines to keep
	n     int64  // bytes written
	buf   []byte // the first lines, with their line breaks, and one byte more
	seen  int    // line breaks in buf
	more  bool   // the byte after the lines is in buf
}

func (h *head) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	rest := p
	for h.seen < h.lines && len(rest) > 0 {
		j := bytes.IndexByte(rest, '\n')
		if j < 0 {
			h.buf = append(h.buf, rest...)
			return len(p), nil
		}
		h.buf = append(h.buf, rest[:j+1]...)
		rest = rest[j+1:]
		h.seen++
	}
	if h.seen == h.lines && !h.more && len(rest) > 0 {
		h.buf = append(h.buf, rest[0])
		h.more = true
	}
	return len(p), nil
}
