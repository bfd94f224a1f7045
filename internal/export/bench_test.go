package export_test

// Benchmarks of each data file writer on a scaled publication: benchN
// copies of the CBP publication at the repository root (internal/scale),
// about 2,100 documents, loaded and resolved as a build does. JSON, CSV,
// StratML and StratMLPart2 make the file in memory (its bytes are most of
// what they allocate); WriteJSON and the others stream it to a writer that
// only counts the bytes.
//
//	go test -run '^$' -bench . -benchmem ./internal/export/
//	go test -run '^$' -bench JSON -cpuprofile cpu.out ./internal/export/ && go tool pprof -top cpu.out

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	. "github.com/stratpub/stratpub/internal/export"
	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/resolve"
	"github.com/stratpub/stratpub/internal/scale"
)

// benchN is the number of copies of the CBP publication in the benchmarks.
const benchN = 100

var (
	scaledOnce sync.Once
	scaledPlan *plan.Plan
	scaledErr  error
)

// scaledPlanN returns the plan of benchN copies of the CBP publication,
// made once for the package.
func scaledPlanN(b *testing.B) *plan.Plan {
	b.Helper()
	scaledOnce.Do(func() {
		scaledPlan, scaledErr = makeScaled(benchN, "")
	})
	if scaledErr != nil {
		b.Fatal(scaledErr)
	}
	return scaledPlan
}

func makeScaled(n int, baseURL string) (*plan.Plan, error) {
	repo, err := os.OpenRoot(filepath.Join("..", ".."))
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	dir, err := os.MkdirTemp("", "stratpub-export-bench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if _, err := scale.Dir(context.Background(), repo.FS(), n, dir); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	src := root.FS()
	proj, errs := load.Dir(src)
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	exists := func(p string) bool {
		st, err := fs.Stat(src, p)
		return err == nil && !st.IsDir()
	}
	pl, errs := resolve.Plan(proj, resolve.Options{Exists: exists, BaseURL: baseURL})
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	return pl, nil
}

func benchWriter(b *testing.B, fn func(*plan.Plan) ([]byte, error)) {
	p := scaledPlanN(b)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		data, err := fn(p)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB/file")
}

// benchStream times a streaming writer writing to io.Discard: what it
// costs besides the file itself.
func benchStream(b *testing.B, fn func(io.Writer, *plan.Plan) error) {
	p := scaledPlanN(b)
	b.ReportAllocs()
	var n countWriter
	for b.Loop() {
		n = 0
		if err := fn(&n, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/(1<<20), "MiB/file")
}

// countWriter counts the bytes written to it.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

func BenchmarkJSON(b *testing.B)              { benchWriter(b, JSON) }
func BenchmarkCSV(b *testing.B)               { benchWriter(b, CSV) }
func BenchmarkStratML(b *testing.B)           { benchWriter(b, StratML) }
func BenchmarkStratMLPart2(b *testing.B)      { benchWriter(b, StratMLPart2) }
func BenchmarkWriteJSON(b *testing.B)         { benchStream(b, WriteJSON) }
func BenchmarkWriteCSV(b *testing.B)          { benchStream(b, WriteCSV) }
func BenchmarkWriteStratML(b *testing.B)      { benchStream(b, WriteStratML) }
func BenchmarkWriteStratMLPart2(b *testing.B) { benchStream(b, WriteStratMLPart2) }

// BenchmarkFiles makes every data file, side by side, as a build does.
func BenchmarkFiles(b *testing.B) {
	p := scaledPlanN(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Files(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSample makes the samples of the Data page from every data file.
func BenchmarkSample(b *testing.B) {
	files, err := Files(scaledPlanN(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			if _, err := Sample(f, 14); err != nil {
				b.Fatal(err)
			}
		}
	}
}
