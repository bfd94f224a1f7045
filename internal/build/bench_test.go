package build_test

// Stage benchmarks on a scaled publication: 100 copies of the CBP
// publication at the repository root (internal/scale), about 2,100 pages.
// Each benchmark times one stage on the previous stage's result, so that a
// regression shows in the stage that caused it: load, resolve, data (the
// open-data exports and the search index, made in build.Prepare), render
// (the page templates of a prepared build; RenderObjective, one objective
// page at a time) and write (a site already in memory). PrepareAgain is
// the preview's full rebuild. BenchmarkRenderWrite renders and writes
// page by page as stratpub build does, and BenchmarkBuildCBP is the whole
// build of the CBP publication itself.
//
//	go test -run '^$' -bench . -benchmem ./internal/build/
//	go test -run '^$' -bench Render -cpuprofile cpu.out ./internal/build/ && go tool pprof -top cpu.out
//
// The whole-process comparison with Hugo and the floor is bench/run; see
// docs/performance.md.

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/export"
	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/render"
	"github.com/stratpub/stratpub/internal/resolve"
	"github.com/stratpub/stratpub/internal/scale"
	"github.com/stratpub/stratpub/internal/search"
	"github.com/stratpub/stratpub/internal/write"
)

// benchN is the number of copies of the CBP publication in the stage
// benchmarks.
const benchN = 100

// scaled writes benchN copies of the repository's publication into a
// temporary folder and opens it as the command line does.
func scaled(b *testing.B) fs.FS {
	b.Helper()
	repo, err := os.OpenRoot(filepath.Join("..", ".."))
	if err != nil {
		b.Fatal(err)
	}
	defer repo.Close()
	dir := b.TempDir()
	if _, err := scale.Dir(context.Background(), repo.FS(), benchN, dir); err != nil {
		b.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	return root.FS()
}

func exists(src fs.FS) func(string) bool {
	return func(p string) bool {
		st, err := fs.Stat(src, p)
		return err == nil && !st.IsDir()
	}
}

func loaded(b *testing.B, src fs.FS) *load.Project {
	b.Helper()
	proj, errs := load.Dir(src)
	if len(errs) > 0 {
		b.Fatal(errs.Err())
	}
	return proj
}

func resolved(b *testing.B, src fs.FS) *plan.Plan {
	b.Helper()
	pl, errs := resolve.Plan(loaded(b, src), resolve.Options{Exists: exists(src)})
	if len(errs) > 0 {
		b.Fatal(errs.Err())
	}
	return pl
}

func prepared(b *testing.B, src fs.FS) *build.Prepared {
	b.Helper()
	prep, errs := build.Prepare(context.Background(), build.Config{Source: src})
	if len(errs) > 0 {
		b.Fatal(errs.Err())
	}
	return prep
}

func rendered(b *testing.B, src fs.FS) []render.File {
	b.Helper()
	files, errs := prepared(b, src).Renderer.All(context.Background())
	if len(errs) > 0 {
		b.Fatal(errs.Err())
	}
	return files
}

// BenchmarkLoad reads and splits every document and parses its front matter.
func BenchmarkLoad(b *testing.B) {
	src := scaled(b)
	b.ReportAllocs()
	docs := 0
	for b.Loop() {
		proj, errs := load.Dir(src)
		if len(errs) > 0 {
			b.Fatal(errs.Err())
		}
		docs = len(proj.Docs)
	}
	b.ReportMetric(float64(docs), "docs")
}

// BenchmarkResolve builds the plan: fields, IDs, Markdown conversion of
// every body and front-matter text, references and backlinks.
func BenchmarkResolve(b *testing.B) {
	src := scaled(b)
	proj := loaded(b, src)
	opts := resolve.Options{Exists: exists(src)}
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := resolve.Plan(proj, opts); len(errs) > 0 {
			b.Fatal(errs.Err())
		}
	}
}

