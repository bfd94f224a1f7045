// Command profile times each stage of a build in one process and writes
// pprof profiles, to find where time and memory go on a large publication.
//
//	go run ./bench/profile -n 100 [-source .] [-cpuprofile cpu.out] [-memprofile mem.out] [-peakprofile heap.out] [-stream] [-every K]
//	go run ./bench/profile -pub DIR [...]
//
// It makes N copies of the publication (internal/scale) in a temporary
// folder. It first times the parts of build.Prepare on their own (load,
// resolve, the open-data exports, the search index), then the build as
// stratpub build runs it: build.Prepare, rendering every file, writing the
// folder. For each stage it prints the wall time, the bytes allocated, the
// heap in use at its end and the live heap after a collection. The total
// counts the build only.
//
// By default the pages are rendered and written as stratpub build does
// (Prepared.Write: in parallel, page by page). -stream renders and writes
// them one at a time instead, timing each, to show which kinds of page cost
// what. -every K renders only every K-th page (with -stream), to estimate
// very large publications quickly;
// the figures printed are then for that sample. -peakprofile writes a heap
// profile of the build taken at the collection that found its largest
// live heap: what a build holds when it holds the most (look at it with
// go tool pprof -sample_index=inuse_space). The collector is paced as the
// command paces it (gctune). -pub profiles a
// publication folder as it is, for example a scaled one with its own
// templates/ to measure a template change. With -stream the render
// time and output size are also listed by top-level folder of the site
// (objectives, goals, print, ...; "sections" for front and back matter),
// slowest first.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/export"
	"github.com/stratpub/stratpub/internal/gctune"
	"github.com/stratpub/stratpub/internal/hugeheap"
	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/resolve"
	"github.com/stratpub/stratpub/internal/scale"
	"github.com/stratpub/stratpub/internal/search"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("profile", flag.ContinueOnError)
	fl.SetOutput(stderr)
	n := fl.Int("n", 100, "copies of the publication")
	src := fl.String("source", ".", "the publication `folder` to scale")
	pubDir := fl.String("pub", "", "profile the publication in this `folder` as it is, instead of scaling -source")
	cpu := fl.String("cpuprofile", "", "write a CPU profile to `file`")
	mem := fl.String("memprofile", "", "write an allocation profile to `file`")
	peak := fl.String("peakprofile", "", "write a heap profile at the build's largest live heap to `file`")
	stream := fl.Bool("stream", false, "render and write one page at a time, timing each kind of page")
	every := fl.Int("every", 1, "with -stream, render only every `K`-th page")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	gctune.Start(gctune.Headroom, gctune.Limit)
	if err := profile(ctx, stdout, *n, *src, *pubDir, *cpu, *mem, *peak, *stream, *every); err != nil {
		fmt.Fprintln(stderr, "profile:", err)
		return 1
	}
	return 0
}

// bucket names the kind of a site path: its top-level folder for the
// generated kinds, "sections" for the rest.
func bucket(p string) string {
	dir, _, _ := strings.Cut(p, "/")
	switch dir {
	case "objectives", "goals", "assets", "print", "summary", "activities", "outcomes", "index.html", "search", "data", "404.html":
		return dir
	}
	return "sections"
}

// stage measures one stage: wall time, bytes allocated, live heap after.
type stage struct {
	name  string
	start time.Time
	cpu   time.Duration
	ms    runtime.MemStats
}

func begin(name string) *stage {
	s := &stage{name: name}
	runtime.ReadMemStats(&s.ms)
	s.start = time.Now()
	s.cpu = cpuTime()
	return s
}

// end prints the stage's figures. It collects garbage (after stopping the
// clock) so that the live heap is what the stage's result keeps.
func (s *stage) end(w io.Writer) time.Duration {
	d := time.Since(s.start)
	cpu := cpuTime() - s.cpu
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	peak := after.HeapInuse
	runtime.GC()
	runtime.ReadMemStats(&after)
	fmt.Fprintf(w, "%-12s %9.1f ms %9.1f ms CPU %9.1f MiB allocated %7.1f MiB heap at end %7.1f MiB live after GC\n", s.name,
		float64(d.Microseconds())/1000, float64(cpu.Microseconds())/1000, float64(after.TotalAlloc-s.ms.TotalAlloc)/(1<<20), float64(peak)/(1<<20), float64(after.HeapAlloc)/(1<<20))
	return d
}

// peakHeap watches the live heap after each collection, and keeps a heap
// profile of the largest until stopped.
type peakHeap struct {
	stop    chan struct{}
	done    chan struct{}
	live    uint64
	profile []byte
}

func watchHeap() *peakHeap {
	h := &peakHeap{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
		var cycles uint64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
			metrics.Read(s)
			if c := s[1].Value.Uint64(); c != cycles {
				cycles = c
				// The heap profile is as of the last collection.
				if live := s[0].Value.Uint64(); live > h.live {
					var b bytes.Buffer
					if pprof.Lookup("heap").WriteTo(&b, 0) == nil {
						h.live, h.profile = live, b.Bytes()
					}
				}
			}
		}
	}()
	return h
}

