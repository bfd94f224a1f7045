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
// A build makes each data file once, straight to disk, measuring it and
// keeping its first lines for the Data page as it goes (see written): no
// data file is ever whole in memory. The preview (lazy) makes them the same
// way, when the Data page or one of them is asked for, and keeps none: a
// data file of a large publication is hundreds of MiB, and is seldom asked
// for twice between two edits.
func addData(opts *render.Options, pl *plan.Plan, lazy bool, cache *Cache) error {
	opts.DataPaths = export.Paths()
	// The preview (lazy) checks nothing beforehand: a problem shows when
	// the Data page or the file is asked for.
	if !lazy {
		// What the files would hold is checked now, so that a problem
		// stops the build before anything is written (and check, which
		// writes nothing, reports it).
		if err := export.Check(pl); err != nil {
			return err
		}
	}
	files := newWritten(pl)
	opts.WriteData = files.write
	opts.Data = sync.OnceValues(files.describe)
	// Every page names the search index by a digest of its contents, so
	// its documents are made now. The index itself is written when first
	// needed.
	var terms *search.Cache
	if cache != nil {
		terms = &cache.Search
	}
	makeIndex := terms.Make
	if pl.Pub.BaseURL != "" {
		makeIndex = terms.MakeHashed // for the pages' integrity values
	}
	index, err := makeIndex(pl)
	if err != nil {
		return err
	}
	opts.LazyAssets = append(opts.LazyAssets, render.LazyAsset{Name: search.IndexAsset, Sum: index.Sum(), WriteTo: index.WriteTo, SHA384: index.SHA384()})
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

// written makes the data files of a build once each: the writer that
// writes a file to disk measures it and keeps its first lines as it goes,
// and the Data page waits for that. A file the Data page needs before any
// writer has started it is made by the Data page itself, and again by its
// writer: that only costs time, and never happens in a build, whose writer
// starts the data files first (render.Renderer.Slow).
type written struct {
	pl        *plan.Plan
	files     []export.File // export.List: the order of the Data page
	state     []fileState
	writeFile func(w io.Writer, p *plan.Plan, path string) error // export.Write
}

type fileState struct {
	mu      sync.Mutex
	started bool          // a writer or the Data page is making the file
	done    chan struct{} // closed when desc and err are set
	desc    render.DataFile
	err     error
}

func newWritten(pl *plan.Plan) *written {
	w := &written{pl: pl, files: export.List(), writeFile: export.Write}
	w.state = make([]fileState, len(w.files))
	for i := range w.state {
		w.state[i].done = make(chan struct{})
	}
	return w
}

// create makes file i into out (which may be nil), and describes it if no
// one else is making it.
func (w *written) create(i int, out io.Writer) error {
	st := &w.state[i]
	st.mu.Lock()
	first := !st.started
	st.started = true
	st.mu.Unlock()
	if !first {
		if out == nil {
			return nil
		}
		return w.writeFile(out, w.pl, w.files[i].Path)
	}
	h := head{lines: sampleLines}
	t := tee{out: out, h: &h}
	err := w.writeFile(&t, w.pl, w.files[i].Path)
	if err == nil {
		f := w.files[i]
		f.Data = h.buf
		st.desc, st.err = describeFile(f, h.n)
	} else {
		st.err = err
	}
	close(st.done)
	if err == nil {
		err = t.err
	}
	return err
}

// tee writes to out (when not nil) and to h. Once out fails, it keeps
// out's error and goes on writing to h alone, so that the file is still
// described: in the preview, out is a browser that may go away before the
// end of a download, which must not cost the Data page its description.
type tee struct {
	out io.Writer
	h   *head
	err error
}

func (t *tee) Write(p []byte) (int, error) {
	if t.out != nil && t.err == nil {
		if _, err := t.out.Write(p); err != nil {
			t.err = err
		}
	}
	return t.h.Write(p)
}

// write writes the data file at path to out (render.Options.WriteData).
func (w *written) write(path string, out io.Writer) error {
	for i, f := range w.files {
		if f.Path == path {
			return w.create(i, out)
		}
	}
	return errors.New("no data file " + path)
}

// describe describes every data file for the Data page, once each is made
// (render.Options.Data).
func (w *written) describe() ([]render.DataFile, error) {
	list := make([]render.DataFile, len(w.files))
	errs := make([]error, len(w.files))
	parallel.For(len(w.files), func(i int) {
		if errs[i] = w.create(i, nil); errs[i] != nil {
			return
		}
		<-w.state[i].done
		list[i], errs[i] = w.state[i].desc, w.state[i].err
	})
	return list, errors.Join(errs...)
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
