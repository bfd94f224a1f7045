package gctune

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestRoom(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		live, room, limit, want uint64
	}{
		{10 * mib, 128 * mib, 0, 128 * mib},         // no limit
		{10 * mib, 128 * mib, 160 * mib, 128 * mib}, // within the limit
		{32 * mib, 128 * mib, 160 * mib, 128 * mib}, // just within
		{90 * mib, 128 * mib, 160 * mib, 70 * mib},  // the limit binds
		{100 * mib, 128 * mib, 160 * mib, 60 * mib},
		{120 * mib, 128 * mib, 160 * mib, 40 * mib}, // a third of the live heap
		{123 * mib, 128 * mib, 160 * mib, 44 * mib}, // too large to fit: a third, and what is over
		{150 * mib, 128 * mib, 160 * mib, 80 * mib},
		{180 * mib, 128 * mib, 160 * mib, 120 * mib},
		{200 * mib, 128 * mib, 160 * mib, 128 * mib}, // room in full
		{400 * mib, 128 * mib, 160 * mib, 128 * mib},
		{20 * mib, 8 * mib, 16 * mib, 8 * mib},
	} {
		if got := Room(tc.live, tc.room, tc.limit); got != tc.want {
			t.Errorf("Room(%d MiB live, %d MiB, limit %d MiB) = %d MiB, want %d", tc.live/mib, tc.room/mib, tc.limit/mib, got/mib, tc.want/mib)
		}
	}
}

func TestPercent(t *testing.T) {
	const mib = 1 << 20
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

// gcPercent returns the collector's current percentage.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestStart checks that Start leaves a GOGC set in the environment alone,
// and otherwise sets the percentage from the live heap after every
// collection: with 64 MiB live, 64 MiB of headroom and a limit of 112 MiB,
// 48 MiB of room, about 75 % (the percentage starts at MaxPercent).
func TestStart(t *testing.T) {
	defer debug.SetGCPercent(gcPercent())
	debug.SetGCPercent(100)
	const headroom, limit = 64 << 20, 112 << 20

	t.Setenv("GOGC", "100")
	if Start(headroom, limit) {
		t.Fatal("Start paces the collector with GOGC set")
	}
	t.Setenv("GOGC", "")
	if !Start(headroom, limit) {
		t.Fatal("Start does not pace the collector")
	}
	live := make([][]byte, 0, 64)
	for range 64 {
		live = append(live, make([]byte, 1<<20)) // 64 MiB live
	}
	expect := func() int { l := Live(); return Percent(l, Room(l, headroom, limit)) }
	var p int
	for range 100 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // cleanups run after the cycle, on their own goroutine
		// The heap in use when the cleanup read it and now differ by what
		// was allocated in between: allow a point or two.
		if p = gcPercent(); near(p, expect()) {
			break
		}
	}
	want := expect()
	runtime.KeepAlive(live)
	if !near(p, want) || p < 60 || p > 85 {
		t.Errorf("percentage %d with %d MiB live, want %d", p, Live()>>20, want)
	}
}

func near(a, b int) bool { return a-b <= 2 && b-a <= 2 }
