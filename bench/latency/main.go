// Command latency measures the live preview: the time from writing a
// source file to the reload event reaching a connected page.
//
//	go run ./bench/latency [-source DIR] [-edit content/...md] [-n 20] [-scale K] [-retitle | -link | -item | -add | -insert | -swap | -goal | -rename | -section | -move | -fix]
//
// It copies the publication into a temporary folder (it never edits the
// original), starts the preview server in-process on a free loopback port
// (with the memory settings of stratpub serve: gctune, hugeheap),
// connects a Server-Sent Events client as a page does, then rewrites the
// file -n times, each time with a different closing paragraph, and waits
// for the reload event. With -scale K it measures K renumbered copies of
// the publication as one (package scale); -edit then names a file of the
// first copy as in the original ("content/goal-1/x.md").
//
// Human-readable progress goes to stderr; stdout gets one JSON line:
//
//	{"bench":"serve-latency","docs":21,"n":20,"median_ms":9.8,"p90_ms":11.2,...}
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/gctune"
	"github.com/stratpub/stratpub/internal/hugeheap"
	"github.com/stratpub/stratpub/internal/scale"
	"github.com/stratpub/stratpub/internal/serve"
)

// summary is the machine-readable result.
type summary struct {
	Bench     string  `json:"bench"`
	Source    string  `json:"source"`
	Scale     int     `json:"scale"`
	Docs      int     `json:"docs"`
	Edit      string  `json:"edit"`
	N         int     `json:"n"`
	MedianMS  float64 `json:"median_ms"`
	P90MS     float64 `json:"p90_ms"`
	MinMS     float64 `json:"min_ms"`
	MaxMS     float64 `json:"max_ms"`
	InitialMS float64 `json:"initial_build_ms"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("latency", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o options
	fl.StringVar(&o.src, "source", ".", "the publication `folder`")
	fl.StringVar(&o.edit, "edit", "", "the `file` to edit, relative to the publication (default: its first objective)")
	fl.IntVar(&o.n, "n", 20, "the number of edits")
	fl.IntVar(&o.k, "scale", 1, "measure `K` copies of the publication as one")
	fl.BoolVar(&o.verbose, "v", false, "show the server's log")
	fl.BoolVar(&o.fix, "fix", false, "break the document (a reference to nothing), then fix it, in turn, and time the fixes: the preview then patches the last good site after a failed rebuild")
	fl.BoolVar(&o.breaks, "break", false, "with -fix, time the saves that break the document instead: the preview then resolves everything to report the error")
	fl.BoolVar(&o.move, "move", false, "move the section given with -edit to the end of its matter, then back, in turn (its order changed): the preview then also lists the pages in another order")
	fl.BoolVar(&o.retitle, "retitle", false, "change the document's title (a goal's name) instead of adding a paragraph: the preview then also converts again the texts that refer to it")
	fl.BoolVar(&o.item, "item", false, "add a key activity, then remove it, in turn: the preview then also adds and removes its ID")
	fl.BoolVar(&o.link, "link", false, "add a paragraph that refers to objective 1.2 or 1.3, in turn: the preview then also makes the \"Referenced from\" lists of both again")
	fl.BoolVar(&o.section, "section", false, "add a back section beside the document, then delete it, in turn: the preview then also adds and removes a page")
	fl.BoolVar(&o.add, "add", false, "add an objective after the last of the document's goal (a copy of the document, renumbered), then delete it, in turn: the preview then also adds and removes a page")
	fl.BoolVar(&o.swap, "swap", false, "swap the numbers of the document (an objective) and the next objective of its goal, then swap them back, in turn: both documents change number, and the preview takes the place of each as an edit of the other")
	fl.BoolVar(&o.goal, "goal", false, "add a goal after the last, with one objective (a new folder beside the document's), then delete the folder, in turn: the preview then also adds and removes the goal's and the objective's pages")
	fl.BoolVar(&o.rename, "rename", false, "rename the folder of the document's goal (its goal and objectives), then rename it back, in turn: every document of the goal is deleted under one name and added under another, which the preview takes as an edit of each")
	fl.BoolVar(&o.insert, "insert", false, "add an objective with the document's number (a copy of it, retitled), the document and the objectives after it in its goal renumbered, then delete it and number them back, in turn: the preview then also adds and removes a page")
	fl.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the edits (not the initial build) to `file`")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if o.n < 1 || o.k < 1 || fl.NArg() > 0 {
		fl.Usage()
		return 2
	}
	res, err := measure(ctx, o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "latency:", err)
		return 1
	}
	b, _ := json.Marshal(res)
	fmt.Fprintln(stdout, string(b))
	return 0
}

// options are the command's flags.
type options struct {
	src, edit  string
	n, k       int // edits; copies of the publication
	verbose    bool
	fix        bool
	breaks     bool
	move       bool
	retitle    bool
	item       bool
	link       bool
	section    bool
	add        bool
	swap       bool
	goal       bool
	rename     bool
	insert     bool
	cpuprofile string
}

func measure(ctx context.Context, o options, stderr io.Writer) (*summary, error) {
	dir, err := os.MkdirTemp("", "stratpub-latency-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	docs, err := copyPublication(ctx, o.src, dir, o.k)
	if err != nil {
		return nil, fmt.Errorf("copying %s: %w", o.src, err)
	}
	if o.edit == "" {
		if o.edit, err = firstObjective(dir); err != nil {
			return nil, err
		}
	} else if o.k > 1 && strings.HasPrefix(filepath.ToSlash(o.edit), "content/") {
		o.edit = scale.CopyDir(1) + strings.TrimPrefix(filepath.ToSlash(o.edit), "content")
	}
	target := filepath.Join(dir, filepath.FromSlash(o.edit))
	if _, err := os.Stat(target); err != nil && o.k > 1 {
		// A scaled copy has no templates/ or assets/ of its own: give it
		// the source's file to edit (the same as the default it replaces).
		data, rerr := os.ReadFile(filepath.Join(o.src, filepath.FromSlash(o.edit)))
		if rerr != nil {
			return nil, fmt.Errorf("the file to edit: %w", rerr)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return nil, err
		}
	}
	orig, err := os.ReadFile(target)
	if err != nil {
		return nil, fmt.Errorf("the file to edit: %w", err)
	}
	var added string // with -add: the new objective's file
	var addedData []byte
	if o.add {
		if added, addedData, err = nextObjective(target, orig); err != nil {
			return nil, err
		}
	}
	var other string // with -swap: the next objective's file, and both swapped
	var otherOrig, swapped, otherSwapped []byte
	if o.swap {
		if other, otherOrig, err = followingObjective(target, orig); err != nil {
			return nil, err
		}
		num := regexp.MustCompile(`(?m)^number: ".*"$`)
		swapped = num.ReplaceAll(orig, num.Find(otherOrig))
		otherSwapped = num.ReplaceAll(otherOrig, num.Find(orig))
	}
	// With -insert: the document and the objectives after it, as they
	// are and renumbered one more.
	var after []string
	var afterOrig, afterNext [][]byte
	if o.insert {
		if after, afterOrig, afterNext, err = objectivesFrom(target, orig); err != nil {
			return nil, err
		}
		added = filepath.Join(filepath.Dir(target), "0-latency-inserted.md")
		addedData = regexp.MustCompile(`(?m)^title: .*$`).ReplaceAll(orig, []byte(`title: "Inserted for the latency measure"`))
	}
	// With -goal: the new goal's folder, and the name it is made and
	// deleted under, which the preview ignores, so that it appears and
	// goes at once.
	var goalDir, goalHidden string
	var goalFiles map[string][]byte
	if o.goal {
		if goalDir, goalFiles, err = newGoal(dir, target); err != nil {
			return nil, err
		}
		goalHidden = filepath.Join(filepath.Dir(goalDir), "."+filepath.Base(goalDir))
	}
	if o.section {
		o.add = true // added and deleted in turn
		added = filepath.Join(filepath.Dir(target), "latency-section.md")
		addedData = []byte("---\ntype: section\nid: latency-section\ntitle: \"Latency\"\nmatter: back\norder: 999\n---\nA section added and deleted, in turn.\n")
	}
	fmt.Fprintf(stderr, "publication %s ×%d: %d documents; editing %s %d times\n", o.src, o.k, docs, o.edit, o.n)

	var (
		mu       sync.Mutex
		lastErrs diag.List
	)
	log := io.Discard
	if o.verbose {
		log = stderr
	}
	// The memory as stratpub serve has it: the collector's pace, and a
	// large publication's heap on huge pages.
	gctune.Start(gctune.Headroom, gctune.Limit)
	if docs >= hugeheap.MinDocs {
		hugeheap.Reserve(hugeheap.Piece)
	}
	start := time.Now()
	srv, err := serve.New(ctx, dir, serve.Options{Log: log, Rebuilt: func(_ []string, errs diag.List) {
		mu.Lock()
		lastErrs = errs
		mu.Unlock()
	}})
	if err != nil {
		return nil, err
	}
	initial := time.Since(start)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	defer func() {
		cancel()
		<-done
	}()

	events, err := subscribe(sctx, "http://"+ln.Addr().String()+"/_stratpub/events")
	if err != nil {
		return nil, err
	}
	if e, err := next(ctx, events, 10*time.Second); err != nil || e.name != "hello" {
		return nil, fmt.Errorf("no hello from the event stream (%v)", err)
	}
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	var times []float64
	for i := range o.n {
		data := fmt.Appendf(append([]byte{}, orig...), "\nLatency edit %d.\n", i)
		if o.link {
			data = fmt.Appendf(append([]byte{}, orig...), "\nLatency edit %d, see [](ref:objective-1.%d).\n", i, 2+i%2)
		}
		if o.item {
			if !bytes.Contains(orig, []byte("\nactivities:\n")) {
				return nil, fmt.Errorf("%s has no list of activities", o.edit)
			}
			data = orig
			if i%2 == 0 {
				data = bytes.Replace(orig, []byte("\nactivities:\n"), fmt.Appendf(nil, "\nactivities:\n  - \"Latency edit %d.\"\n", i), 1)
			}
		}
		if o.retitle {
			title := regexp.MustCompile(`(?m)^(title|name): .*$`)
			if !title.Match(orig) {
				return nil, fmt.Errorf("%s has no title or name line to change", o.edit)
			}
			data = title.ReplaceAll(orig, fmt.Appendf(nil, "$1: \"Latency edit %d\"", i))
		}
		broken := o.fix && i%2 == 0
		if broken {
			data = fmt.Appendf(append([]byte{}, orig...), "\nLatency edit %d, see [](ref:nothing-%d).\n", i, i)
		} else if o.fix {
			data = fmt.Appendf(append([]byte{}, orig...), "\nLatency edit %d.\n", i)
		}
		if o.move {
			order := regexp.MustCompile(`(?m)^order: .*$`)
			if !order.Match(orig) {
				return nil, fmt.Errorf("%s has no order line to change", o.edit)
			}
			data = orig
			if i%2 == 0 {
				data = order.ReplaceAll(orig, []byte("order: 99999"))
			}
		}
		t0 := time.Now()
		switch {
		case o.swap && i%2 == 0:
			err = errors.Join(os.WriteFile(target, swapped, 0o644), os.WriteFile(other, otherSwapped, 0o644))
		case o.swap:
			err = errors.Join(os.WriteFile(target, orig, 0o644), os.WriteFile(other, otherOrig, 0o644))
		case o.insert:
			err = writeAll(after, afterNext, afterOrig, i%2 == 0, added, addedData)
		case o.rename && i%2 == 0:
			err = os.Rename(filepath.Dir(target), filepath.Dir(target)+"-renamed")
		case o.rename:
			err = os.Rename(filepath.Dir(target)+"-renamed", filepath.Dir(target))
		case o.goal && i%2 == 0:
			err = appear(goalHidden, goalDir, goalFiles)
		case o.goal:
			err = disappear(goalDir, goalHidden)
		case o.add && i%2 == 0:
			err = os.WriteFile(added, addedData, 0o644)
		case o.add:
			err = os.Remove(added)
		default:
			err = os.WriteFile(target, data, 0o644)
		}
		if err != nil {
			return nil, err
		}
		// An editor that empties the file and writes it again (as
		// os.WriteFile does) can be caught in between by a loaded machine:
		// that rebuild fails, and the next one, with the whole file, is
		// the one measured.
		var e received
		for try := 0; ; try++ {
			var err error
			if e, err = next(ctx, events, 2*time.Minute); err != nil {
				return nil, fmt.Errorf("edit %d: %w", i, err)
			}
			if e.name != "reload" && e.name != "css" {
				return nil, fmt.Errorf("edit %d: got event %q, want reload or css", i, e.name)
			}
			mu.Lock()
			errs := lastErrs
			mu.Unlock()
			if broken && len(errs) > 0 {
				break // the error, reported
			}
			if len(errs) == 0 && !broken {
				break
			}
			if try == 2 && broken {
				return nil, fmt.Errorf("edit %d: a reference to nothing built", i)
			}
			if try == 2 {
				return nil, fmt.Errorf("edit %d: the rebuild failed:\n%v", i, errs.Err())
			}
		}
		if broken == o.breaks { // with -fix, only the fixes are timed (-break: the breaks)
			times = append(times, float64(e.at.Sub(t0).Microseconds())/1000)
		}
		// Let stray events of this edit pass before the next one.
		for {
			if _, err := next(ctx, events, 30*time.Millisecond); err != nil {
				break
			}
		}
	}
	if err := os.WriteFile(target, orig, 0o644); err != nil {
		return nil, err
	}
	if o.swap {
		if err := os.WriteFile(other, otherOrig, 0o644); err != nil {
			return nil, err
		}
	}
	if o.insert {
		if err := writeAll(after, afterNext, afterOrig, false, added, nil); err != nil {
			return nil, err
		}
	}
	if o.rename && o.n%2 == 1 {
		if err := os.Rename(filepath.Dir(target)+"-renamed", filepath.Dir(target)); err != nil {
			return nil, err
		}
	}
	if o.goal {
		if err := disappear(goalDir, goalHidden); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	sorted := append([]float64{}, times...)
	sort.Float64s(sorted)
	res := &summary{Bench: "serve-latency", Source: o.src, Scale: o.k, Docs: docs, Edit: o.edit, N: o.n,
		MedianMS: round(percentile(sorted, 50)), P90MS: round(percentile(sorted, 90)),
		MinMS: round(sorted[0]), MaxMS: round(sorted[len(sorted)-1]),
		InitialMS: round(float64(initial.Microseconds()) / 1000)}
	what := "write → reload event"
	if o.fix {
		what = "fix → reload event"
	}
	if o.fix && o.breaks {
		what = "break → reload event"
	}
	fmt.Fprintf(stderr, "initial build %.1f ms; %s: median %.1f ms, p90 %.1f ms (min %.1f, max %.1f)\n",
		res.InitialMS, what, res.MedianMS, res.P90MS, res.MinMS, res.MaxMS)
	return res, nil
}

// nextObjective returns the file and contents of an objective after the
// last of the goal of the objective in target: a copy of it, renumbered.
func nextObjective(target string, orig []byte) (string, []byte, error) {
	num := regexp.MustCompile(`(?m)^number: "(\d+)\.(\d+)"$`)
	m := num.FindSubmatch(orig)
	if m == nil {
		return "", nil, fmt.Errorf("%s is not an objective with a number", target)
	}
	entries, err := os.ReadDir(filepath.Dir(target))
	if err != nil {
		return "", nil, err
	}
	objective := regexp.MustCompile(`^\d+\.\d+-.*\.md$`)
	count := 0
	for _, e := range entries {
		if objective.MatchString(e.Name()) {
			count++
		}
	}
	next := fmt.Sprintf("%s.%d", m[1], count+1)
	data := num.ReplaceAll(orig, []byte(`number: "`+next+`"`))
	return filepath.Join(filepath.Dir(target), next+"-latency.md"), data, nil
}

// followingObjective returns the file and contents of the objective after
// the one in target, in its goal: the one numbered one more, in the same
// folder.
func followingObjective(target string, orig []byte) (string, []byte, error) {
	files, was, _, err := objectivesFrom(target, orig)
	if err != nil {
		return "", nil, err
	}
	if len(files) < 2 {
		return "", nil, fmt.Errorf("no objective after %s in its folder", target)
	}
	return files[1], was[1], nil
}

// newGoal returns the folder of a goal after the last of the publication
// in dir, beside the folder of target's goal, and its files: the goal and
// one objective.
func newGoal(dir, target string) (string, map[string][]byte, error) {
	number := regexp.MustCompile(`(?m)^number: "?(\d+)"?$`)
	isGoal := regexp.MustCompile(`(?m)^type: goal$`)
	last := 0
	err := filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if m := number.FindSubmatch(b); m != nil && isGoal.Match(b) {
			n, _ := strconv.Atoi(string(m[1]))
			last = max(last, n)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	if last == 0 {
		return "", nil, fmt.Errorf("no goal in %s", dir)
	}
	g := strconv.Itoa(last + 1)
	folder := filepath.Join(filepath.Dir(filepath.Dir(target)), "goal-latency")
	return folder, map[string][]byte{
		"goal.md":           []byte("---\ntype: goal\nnumber: " + g + "\nname: \"LATENCY\"\nstatement: \"A goal added and deleted, in turn.\"\n---\nIts introduction.\n"),
		g + ".1-latency.md": []byte("---\ntype: objective\nnumber: \"" + g + ".1\"\ntitle: \"Latency\"\nstatement: \"Measure the preview.\"\noutcomes:\n  - \"It is measured.\"\nactivities:\n  - \"Measure it.\"\n---\nIts narrative.\n"),
	}, nil
}

// appear writes files into the folder hidden, then renames it to folder.
func appear(hidden, folder string, files map[string][]byte) error {
	if err := os.MkdirAll(hidden, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(hidden, name), data, 0o644); err != nil {
			return err
		}
	}
	return os.Rename(hidden, folder)
}

// disappear renames folder to hidden, then deletes it.
func disappear(folder, hidden string) error {
	if err := os.Rename(folder, hidden); err != nil {
		return err
	}
	return os.RemoveAll(hidden)
}

// objectivesFrom returns the files of the objective in target and of
// those after it in its goal (in the same folder), in order, with their
// contents as they are and renumbered one more.
func objectivesFrom(target string, orig []byte) (files []string, was, next [][]byte, err error) {
	num := regexp.MustCompile(`(?m)^number: "(\d+)\.(\d+)"$`)
	m := num.FindSubmatch(orig)
	if m == nil {
		return nil, nil, nil, fmt.Errorf("%s is not an objective with a number", target)
	}
	from, _ := strconv.Atoi(string(m[2]))
	entries, err := os.ReadDir(filepath.Dir(target))
	if err != nil {
		return nil, nil, nil, err
	}
	type objective struct {
		path string
		text []byte
	}
	byNumber := map[int]objective{}
	for _, e := range entries {
		p := filepath.Join(filepath.Dir(target), e.Name())
		if !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, nil, err
		}
		if om := num.FindSubmatch(b); om != nil && string(om[1]) == string(m[1]) {
			if n, _ := strconv.Atoi(string(om[2])); n >= from {
				byNumber[n] = objective{p, b}
			}
		}
	}
	for n := from; byNumber[n].path != ""; n++ {
		o := byNumber[n]
		files, was = append(files, o.path), append(was, o.text)
		next = append(next, num.ReplaceAll(o.text, []byte(fmt.Sprintf(`number: "%s.%d"`, m[1], n+1))))
	}
	return files, was, next, nil
}

// writeAll writes the objectives renumbered (next) and the new one (data
// to added), or, when not in, deletes the new one and writes them back
// as they were.
func writeAll(files []string, next, was [][]byte, in bool, added string, data []byte) error {
	var errs []error
	if in {
		errs = append(errs, os.WriteFile(added, data, 0o644))
		for i, f := range files {
			errs = append(errs, os.WriteFile(f, next[i], 0o644))
		}
		return errors.Join(errs...)
	}
	if err := os.Remove(added); err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, err)
	}
	for i, f := range files {
		errs = append(errs, os.WriteFile(f, was[i], 0o644))
	}
	return errors.Join(errs...)
}

// percentile of sorted values, nearest rank.
func percentile(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func round(v float64) float64 { return math.Round(v*100) / 100 }

// received is one event and when it arrived.
type received struct {
	name string
	at   time.Time
}

// subscribe opens the event stream and delivers its events.
func subscribe(ctx context.Context, url string) (<-chan received, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("event stream: %s", resp.Status)
	}
	out := make(chan received, 64)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				out <- received{name: name, at: time.Now()}
			}
		}
	}()
	return out, nil
}

var errTimeout = errors.New("timed out waiting for an event")

func next(ctx context.Context, events <-chan received, d time.Duration) (received, error) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case e, ok := <-events:
		if !ok {
			return received{}, errors.New("the event stream ended")
		}
		return e, nil
	case <-t.C:
		return received{}, errTimeout
	case <-ctx.Done():
		return received{}, ctx.Err()
	}
}

// firstObjective returns the first document, in path order, of type
// objective; else the first document.
func firstObjective(dir string) (string, error) {
	var first, obj string
	err := filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") || obj != "" {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if first == "" {
			first = rel
		}
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), "\ntype: objective\n") {
			obj = rel
		}
		return nil
	})
	if obj != "" {
		return obj, err
	}
	if first == "" {
		return "", errors.New("no Markdown file under content/ to edit")
	}
	return first, err
}
