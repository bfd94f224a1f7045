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
	// size of the publication, with a soft limit of 176 MiB on the
	// program's memory (see gctune.Headroom).
	gctune.Start(gctune.Headroom, gctune.Limit)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
