package hugeheap

import (
	"bytes"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of a transparent huge page with 4 KiB pages.
const hugePage = 2 << 20

// modeFile says which memory the kernel backs with huge pages: the word
// in brackets is the mode in force.
const modeFile = "/sys/kernel/mm/transparent_hugepage/enabled"

// wanted reports whether marking memory changes anything: huge pages are
// given on request ("madvise"), and Go's own switch does not turn them
// off. Only on a system of 4 KiB pages, whose huge pages are 2 MiB (with
// 64 KiB pages they are 512 MiB, more than Reserve maps).
func wanted() bool {
	if os.Getpagesize() != 4096 {
		return false
	}
	off := false // the last setting counts, as for the runtime
	for kv := range strings.SplitSeq(os.Getenv("GODEBUG"), ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && k == "disablethp" {
			off = v == "1"
		}
	}
	if off {
		return false
	}
	mode, err := os.ReadFile(modeFile)
	return err == nil && bytes.Contains(mode, []byte("[madvise]"))
}

// buddyFile lists the free blocks of memory by size, per zone.
var buddyFile = "/proc/buddyinfo" // a variable for tests

// hugeOrder is the size of a huge page as a block order: 2^9 pages of
// 4 KiB.
const hugeOrder = 9

// freeHugePages returns how many huge pages the free blocks listed in
// buddyinfo (the format of /proc/buddyinfo) could give at once, and
// whether it could tell.
func freeHugePages(buddyinfo []byte) (int, bool) {
	total, ok := 0, false
	for line := range strings.SplitSeq(string(buddyinfo), "\n") {
		// Node 0, zone   Normal  36237 106084 ... (order 0, 1, ...)
		_, counts, found := strings.Cut(line, "zone")
		if !found {
			continue
		}
		f := strings.Fields(counts)
		if len(f) < 2 {
			continue
		}
		for order, c := range f[1:] {
			n, err := strconv.Atoi(c)
			if err != nil {
				return 0, false
			}
			if order >= hugeOrder {
				total += n << (order - hugeOrder)
			}
		}
		ok = true
	}
	return total, ok
}

// enoughFree reports whether the system has n bytes of huge pages free
// now. Where it has not, a fault in memory marked for them would make the
// kernel compact or reclaim memory first (the usual "defrag" setting,
// "madvise", does that for marked memory), which can take longer than
// huge pages save.
func enoughFree(n int) bool {
	b, err := os.ReadFile(buddyFile)
	if err != nil {
		return false
	}
	free, ok := freeHugePages(b)
	return ok && free >= 2*(n/hugePage)
}

func reserve(n int) bool {
	if !enoughFree(n) {
		return false
	}
	// No collection may start while the object is alive: one that marked
	// it would keep it, and its memory, until the collection after.
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	ok := mark(n)
	debug.SetMemoryLimit(limit)
	debug.SetGCPercent(percent)
	return ok
}

// mark allocates n bytes, which makes the runtime map them (fresh memory,
// which it does not clear), and marks them for huge pages.
func mark(n int) bool {
	b := make([]byte, n)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg := (p + hugePage - 1) &^ (hugePage - 1)
	end := (p + uintptr(n)) &^ (hugePage - 1)
	return beg < end && unix.Madvise(b[beg-p:end-p], unix.MADV_HUGEPAGE) == nil
}
