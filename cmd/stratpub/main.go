// Command stratpub turns a strategic plan written as Markdown into a static
// website, a print edition and open data.
//
//	stratpub build [--source DIR] [--out DIR] [--base-url URL] [--force] [--pdf]
//	stratpub check [--source DIR]
//	stratpub serve [--source DIR] [--port N] [--bind ADDR] [--open]
//	stratpub pdf   [--source DIR] [--out FILE.pdf] [--chromium PATH]
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
	"syscall"

	"github.com/stratpub/stratpub/internal/gctune"
)

func main() {
	// Collect garbage every 128 MiB or so of allocation, whatever the
	// size of the publication, but more often where the heap would grow
	// past 160 MiB, while that leaves a third of the live heap as room
	// (see gctune.Room): a publication of a thousand times CBP (live heap
	// 75-105 MiB) is then built in under 200 MiB.
	gctune.Start(128<<20, 160<<20)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
