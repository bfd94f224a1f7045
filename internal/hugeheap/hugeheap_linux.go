package hugeheap

import (
	"bytes"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of a transparent huge page on amd64 and arm64 with
// 4 KiB pages.
const hugePage = 2 << 20

// modeFile says which memory the kernel backs with huge pages: the word
// in brackets is the mode in force.
const modeFile = "/sys/kernel/mm/transparent_hugepage/enabled"

// wanted reports whether marking memory changes anything: huge pages are
// given on request ("madvise"), and Go's own switch does not turn them
// off.
func wanted() bool {
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

func reserve(n int) bool {
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
