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

// gcPercent is the garbage collector's GOGC when the user set none: a small
// publication builds without a single collection, and a large one's heap
// stays within a few times its live data.
const gcPercent = 400

func main() {
	// A build allocates in bursts and exits: collecting garbage often only
	// costs time. Let the heap grow to several times the live data between
	// collections, unless the user set GOGC.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
