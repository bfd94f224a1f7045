// Command stratpub turns a strategic plan written as Markdown into a static
// website, a print edition and open data.
//
//	stratpub build [--source DIR] [--out DIR] [--base-url URL] [--force]
//	stratpub check [--source DIR]
//	stratpub version
//	stratpub help
//
// Exit status: 0 on success, 1 when the content has errors, 2 on usage
// errors.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// memoryLimit is the heap size at which the garbage collector starts
// working when GOGC is not set.
const memoryLimit = 128 << 20

func main() {
	// A build allocates in bursts and exits: collecting garbage early only
	// costs time. Let the heap grow up to a soft limit instead, unless the
	// user set GOGC or GOMEMLIMIT.
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
