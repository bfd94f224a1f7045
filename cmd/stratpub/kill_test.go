package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stratpub/stratpub/internal/sitetest"
)

// The fault tests run the real binary against a large publication: the CBP
// publication at the repository root, its goals copied several times and
// renumbered, so that a build writes hundreds of pages and a kill can land
// anywhere in it.

// copies is how many times the CBP goals are repeated.
const copies = 12

var (
	goalNumRE = regexp.MustCompile(`(?m)^(number|goal): "?(\d+)(\.\d+)?"?$`)
	refNumRE  = regexp.MustCompile(`ref:(goal|objective|outcome|activity)-(\d+)`)
)

// largePub writes the large publication into dir. The title says which
// version it is, so that the two versions differ on every page.
func largePub(t testing.TB, dir, title string) {
	t.Helper()
	root := sitetest.RepoRoot(t)
	cfg, err := os.ReadFile(filepath.Join(root, "stratpub.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfgS := regexp.MustCompile(`(?m)^title: .*$`).ReplaceAllString(string(cfg), "title: "+strconv.Quote(title))
	write := func(name, s string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("stratpub.yaml", cfgS)
	files, err := filepath.Glob(filepath.Join(root, "content", "*", "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CBP content: %v", err)
	}
	goals := 0
	for _, f := range files {
		if strings.HasSuffix(f, "goal.md") {
			goals++
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(filepath.Join(root, "content"), f)
		dirName := filepath.Dir(rel)
		if !strings.HasPrefix(dirName, "goal-") {
			write("content/"+filepath.ToSlash(rel), string(b)) // sections, once
			continue
		}
		for k := range copies {
			shift := func(n string) string {
				g, _ := strconv.Atoi(n)
				return strconv.Itoa(g + k*goals)
			}
			s := goalNumRE.ReplaceAllStringFunc(string(b), func(m string) string {
				sm := goalNumRE.FindStringSubmatch(m)
				if sm[3] != "" {
					return sm[1] + `: "` + shift(sm[2]) + sm[3] + `"`
				}
				return sm[1] + ": " + shift(sm[2])
			})
			s = refNumRE.ReplaceAllStringFunc(s, func(m string) string {
				sm := refNumRE.FindStringSubmatch(m)
				return "ref:" + sm[1] + "-" + shift(sm[2])
			})
			g, _ := strconv.Atoi(strings.TrimPrefix(dirName, "goal-"))
			write(fmt.Sprintf("content/goal-%d/%s", g+k*goals, filepath.Base(rel)), s)
		}
	}
}

// faultFixture holds the binary, the two versions of the large
// publication and reference builds of each.
type faultFixture struct {
	bin        string
	srcA, srcB string
	refA, refB map[string]string
	buildTime  time.Duration
}

func newFaultFixture(t *testing.T) *faultFixture {
	t.Helper()
	f := &faultFixture{bin: buildBinary(t)}
	base := t.TempDir()
	f.srcA, f.srcB = filepath.Join(base, "a"), filepath.Join(base, "b")
	largePub(t, f.srcA, "Plan, version A")
	largePub(t, f.srcB, "Plan, version B")
	for _, v := range []struct {
		src string
		ref *map[string]string
	}{{f.srcA, &f.refA}, {f.srcB, &f.refB}} {
		out := filepath.Join(base, "ref-"+filepath.Base(v.src))
		start := time.Now()
		if code, _, stderr := runBinary(t, f.bin, "build", "--source", v.src, "--out", out); code != 0 {
			t.Fatalf("reference build of %s: exit %d\n%s", v.src, code, stderr)
		}
		f.buildTime = max(f.buildTime, time.Since(start))
		*v.ref = snapshot(t, out)
	}
	if d := diffSnapshots(f.refA, f.refB); d == "" {
		t.Fatal("the two versions build the same site")
	}
	return f
}

// which says which reference site the folder holds: "A", "B", or a
// description of how it is torn.
func (f *faultFixture) which(t *testing.T, out string) string {
	got := snapshot(t, out)
	switch {
	case diffSnapshots(f.refA, got) == "":
		return "A"
	case diffSnapshots(f.refB, got) == "":
		return "B"
	}
	d := diffSnapshots(f.refA, got)
	if len(d) > 300 {
		d = d[:300] + "…"
	}
	return "torn (against A: " + d + ")"
}

// TestKillDuringBuild kills stratpub build with SIGKILL at random moments
// while it replaces an existing site, at least 50 times. After each kill
// the output folder must be exactly the old site or exactly the new one.
func TestKillDuringBuild(t *testing.T) {
	f := newFaultFixture(t)
	out := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := runBinary(t, f.bin, "build", "--source", f.srcA, "--out", out); code != 0 {
		t.Fatal(stderr)
	}
	const runs = 50
	state := "A"
	counts := map[string]int{}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	// Delays cover the whole build, from process start to the swap and
	// the removal of the old site, and a little after. The build timed is
	// the one killed below: replacing an existing site.
	var replace time.Duration
	for _, src := range []string{f.srcB, f.srcA} {
		start := time.Now()
		if code, _, stderr := runBinary(t, f.bin, "build", "--source", src, "--out", out); code != 0 {
			t.Fatal(stderr)
		}
		replace = max(replace, time.Since(start))
	}
	f.buildTime = replace
	window := f.buildTime * 3 / 2
	for i := range runs {
		src := f.srcB
		if state == "B" {
			src = f.srcA
		}
		cmd := exec.Command(f.bin, "build", "--source", src, "--out", out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Stratified: run i is killed in the i-th slice of the window, so
		// that every part of a build is hit whatever the random draws.
		delay := time.Duration((float64(i) + rng.Float64()) / runs * float64(window))
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		killed := false
		if ee, ok := err.(*exec.ExitError); ok {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				killed = true
			}
		}
		got := f.which(t, out)
		switch {
		case got != "A" && got != "B":
			counts["torn"]++
			t.Errorf("run %d (killed after %v): the output folder is %s", i, delay, got)
			return
		case got == state:
			counts["old"]++
		default:
			counts["new"]++
		}
		if !killed {
			counts["finished before the kill"]++
		}
		if killed && got != state {
			counts["killed after the swap"]++
		}
		if killed && got == state {
			counts["killed before the swap"]++
		}
		state = got
	}
	t.Logf("kill runs: %d (window %v, build %v): old site %d, new site %d, torn %d; killed before the swap %d, after it %d, finished before the kill %d",
		runs, window, f.buildTime, counts["old"], counts["new"], counts["torn"], counts["killed before the swap"], counts["killed after the swap"], counts["finished before the kill"])
	if counts["killed before the swap"] == 0 {
		t.Errorf("no kill landed inside a build: the window is wrong")
	}
	// A final build completes and leaves no temporary folder behind.
	if code, _, stderr := runBinary(t, f.bin, "build", "--source", f.srcB, "--out", out); code != 0 {
		t.Fatal(stderr)
	}
	if got := f.which(t, out); got != "B" {
		t.Errorf("after the kills, a build gives %s", got)
	}
	es, _ := os.ReadDir(filepath.Dir(out))
	for _, e := range es {
		if e.Name() != "public" && e.Name() != ".public.lock" {
			t.Errorf("left beside the output: %s", e.Name())
		}
	}
}

// TestConcurrentBuilds starts two builds of different versions into one
// folder at the same moment: both must succeed, one after the other, and
// the folder must hold one complete site.
func TestConcurrentBuilds(t *testing.T) {
	f := newFaultFixture(t)
	out := filepath.Join(t.TempDir(), "public")
	for round := range 5 {
		var wg sync.WaitGroup
		codes := make([]int, 2)
		errs := make([]string, 2)
		for i, src := range []string{f.srcA, f.srcB} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i], _, errs[i] = runBinary(t, f.bin, "build", "--source", src, "--out", out)
			}()
		}
		wg.Wait()
		for i := range codes {
			if codes[i] != 0 {
				t.Errorf("round %d, build %d: exit %d\n%s", round, i, codes[i], errs[i])
			}
		}
		if got := f.which(t, out); got != "A" && got != "B" {
			t.Fatalf("round %d: the output folder is %s", round, got)
		}
	}
}
