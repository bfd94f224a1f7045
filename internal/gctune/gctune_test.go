package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

const mib = 1 << 20

func TestMemoryLimit(t *testing.T) {
	const limit = 176 * mib // the point where the limit starts to grow: (176-24)*3/4 = 114 MiB
	for _, tc := range []struct {
		live, headroom, limit uint64
		want                  int64
	}{
		{10 * mib, 128 * mib, 0, math.MaxInt64}, // no limit
		{0, 128 * mib, limit, limit},
		{10 * mib, 128 * mib, limit, limit},
		{90 * mib, 128 * mib, limit, limit},                       // the limit binds: 62 MiB of room
		{114 * mib, 128 * mib, limit, limit},                      // a third of the live heap, about
		{120 * mib, 128 * mib, limit, (120 + 40 + 6 + 24) * mib},  // past: it grows
		{150 * mib, 128 * mib, limit, (150 + 50 + 36 + 24) * mib}, // room 86 MiB
		{180 * mib, 128 * mib, limit, (180 + 60 + 66 + 24) * mib}, // room 126 MiB
		{200 * mib, 128 * mib, limit, (200 + 128 + 24) * mib},     // room in full
		{400 * mib, 128 * mib, limit, (400 + 128 + 24) * mib},
		{20 * mib, 8 * mib, 16 * mib, (20 + 8 + 24) * mib}, // a limit below the overhead
	} {
		if got := MemoryLimit(tc.live, tc.headroom, tc.limit); got != tc.want {
			t.Errorf("MemoryLimit(%d MiB live, %d MiB, limit %d MiB) = %d MiB, want %d", tc.live/mib, tc.headroom/mib, tc.limit/mib, got/mib, tc.want/mib)
		}
	}
	// No step: from one MiB of live heap to the next, the limit moves by a
	// few MiB at most.
	prev := MemoryLimit(0, Headroom, Limit)
	for live := uint64(mib); live < 600*mib; live += mib {
		m := MemoryLimit(live, Headroom, Limit)
		if m < prev || m-prev > 3*mib {
			t.Fatalf("the limit goes from %d to %d MiB at %d MiB live", prev/mib, m/mib, live/mib)
		}
		prev = m
	}
}

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		live, headroom uint64
		want           int
	}{
		{0, 128 * mib, MaxPercent},
		{4 * mib, 128 * mib, MaxPercent}, // 3200 % clamped
		{64 * mib, 128 * mib, 200},
		{128 * mib, 128 * mib, 100},
		{256 * mib, 128 * mib, 50},
		{4096 * mib, 128 * mib, MinPercent}, // 3 % clamped
	} {
		if got := Percent(tc.live, tc.headroom); got != tc.want {
			t.Errorf("Percent(%d MiB, %d MiB) = %d, want %d", tc.live/mib, tc.headroom/mib, got, tc.want)
		}
	}
}

// TestMarked checks that Marked gives the heap the last collection found
// live, not the heap in use, which grows with every allocation after it.
func TestMarked(t *testing.T) {
	live := make([][]byte, 0, 48)
	for range 48 {
		live = append(live, make([]byte, mib))
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var garbage [][]byte
	for range 16 {
		garbage = append(garbage, make([]byte, mib))
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	got := Marked()
	runtime.KeepAlive(live)
	runtime.KeepAlive(garbage)
	if after.NumGC != before.NumGC {
		t.Skip("a collection ran meanwhile")
	}
	if got < 48*mib || got > 52*mib || after.HeapAlloc < 64*mib {
		t.Errorf("Marked = %d MiB with 48 MiB live and %d MiB in use", got/mib, after.HeapAlloc/mib)
	}
}

// gcPercent returns the collector's current percentage.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestStart checks that Start leaves a GOGC set in the environment alone,
// and otherwise sets the percentage and the memory limit from the live
// heap after every collection: with 96 MiB live, 64 MiB of headroom and a
// limit of 160 MiB, 66 % (the percentage starts at MaxPercent) and a memory
// limit of 160 MiB, which the runtime applies (the heap the collector aims
// at is then less than 96 + 64 MiB: the limit binds).
func TestStart(t *testing.T) {
	defer debug.SetGCPercent(gcPercent())
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	debug.SetGCPercent(100)
	const headroom, limit = 64 * mib, 160 * mib

	t.Setenv("GOGC", "100")
	if Start(headroom, limit) {
		t.Fatal("Start paces the collector with GOGC set")
	}
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	if !Start(headroom, limit) {
		t.Fatal("Start does not pace the collector")
	}
	live := make([][]byte, 0, 96)
	for range 96 {
		live = append(live, make([]byte, mib)) // 96 MiB live
	}
	var p int
	var m int64
	for range 100 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // cleanups run after the cycle, on their own goroutine
		p, m = gcPercent(), debug.SetMemoryLimit(-1)
		if near(p, Percent(Marked(), headroom)) && m == limit {
			break
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(live)
	if !near(p, Percent(Marked(), headroom)) || p < 60 || p > 70 {
		t.Errorf("percentage %d with %d MiB live, want %d", p, Marked()/mib, Percent(Marked(), headroom))
	}
	if m != limit {
		t.Errorf("memory limit %d MiB, want %d", m/mib, limit/mib)
	}
	if ms.NextGC >= (96+64-2)*mib { // the percentage alone aims at 96 + 64
		t.Errorf("the collector aims at a heap of %d MiB: the memory limit does not bind", ms.NextGC/mib)
	}
}

func near(a, b int) bool { return a-b <= 2 && b-a <= 2 }
