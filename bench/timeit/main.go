//go:build unix

// Command timeit runs a command and measures it as a whole process: its
// wall time, from just before the process is created to just after it has
// been waited for, to the microsecond, and its peak resident memory, from
// the kernel's accounting of the finished process (wait4's rusage, which is
// what GNU time's %M reports).
//
//	timeit [-o FILE] [-timeout DURATION] [--] COMMAND [ARG ...]
//
// It writes one line, "WALL_MS PEAK_KiB EXIT", to FILE (default: standard
// error), or "timeout timeout timeout" when the command was killed at its
// timeout. The command's standard input, output and error are timeit's own.
// timeit's exit status is the command's.
//
// bench/run uses it instead of running each tool under timeout(1) and
// /usr/bin/time with the shell's clock around them: those two programs'
// own start-up, about 2.4 ms on this machine, counted in every figure, and
// GNU time's own wall clock (%e) has a resolution of 10 ms, as long as a
// small publication's whole build.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("timeit", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("o", "", "write the measurement to `file` instead of standard error")
	limit := fl.Duration("timeout", 0, "kill the command after `duration` (0: never)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: timeit [-o FILE] [-timeout DURATION] [--] COMMAND [ARG ...]")
		return 2
	}
	report := stderr
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(stderr, "timeit:", err)
			return 2
		}
		defer f.Close()
		report = f
	}
	m, code, err := measure(fl.Args(), *limit, stdin, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "timeit:", err)
		return 127
	}
	fmt.Fprintln(report, m)
	return code
}

// measurement is one run of a command.
type measurement struct {
	wall     time.Duration
	peakKiB  int64
	exit     int
	timedOut bool
}

func (m measurement) String() string {
	if m.timedOut {
		return "timeout timeout timeout"
	}
	return fmt.Sprintf("%.3f %d %d", float64(m.wall.Nanoseconds())/1e6, m.peakKiB, m.exit)
}

// measure runs argv and measures it. code is the exit status to pass on:
// the command's, or 128 plus the signal that ended it.
func measure(argv []string, limit time.Duration, stdin io.Reader, stdout, stderr io.Writer) (m measurement, code int, err error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return m, 0, err
	}
	cmd := &exec.Cmd{Path: path, Args: argv, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return m, 0, err
	}
	var timer *time.Timer
	if limit > 0 {
		timer = time.AfterFunc(limit, func() { cmd.Process.Kill() })
	}
	werr := cmd.Wait()
	m.wall = time.Since(start)
	// A timer that can no longer be stopped has fired (or is firing):
	// the command was killed, or ended as it was about to be.
	m.timedOut = timer != nil && !timer.Stop()
	if werr != nil && !errors.As(werr, new(*exec.ExitError)) {
		return m, 0, werr
	}
	st := cmd.ProcessState
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		m.peakKiB = ru.Maxrss // KiB on Linux
	}
	m.exit = st.ExitCode()
	code = m.exit
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	return m, code, nil
}