// end stops watching and writes the profile to file.
func (h *peakHeap) end(w io.Writer, file string) error {
	close(h.stop)
	<-h.done
	fmt.Fprintf(w, "largest live heap %.1f MiB: heap profile in %s\n", float64(h.live)/(1<<20), file)
	return os.WriteFile(file, h.profile, 0o644)
}

func profile(ctx context.Context, w io.Writer, n int, srcDir, pub, cpu, mem, peak string, stream bool, every int) error {
	tmp, err := os.MkdirTemp("", "stratpub-profile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if pub == "" {
		repo, err := os.OpenRoot(srcDir)
		if err != nil {
			return err
		}
		pub = filepath.Join(tmp, "pub")
		_, err = scale.Dir(ctx, repo.FS(), n, pub)
		repo.Close()
		if err != nil {
			return err
		}
	}
	root, err := load.OpenRoot(pub)
	if err != nil {
		return err
	}
	defer root.Close()
	source := root.FS()
	if load.HasDocuments(source, hugeheap.MinDocs) { // as the command does
		hugeheap.Reserve(hugeheap.Piece)
	}
	out := filepath.Join(tmp, "public")

	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if mem != "" || peak != "" {
		runtime.MemProfileRate = 64 << 10
	}

	// Attribution: the parts of build.Prepare, each timed on its own.
	st := begin("load")
	proj, errs := load.Dir(source)
	if len(errs) > 0 {
		return errs.Err()
	}
	st.end(w)

	st = begin("resolve")
	exists := func(p string) bool {
		s, err := fs.Stat(source, p)
		return err == nil && !s.IsDir()
	}
	pl, errs := resolve.Plan(proj, resolve.Options{Exists: exists})
	if len(errs) > 0 {
		return errs.Err()
	}
	st.end(w)

	st = begin("export")
	data, err := export.Files(pl)
	if err != nil {
		return err
	}
	for _, f := range data {
		if _, err := export.Sample(f, 14); err != nil {
			return err
		}
	}
	st.end(w)

	st = begin("search")
	if _, err := search.Script(pl); err != nil {
		return err
	}
	st.end(w)
	proj, pl, data = nil, nil, nil

	// The build itself: build.Prepare (all of the above, and the theme),
	// then rendering and writing.
	fmt.Fprintln(w, "-- build:")
	var total time.Duration
	var watch *peakHeap
	if peak != "" {
		runtime.GC() // the stages above are not the build's
		watch = watchHeap()
	}
	st = begin("prepare")
	prep, errs := build.Prepare(ctx, build.Config{Source: source})
	if len(errs) > 0 {
		return errs.Err()
	}
	r := prep.Renderer
	total += st.end(w)

	var bytes, files int
	if !stream {
		// As stratpub build: render and write in parallel, page by page.
		st = begin("render+write")
		_, n, err := prep.Write(out, false)
		if err != nil {
			return err
		}
		files = n
		total += st.end(w)
		_ = filepath.WalkDir(out, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if info, err := d.Info(); err == nil {
					bytes += int(info.Size())
				}
			}
			return nil
		})
	} else {
		st = begin("stream")
		made := map[string]bool{}
		byDir := map[string]time.Duration{}
		sizeDir := map[string]int{}
		countDir := map[string]int{}
		for i, p := range r.Paths() {
			if i%every != 0 {
				continue
			}
			t0 := time.Now()
			data, _, err := r.File(p)
			if err != nil {
				return err
			}
			dir := bucket(p)
			byDir[dir] += time.Since(t0)
			sizeDir[dir] += len(data)
			countDir[dir]++
			dst := filepath.Join(out, filepath.FromSlash(p))
			if d := filepath.Dir(dst); !made[d] {
				if err := os.MkdirAll(d, 0o755); err != nil {
					return err
				}
				made[d] = true
			}
			if err := os.WriteFile(dst, data, 0o644); err != nil {
				return err
			}
			bytes += len(data)
			files++
		}
		total += st.end(w)
		dirs := make([]string, 0, len(byDir))
		for d := range byDir {
			dirs = append(dirs, d)
		}
		sort.Slice(dirs, func(i, j int) bool { return byDir[dirs[i]] > byDir[dirs[j]] })
		for _, d := range dirs {
			fmt.Fprintf(w, "  %-22s %5d files %9.1f ms render %8.2f MiB\n", d, countDir[d], float64(byDir[d].Microseconds())/1000, float64(sizeDir[d])/(1<<20))
		}
	}
	if watch != nil {
		if err := watch.end(w, peak); err != nil {
			return err
		}
	}
	if mem != "" {
		f, err := os.Create(mem)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "build    %9.1f ms; %d pages in the plan's site, %d files, %.1f MiB written; memory from the OS (Sys) %.0f MiB\n",
		float64(total.Microseconds())/1000, len(r.Paths()), files, float64(bytes)/(1<<20), float64(ms.Sys)/(1<<20))
	if stream && every > 1 {
		fmt.Fprintf(w, "(sampled: every %d-th file)\n", every)
	}
	return nil
}
