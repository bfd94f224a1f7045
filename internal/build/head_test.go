package build

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stratpub/stratpub/internal/export"
	"github.com/stratpub/stratpub/internal/parallel"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/render"
)

// TestHeadSamplesLikeWholeFile writes texts into a head in chunks of every
// size and checks that the sample made from what it kept is the sample of
// the whole text: the same lines, and "…" exactly when lines are left out.
func TestHeadSamplesLikeWholeFile(t *testing.T) {
	const lines = 3
	texts := []string{"", "a", "a\n", "a\nb\nc", "a\nb\nc\n", "a\nb\nc\nd", "a\nb\nc\n\n", "a\nb\nc\nd\ne\n", "\n\n\n", "\n\n\n\n"}
	for _, text := range texts {
		want, err := export.Sample(export.File{Data: []byte(text)}, lines)
		if err != nil {
			t.Fatal(err)
		}
		for size := 1; size <= max(len(text), 1); size++ {
			h := head{lines: lines}
			for rest := text; len(rest) > 0; {
				k := min(size, len(rest))
				h.Write([]byte(rest[:k]))
				rest = rest[k:]
			}
			got, err := export.Sample(export.File{Data: h.buf}, lines)
			if err != nil {
				t.Fatal(err)
			}
			if got != want || h.n != int64(len(text)) {
				t.Errorf("%q in chunks of %d: sample %q (%d bytes counted), want %q", text, size, got, h.n, want)
			}
		}
	}
	if s, _ := export.Sample(export.File{Data: []byte("a\nb\nc\nd")}, lines); !strings.Contains(string(s), "…") {
		t.Errorf("a sample of 3 of 4 lines has no \"…\": %q", s)
	}
}

// TestDataFilesMadeOnce checks that the data files of a build are made
// once each when their writers start before the Data page asks for them
// (as a build's writer does), and that the Data page describes exactly
// the bytes written; the negative control asks first, and each file is
// then made twice, with the same description.
func TestDataFilesMadeOnce(t *testing.T) {
	site, errs := Prepare(context.Background(), Config{Source: os.DirFS(filepath.Join("..", "..", "testdata", "small"))})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, pageFirst := range []bool{false, true} {
		w := newWritten(site.Plan)
		var made atomic.Int32
		w.writeFile = func(out io.Writer, p *plan.Plan, path string) error {
			made.Add(1)
			return export.Write(out, p, path)
		}
		var list []render.DataFile
		var err error
		if pageFirst {
			list, err = w.describe()
		}
		got := map[string][]byte{}
		var mu sync.Mutex
		parallel.For(len(export.Paths()), func(i int) {
			var b bytes.Buffer
			path := export.Paths()[i]
			if err := w.write(path, &b); err != nil {
				t.Error(err)
			}
			mu.Lock()
			got[path] = b.Bytes()
			mu.Unlock()
		})
		if !pageFirst {
			list, err = w.describe()
		}
		if err != nil {
			t.Fatal(err)
		}
		want := int32(len(export.Paths()))
		if pageFirst {
			want *= 2
		}
		if made.Load() != want {
			t.Errorf("Data page first: %v: the data files were made %d times, want %d", pageFirst, made.Load(), want)
		}
		for _, d := range list {
			sample, _ := export.Sample(export.File{Path: d.Path, Data: got[d.Path], Lang: langOf(d.Path)}, sampleLines)
			if d.Size != int64(len(got[d.Path])) || d.Size == 0 || d.Sample != sample {
				t.Errorf("Data page first: %v: %s described as %d bytes, written %d; same sample: %v", pageFirst, d.Path, d.Size, len(got[d.Path]), d.Sample == sample)
			}
		}
	}
}

// langOf is the highlighting language export.List gives the data file at path.
func langOf(path string) string {
	for _, f := range export.List() {
		if f.Path == path {
			return f.Lang
		}
	}
	return ""
}

// failAfter is a destination that takes n bytes, then fails, as a browser
// that goes away during a download.
type failAfter struct{ n int }

var errGone = errors.New("the browser went away")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, errGone
	}
	f.n -= len(p)
	return len(p), nil
}

// TestDataFileDestinationFails checks that a data file whose first
// destination fails is reported failed to that destination and still
// described for the Data page, as a full build describes it.
func TestDataFileDestinationFails(t *testing.T) {
	site, errs := Prepare(context.Background(), Config{Source: os.DirFS(filepath.Join("..", "..", "testdata", "small"))})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want, err := newWritten(site.Plan).describe()
	if err != nil {
		t.Fatal(err)
	}
	w := newWritten(site.Plan)
	for _, path := range export.Paths() {
		if err := w.write(path, &failAfter{n: 100}); !errors.Is(err, errGone) {
			t.Errorf("%s: the destination failed, write returned %v", path, err)
		}
	}
	got, err := w.describe()
	if err != nil {
		t.Fatalf("the Data page after failed downloads: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the Data page after failed downloads describes %+v, want %+v", got, want)
	}
	// The file itself, asked for again, is whole.
	var b bytes.Buffer
	if err := w.write(export.Paths()[0], &b); err != nil || int64(b.Len()) != want[0].Size {
		t.Errorf("written again: %d bytes, %v; want %d", b.Len(), err, want[0].Size)
	}
}
