package search_test

// Benchmarks of the search index on a scaled publication (internal/scale),
// 100 copies of the CBP publication unless -n says otherwise: the index
// made from nothing, as a build makes it (BenchmarkCold), and the
// preview's rebuild after one objective's narrative changed
// (BenchmarkIncremental, with the bytes: BenchmarkIncrementalBytes) or
// after a key activity was added (BenchmarkIncrementalMoved).
//
//	go test -run '^$' -bench . -benchmem ./internal/search/
//	go test -run '^$' -bench Incremental -benchmem ./internal/search/ -args -n 1000

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/resolve"
	"github.com/stratpub/stratpub/internal/scale"
	"github.com/stratpub/stratpub/internal/search"
)

var benchN = flag.Int("n", 100, "copies of the CBP publication in the benchmarks")

// editedFile is the document whose narrative the incremental benchmark
// changes, in the first copy.
const editedFile = "goal-1/1.1-counter-network.md"

// scaledPlans writes *benchN copies of the repository's publication into a
// temporary folder and resolves it as the preview does (with the load and
// Markdown caches), then again after a sentence was added to the end of one
// objective's narrative. The second plan shares the unchanged documents'
// strings with the first, as the preview's plans do.
func scaledPlans(b *testing.B) (before, after *plan.Plan) {
	b.Helper()
	if benchPlans[0] != nil {
		return benchPlans[0], benchPlans[1]
	}
	repo, err := os.OpenRoot(filepath.Join("..", ".."))
	if err != nil {
		b.Fatal(err)
	}
	defer repo.Close()
	dir := b.TempDir()
	if _, err := scale.Dir(context.Background(), repo.FS(), *benchN, dir); err != nil {
		b.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	src := root.FS()
	exists := func(p string) bool {
		st, err := fs.Stat(src, p)
		return err == nil && !st.IsDir()
	}
	var docs load.Cache
	var md resolve.Cache
	resolved := func() *plan.Plan {
		proj, errs := docs.Dir(src)
		if len(errs) > 0 {
			b.Fatal(errs.Err())
		}
		pl, errs := resolve.Plan(proj, resolve.Options{Exists: exists, Cache: &md})
		if len(errs) > 0 {
			b.Fatal(errs.Err())
		}
		return pl
	}
	before = resolved()
	edited := scale.ContentDir + "/p0001/" + editedFile
	data, err := fs.ReadFile(src, edited)
	if err != nil {
		b.Fatal(err)
	}
	data = append(data, "\nA sentence added in the preview about zymurgy.\n"...)
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(edited)), data, 0o644); err != nil {
		b.Fatal(err)
	}
	docs.Forget(edited)
	after = resolved()
	benchPlans = [2]*plan.Plan{before, after}
	return before, after
}

// benchPlans keeps the plans of scaledPlans for the next benchmark.
var benchPlans [2]*plan.Plan

// BenchmarkCold makes the index as a build does: Make with no Cache, then
// Bytes.
func BenchmarkCold(b *testing.B) {
	pl, _ := scaledPlans(b)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		s, err := (*search.Cache)(nil).Make(pl)
		if err != nil {
			b.Fatal(err)
		}
		size = len(s.Bytes())
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB")
}

// BenchmarkIncremental makes the index of plans that differ by one
// objective's narrative, one after the other with one Cache, as the
// preview does, and takes its Sum (the pages' fingerprint): each Make
// finds one document changed.
func BenchmarkIncremental(b *testing.B) {
	p1, p2 := scaledPlans(b)
	run(b, p1, p2, false)
}

// BenchmarkIncrementalBytes is BenchmarkIncremental with the bytes of
// each index assembled.
func BenchmarkIncrementalBytes(b *testing.B) {
	p1, p2 := scaledPlans(b)
	run(b, p1, p2, true)
}

// BenchmarkIncrementalMoved is BenchmarkIncremental with a key activity
// added at the start of the first objective instead: every later document
// is one place further than in the last index.
func BenchmarkIncrementalMoved(b *testing.B) {
	p1, _ := scaledPlans(b)
	p2 := clonePlan(p1)
	o := p2.Goals[0].Objectives[0]
	o.Activities = append([]*plan.Item{{Ref: plan.Ref{Page: o.Ref.Page, Fragment: "activity-new", Title: "Key activity 0"}, Text: "A new key activity."}}, o.Activities...)
	run(b, p1, p2, false)
}

// run makes the index of p1, then of p2, p1, p2… with one Cache.
func run(b *testing.B, p1, p2 *plan.Plan, bytes bool) {
	var c search.Cache
	if _, err := c.Make(p1); err != nil {
		b.Fatal(err)
	}
	plans := [2]*plan.Plan{p2, p1}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		s, err := c.Make(plans[i%2])
		if err != nil {
			b.Fatal(err)
		}
		_ = s.Sum()
		if bytes {
			_ = s.Bytes()
		}
		i++
	}
}
