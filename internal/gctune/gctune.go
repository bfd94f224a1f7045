// Package gctune sets the garbage collector's pace from the live heap, for
// a program whose live heap ranges from a few MiB (a small publication) to
// hundreds (a large one).
//
// Go's default (GOGC=100) lets the heap grow to twice the live heap before
// collecting. For a small live heap that means collecting very often: a
// build of a few hundred pages allocates hundreds of MiB of short-lived
// template garbage and collects it 20 MiB at a time. For a large live heap
// it means doubling the memory the process takes from the system. Start
// sets a fixed amount of room instead, less where the heap would pass a
// soft limit (Room): after each collection the percentage is set so that
// the next collection starts when the heap has grown by about that much,
// within [MinPercent, MaxPercent].
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// Bounds of the percentage Start sets.
const (
	MinPercent = 25
	MaxPercent = 800
)

// The pace stratpub's command sets (Start(Headroom, Limit)): collect every
// 128 MiB or so of allocation, whatever the size of the publication, but
// more often where the heap would grow past 144 MiB, while that leaves a
// third of the live heap as room (Room). A publication of a thousand
// times CBP (live heap 75-105 MiB) is then built in 175-181 MiB, for
// about 7 % more time; with a limit of 160 MiB it took 185-209 MiB.
const (
	Headroom = 128 << 20
	Limit    = 144 << 20
)

// Room returns the room to leave over a live heap of live bytes: room,
// or less where that keeps the heap within limit, as long as that leaves
// at least a third of the live heap as room. A limit of 0 is none.
//
// The limit is soft. A live heap too large to fit under it with that much
// room (over three quarters of it) gets a third of its size, plus what it
// has over three quarters of the limit, up to room in full: past the limit
// the room grows back as fast as the live heap, since collecting more often
// would then cost much time for little memory (with a live heap of 180 MiB,
// 90 MiB of room instead of 128 cost 17-30 % more time for 12 % less
// memory), and without a step, which a live heap near the bound would
// cross back and forth.
func Room(live, room, limit uint64) uint64 {
	switch {
	case limit == 0 || live+room <= limit:
		return room
	case live+live/3 <= limit:
		return limit - live
	}
	return min(room, live/3+live-limit*3/4)
}

// Percent returns the GOGC percentage that gives headroom bytes of room
// over a live heap of live bytes.
func Percent(live, headroom uint64) int {
	if live == 0 {
		return MaxPercent
	}
	p := headroom * 100 / live
	return int(min(max(p, MinPercent), MaxPercent))
}

var once sync.Once

// Start paces the collector for headroom bytes of room over the live
// heap, within limit (see Room; 0 for none), from now on, until the
// program ends, and reports whether it does: not when the GOGC
// environment variable is set (whoever set it chose a pace). Only the
// first call that starts counts.
func Start(headroom, limit uint64) bool {
	if os.Getenv("GOGC") != "" {
		return false
	}
	once.Do(func() {
		debug.SetGCPercent(Percent(0, headroom))
		arm(headroom, limit)
	})
	return true
}

// sentinel is an object no one keeps: the collector finds it unreachable
// at the end of every cycle, and its cleanup then runs.
type sentinel struct{ _ [64]byte } // not a tiny object, which may share a block with others

func arm(headroom, limit uint64) {
	runtime.AddCleanup(&sentinel{}, func(p [2]uint64) {
		live := Live()
		debug.SetGCPercent(Percent(live, Room(live, p[0], p[1])))
		arm(p[0], p[1])
	}, [2]uint64{headroom, limit})
}

// Live returns the heap in use, in bytes: right after a collection, what
// it found live (and what was allocated since). It reads runtime.MemStats
// rather than runtime/metrics, whose package initialiser alone takes a
// tenth of a millisecond of every start.
func Live() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
