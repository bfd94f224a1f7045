package hugeheap

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// childEnv names what the test binary does when run by hugePages.
const childEnv = "HUGEHEAP_TEST_CHILD"

// TestReserveBacksHeapWithHugePages allocates 64 MiB of small objects in
// a fresh process (GOGC=100), with and without Reserve first, and reads
// how much of the process's memory the kernel backed with huge pages.
// Without Reserve (the control) next to none is; with it, most.
func TestReserveBacksHeapWithHugePages(t *testing.T) {
	if !wanted() {
		t.Skipf("huge pages are not given on request here (%s), or GODEBUG turns them off", modeFile)
	}
	plain := hugePages(t, "plain")
	reserved := hugePages(t, "reserve")
	t.Logf("huge pages after 64 MiB of small objects: %d KiB without Reserve, %d KiB with it", plain>>10, reserved>>10)
	if plain > 8<<20 {
		t.Errorf("without Reserve, %d KiB were already on huge pages: the check cannot tell Reserve's effect", plain>>10)
	}
	if reserved < 32<<20 {
		t.Errorf("with Reserve, only %d KiB of a 64 MiB heap were on huge pages, want at least 32 MiB", reserved>>10)
	}
}

func TestReserveOffWithGODEBUG(t *testing.T) {
	for _, v := range []string{"disablethp=1", "madvdontneed=1,disablethp=1", "disablethp=0,disablethp=1"} {
		t.Setenv("GODEBUG", v)
		if wanted() || Reserve(4<<20) {
			t.Errorf("GODEBUG=%s: Reserve marked memory; Go's switch keeps the heap off huge pages", v)
		}
	}
	mode, _ := os.ReadFile(modeFile)
	if !bytes.Contains(mode, []byte("[madvise]")) {
		return
	}
	t.Setenv("GODEBUG", "disablethp=1,disablethp=0")
	if !wanted() {
		t.Error("GODEBUG=disablethp=1,disablethp=0: the last setting, 0, should count")
	}
}

// hugePages runs this test binary as a child doing mode ("plain" or
// "reserve") and returns the bytes of its memory on huge pages.
func hugePages(t *testing.T, mode string) int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, "GOGC=100")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child (%s): %v\n%s", mode, err, out)
	}
	for line := range strings.SplitSeq(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "huge "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("child (%s): %q: %v", mode, line, err)
			}
			return n
		}
	}
	t.Fatalf("child (%s) printed no figure:\n%s", mode, out)
	return 0
}

// sink keeps the child's objects alive.
var sink [][]byte

// TestChild is the child of hugePages; alone, it does nothing.
func TestChild(t *testing.T) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		t.Skip("run by TestReserveBacksHeapWithHugePages")
	}
	if mode == "reserve" {
		if !Reserve(128 << 20) {
			t.Fatal("Reserve marked nothing")
		}
		// No runtime.GC: the collection that frees the piece is the one
		// its allocation brings on.
	}
	for range 64 << 20 / 4096 {
		b := make([]byte, 4000)
		b[0], b[len(b)-1] = 1, 1
		sink = append(sink, b)
	}
	n, err := anonHuge()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("huge %d\n", n)
}

// anonHuge returns the process's anonymous memory on huge pages.
func anonHuge() (int64, error) {
	f, err := os.Open("/proc/self/smaps_rollup")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "AnonHugePages:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc/self/smaps_rollup has no AnonHugePages line")
}

func TestFreeHugePages(t *testing.T) {
	const sample = `Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 
Node 0, zone    DMA32      1      1      4      2      5      4      3      3      4      2    752 
Node 0, zone   Normal  36237 106084 201911 115647  48062  11873   2296    697    139     17    161 
`
	for _, c := range []struct {
		name, text string
		want       int
		ok         bool
	}{
		// Blocks of order 9 are one huge page, of order 10 two.
		{"a machine", sample, (1 + 3*2) + (2 + 752*2) + (17 + 161*2), true},
		{"fragmented", "Node 0, zone   Normal  36237 106084 201911 115647  48062  11873   2296    697    139     0      0\n", 0, true},
		{"two nodes", "Node 0, zone   Normal 1 1 1 1 1 1 1 1 1 4 0\nNode 1, zone   Normal 1 1 1 1 1 1 1 1 1 0 5\n", 4 + 10, true},
		{"empty", "", 0, false},
		{"not numbers", "Node 0, zone   Normal  a b c\n", 0, false},
	} {
		got, ok := freeHugePages([]byte(c.text))
		if got != c.want || ok != c.ok {
			t.Errorf("%s: freeHugePages = %d, %v; want %d, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestReserveOnlyWhenFree checks that Reserve asks for nothing when the
// system has too few huge pages free, and that the same call asks when it
// has enough (the control).
func TestReserveOnlyWhenFree(t *testing.T) {
	if !wanted() {
		t.Skipf("huge pages are not given on request here (%s)", modeFile)
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	saved := buddyFile
	defer func() { buddyFile = saved }()
	buddyFile = write("few", "Node 0, zone   Normal 1 1 1 1 1 1 1 1 1 3 0\n")
	if Reserve(4 << 20) {
		t.Error("Reserve asked for 2 huge pages with 3 free, fewer than twice as many")
	}
	buddyFile = write("none", "")
	if Reserve(4 << 20) {
		t.Error("Reserve asked for huge pages without knowing how many are free")
	}
	buddyFile = write("enough", "Node 0, zone   Normal 1 1 1 1 1 1 1 1 1 4 0\n")
	if !Reserve(4 << 20) {
		t.Error("Reserve did not ask with 4 huge pages free for 2")
	}
}
