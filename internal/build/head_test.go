package build

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
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
