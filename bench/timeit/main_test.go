//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The test binary is also the command measured: with TIMEIT_CHILD set it
// does what the variable says and exits.
func TestMain(m *testing.M) {
	if what := os.Getenv("TIMEIT_CHILD"); what != "" {
		child(what)
		return
	}
	os.Exit(m.Run())
}

// child does what: "alloc:N" touches N MiB and keeps them until it exits,
// "sleep:D" sleeps, "exit:N" exits with status N.
func child(what string) {
	verb, arg, _ := strings.Cut(what, ":")
	switch verb {
	case "alloc":
		n, _ := strconv.Atoi(arg)
		b := make([]byte, n<<20)
		for i := 0; i < len(b); i += 512 { // every page
			b[i] = byte(i)
		}
		os.Stdout.Write(b[len(b)-1:])
	case "sleep":
		d, _ := time.ParseDuration(arg)
		time.Sleep(d)
	case "exit":
		n, _ := strconv.Atoi(arg)
		os.Exit(n)
	}
	os.Exit(0)
}

func measureChild(t *testing.T, what string, limit time.Duration) (measurement, int) {
	t.Helper()
	t.Setenv("TIMEIT_CHILD", what)
	m, code, err := measure([]string{os.Args[0]}, limit, nil, new(bytes.Buffer), new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	return m, code
}

// TestPeakMemory checks the peak memory of commands that touch 8 and
// 96 MiB: each at least what it touched, and the two apart by about the
// difference.
func TestPeakMemory(t *testing.T) {
	small, _ := measureChild(t, "alloc:8", 0)
	large, _ := measureChild(t, "alloc:96", 0)
	if small.peakKiB < 8<<10 || large.peakKiB < 96<<10 {
		t.Errorf("peak %d and %d KiB; they touched 8 and 96 MiB", small.peakKiB, large.peakKiB)
	}
	// Under the race detector the children take several times what they
	// touch: only the lower bound holds.
	if d := large.peakKiB - small.peakKiB; d < 80<<10 || (d > 112<<10 && !raceDetector) {
		t.Errorf("peaks %d and %d KiB differ by %d KiB; want about 88 MiB", small.peakKiB, large.peakKiB, d)
	}
}

// TestPeakMemoryAsGNUTime compares the peak with what /usr/bin/time
// reports for the same command.
func TestPeakMemoryAsGNUTime(t *testing.T) {
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		t.Skip("no /usr/bin/time")
	}
	m, _ := measureChild(t, "alloc:64", 0)
	file := t.TempDir() + "/gnu"
	if out, err := exec.Command("/usr/bin/time", "-f", "%M", "-o", file, os.Args[0]).CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	out, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	gnu, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatalf("GNU time said %q", out)
	}
	if d := m.peakKiB - gnu; d < -gnu/10 || d > gnu/10 {
		t.Errorf("timeit %d KiB, GNU time %d KiB", m.peakKiB, gnu)
	}
}

// TestWall checks that the wall time covers the command: a command that
// sleeps 200 ms takes at least that.
func TestWall(t *testing.T) {
	m, _ := measureChild(t, "sleep:200ms", 0)
	if m.wall < 200*time.Millisecond {
		t.Errorf("wall %v for a command that slept 200 ms", m.wall)
	}
	if m.timedOut {
		t.Error("timed out without a timeout")
	}
}

// TestExitStatus checks that the command's status is reported and passed on.
func TestExitStatus(t *testing.T) {
	m, code := measureChild(t, "exit:3", 0)
	if m.exit != 3 || code != 3 {
		t.Errorf("exit %d, code %d; want 3", m.exit, code)
	}
	if got := m.String(); !strings.HasSuffix(got, " 3") {
		t.Errorf("reported %q", got)
	}
}

// TestTimeout checks that a command past its timeout is killed and
// reported as such, and that one within it is not.
func TestTimeout(t *testing.T) {
	m, code := measureChild(t, "sleep:20s", 200*time.Millisecond)
	if !m.timedOut || m.String() != "timeout timeout timeout" {
		t.Errorf("a command killed at its timeout reported %q", m)
	}
	if m.wall > 10*time.Second {
		t.Errorf("killed after %v", m.wall)
	}
	if code != 128+9 {
		t.Errorf("code %d; want 137 (killed)", code)
	}
	m, _ = measureChild(t, "sleep:10ms", 20*time.Second)
	if m.timedOut {
		t.Errorf("a command within its timeout reported %q", m)
	}
}

// TestRun checks the command line: the line written to -o, and the
// usage error.
func TestRun(t *testing.T) {
	t.Setenv("TIMEIT_CHILD", "exit:0")
	out := t.TempDir() + "/t"
	var stderr bytes.Buffer
	if code := run([]string{"-o", out, "--", os.Args[0]}, nil, new(bytes.Buffer), &stderr); code != 0 {
		t.Fatalf("code %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	if len(f) != 3 || f[2] != "0" {
		t.Fatalf("wrote %q; want WALL_MS PEAK_KiB 0", b)
	}
	if _, err := strconv.ParseFloat(f[0], 64); err != nil {
		t.Errorf("wall %q: %v", f[0], err)
	}
	if code := run(nil, nil, new(bytes.Buffer), &stderr); code != 2 {
		t.Errorf("no command: code %d; want 2", code)
	}
}
