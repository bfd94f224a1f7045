// Package gctune sets the garbage collector's pace from the live heap, for
// a program whose live heap ranges from a few MiB (a small publication) to
// hundreds (a large one).
//
// Go's default (GOGC=100) lets the heap grow to twice the live heap before
// collecting. For a small live heap that means collecting very often: a
// build of a few hundred pages allocates hundreds of MiB of short-lived
// template garbage and collects it 20 MiB at a time. For a large live heap
// it means doubling the memory the process takes from the system. Start
// sets a fixed amount of room instead: after each collection the
// percentage is set so that the next collection starts when the heap has
// grown by about that much, within [MinPercent, MaxPercent]. It also sets
// a soft limit on the program's memory (MemoryLimit), which the runtime
// applies itself, at every collection.
package gctune

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Bounds of the percentage Start sets.
const (
	MinPercent = 25
	MaxPercent = 800
)

// The pace stratpub's command sets (Start(Headroom, Limit)): collect every
// 128 MiB or so of allocation, whatever the size of the publication, with
// the program's memory held to 176 MiB while that leaves a third of the
// live heap as room (MemoryLimit). A publication of a thousand times CBP
// (live heap 75-105 MiB) is built in 180-185 MiB, for about 4 % more
// time than with room in full.
const (
	Headroom = 128 << 20
	Limit    = 176 << 20
)

// Overhead is what the runtime counts in the program's memory besides the
// heap's live objects and their room: stacks, its own structures, free
// memory not yet returned (20-25 MiB at N = 1000).
const Overhead = 24 << 20

// Percent returns the GOGC percentage that gives headroom bytes of room
// over a live heap of live bytes.
func Percent(live, headroom uint64) int {
	if live == 0 {
		return MaxPercent
	}
	p := headroom * 100 / live
	return int(min(max(p, MinPercent), MaxPercent))
}

// MemoryLimit returns the memory limit (debug.SetMemoryLimit) for a live
// heap of live bytes, headroom bytes of room and a soft limit of limit
// bytes: limit, as long as that leaves at least a third of the live heap
// as room (with Overhead); past that, the limit grows with the live heap,
// a third of it and, on top, what the live heap has over the point where
// the limit started to grow, up to what headroom gives anyway. A limit of
// 0 is none (math.MaxInt64).
//
// The limit is soft: where it would leave less than a third of the live
// heap as room, collecting that often would cost much time for little
// memory (with a live heap of 180 MiB, 90 MiB of room instead of 128 cost
// 17-30 % more time for 12 % less memory), so the room grows back, without
// a step, which a live heap near the bound would cross back and forth.
//
// It is a memory limit, not a smaller percentage, so that the runtime
// applies it at the end of every collection, with the heap that collection
// found live. The percentage is set by a cleanup that runs when a sentinel
// object is swept and the cleanup goroutine gets a processor: on a busy
// machine, 20 ms after a collection on average and up to 170 ms at
// N = 1000, while the heap grows by tens of MiB under a goal set from the
// collection before (a percentage for a smaller heap let the heap pass
// its bound by 25 MiB in one build in five that way).
func MemoryLimit(live, headroom, limit uint64) int64 {
	if limit == 0 {
		return math.MaxInt64
	}
	if live+live/3+Overhead <= limit {
		return int64(limit)
	}
	start := (limit - min(limit, Overhead)) * 3 / 4 // the live heap at which the limit starts to grow
	return int64(min(live+live/3+(live-min(live, start))+Overhead, live+headroom+Overhead))
}

var once sync.Once

// Start paces the collector for headroom bytes of room over the live
// heap, within limit (see MemoryLimit; 0 for none), from now on, until
// the program ends, and reports whether it does: not when the GOGC
// environment variable is set (whoever set it chose a pace). A GOMEMLIMIT
// in the environment is kept as it is, and then the limit is not set. Only
// the first call that starts counts.
func Start(headroom, limit uint64) bool {
	if os.Getenv("GOGC") != "" {
		return false
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		limit = 0
	}
	once.Do(func() {
		debug.SetGCPercent(Percent(0, headroom))
		if limit != 0 {
			debug.SetMemoryLimit(MemoryLimit(0, headroom, limit))
		}
		arm(headroom, limit)
	})
	return true
}

// sentinel is an object no one keeps: the collector finds it unreachable
// at the end of every cycle, and its cleanup runs when its memory is swept
// (which may be well into the next cycle; see MemoryLimit).
type sentinel struct{ _ [64]byte } // not a tiny object, which may share a block with others

func arm(headroom, limit uint64) {
	runtime.AddCleanup(&sentinel{}, func(p [2]uint64) {
		live := Marked()
		debug.SetGCPercent(Percent(live, p[0]))
		if p[1] != 0 {
			debug.SetMemoryLimit(MemoryLimit(live, p[0], p[1]))
		}
		arm(p[0], p[1])
	}, [2]uint64{headroom, limit})
}

// Marked returns the heap the last collection found live, in bytes (0
// before the first).
func Marked() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
