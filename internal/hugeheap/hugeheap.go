// Package hugeheap has Linux back a large Go heap with transparent huge
// pages (2 MiB) instead of 4 KiB pages.
//
// A build touches nearly all of its heap for the first time: at 100
// copies of the CBP publication, 19,300 page faults for an 85 MiB heap,
// and the kernel's share of the CPU time as large as the program's (each
// fault a trap, and on a virtual machine with two processors often an
// interrupt of the other one). Backed by huge pages, the same build takes
// 2,300 faults and its processors miss their address caches less often:
// 17-24 % less time (docs/performance.md).
//
// Most Linux systems give huge pages only to memory that asks for them
// (/sys/kernel/mm/transparent_hugepage/enabled says "[madvise]"), and Go
// does not ask. It maps its heap 4 MiB at a time as the heap grows, and
// touches each piece as soon as it maps it, too soon to mark it. Reserve
// makes the runtime map a large piece at once instead, by allocating one
// large object that nothing touches; it marks the piece MADV_HUGEPAGE and
// lets the object go. The collection that follows frees it, and the
// runtime, which hands out the lowest free addresses first, places new
// objects in it: the kernel fills each 2 MiB of it with one huge page on
// first touch. That collection is the cost, about 2 ms, more than a small
// build gains: the caller decides when it pays.
//
// Reserve changes nothing a program computes. It does nothing on other
// systems, when huge pages are off ("[never]") or given to all memory
// already ("[always]"), with GODEBUG=disablethp=1 (Go's own switch to
// keep its heap off huge pages), or when the system has fewer than twice
// as many huge pages free (/proc/buddyinfo): then the kernel would
// compact or reclaim memory to make them, at each fault, which can cost
// more than they save.
package hugeheap

// What stratpub's command does: a publication of MinDocs documents or
// more has Piece bytes of its heap backed by huge pages. At 30, 100 and
// 1000 copies of the CBP publication (631, 2107 and 21,007 documents)
// that took 11 %, 17-24 % and 11-12 % less time (Nov 27 2026, interleaved
// runs); at 10 copies (217 documents) no less, and at 1 copy it would cost
// 2 ms in 12. 128 MiB was faster than 160 or 256 at 100 and 1000 copies:
// with the heap, a larger piece passes the memory limit (gctune.Limit),
// and the runtime then spends time handing its untouched part back to the
// system.
const (
	MinDocs = 400
	Piece   = 128 << 20
)

// Reserve maps n bytes of heap at once, marks them for huge pages and lets
// them go for the next collection to free. It reports whether it marked
// them.
func Reserve(n int) bool {
	if n <= 0 || !wanted() {
		return false
	}
	return reserve(n)
}