// BenchmarkPrepareAgain prepares the publication again with a Cache, as
// the preview does for an edit it cannot patch (a goal added): every
// document kept from the last time but one, told changed, which is read
// again; Markdown conversions and search entries are taken from the
// Cache where they still hold.
func BenchmarkPrepareAgain(b *testing.B) {
	src := scaled(b)
	cfg := build.Config{Source: src, Cache: &build.Cache{}, LazyData: true}
	if _, errs := build.Prepare(context.Background(), cfg); len(errs) > 0 {
		b.Fatal(errs.Err())
	}
	edited := ""
	fs.WalkDir(src, scale.CopyDir(1), func(p string, d fs.DirEntry, err error) error {
		if edited == "" && err == nil && strings.HasSuffix(p, ".md") && !d.IsDir() {
			edited = p
		}
		return err
	})
	cfg.Told = true
	b.ReportAllocs()
	for b.Loop() {
		cfg.Cache.Docs.Forget(edited)
		if _, errs := build.Prepare(context.Background(), cfg); len(errs) > 0 {
			b.Fatal(errs.Err())
		}
	}
}

// BenchmarkRebuild prepares the rendering of a plan whose pages differ
// from the renderer's, as the preview does when a goal or an objective is
// added or deleted: the page index and the print edition's ids made again.
func BenchmarkRebuild(b *testing.B) {
	prep := prepared(b, scaled(b))
	b.ReportAllocs()
	for b.Loop() {
		prep.Renderer.Rebuild(prep.Plan, render.Options{})
	}
}

// BenchmarkData makes what the build publishes besides pages: the open
// data files with their highlighted samples, and the search index.
func BenchmarkData(b *testing.B) {
	pl := resolved(b, scaled(b))
	b.ReportAllocs()
	for b.Loop() {
		files, err := export.Files(pl)
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range files {
			if _, err := export.Sample(f, 14); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := search.Script(pl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRender executes every page template of a prepared build, in
// parallel as a build does, and collects the static files.
func BenchmarkRender(b *testing.B) {
	r := prepared(b, scaled(b)).Renderer
	b.ReportAllocs()
	var bytes int
	for b.Loop() {
		files, errs := r.All(context.Background())
		if len(errs) > 0 {
			b.Fatal(errs.Err())
		}
		bytes = 0
		for _, f := range files {
			bytes += len(f.Data)
		}
	}
	b.ReportMetric(float64(bytes)/(1<<20), "MiB/site")
}

// BenchmarkRenderObjective renders every objective page, one after the
// other, into io.Discard: the cost of one page's templates, reported per
// page.
func BenchmarkRenderObjective(b *testing.B) {
	r := prepared(b, scaled(b)).Renderer
	var paths []string
	for _, p := range r.Paths() {
		if strings.HasPrefix(p, "objectives/") {
			paths = append(paths, p)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range paths {
			if _, err := r.WriteFile(p, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(paths)), "µs/page")
}

// BenchmarkWrite writes a site already rendered into memory into an output
// folder that holds the previous build, as repeated builds do: a new tree
// beside it, the swap, and the removal of the old tree.
func BenchmarkWrite(b *testing.B) {
	src := scaled(b)
	files := rendered(b, src)
	out := filepath.Join(b.TempDir(), "public")
	b.ReportAllocs()
	for b.Loop() {
		if err := write.Dir(out, write.Files(files), write.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(files)), "files")
}

// BenchmarkRenderWrite renders and writes a prepared build page by page,
// as stratpub build does (Prepared.Write).
func BenchmarkRenderWrite(b *testing.B) {
	prep := prepared(b, scaled(b))
	out := filepath.Join(b.TempDir(), "public")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := prep.Write(out, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildCBP builds the CBP publication at the repository root and
// writes it, as stratpub build does (minus process start-up).
func BenchmarkBuildCBP(b *testing.B) {
	repo, err := os.OpenRoot(filepath.Join("..", ".."))
	if err != nil {
		b.Fatal(err)
	}
	defer repo.Close()
	out := filepath.Join(b.TempDir(), "public")
	b.ReportAllocs()
	for b.Loop() {
		prep, errs := build.Prepare(context.Background(), build.Config{Source: repo.FS()})
		if len(errs) > 0 {
			b.Fatal(errs.Err())
		}
		if _, _, err := prep.Write(out, false); err != nil {
			b.Fatal(err)
		}
	}
}
