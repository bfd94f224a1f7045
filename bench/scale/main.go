// Command scale writes a scaled test publication: N copies of a publication
// (by default the one at the repository root) as one publication, with
// unique IDs and cross-references among the copies. See package
// internal/scale for the rules.
//
//	go run ./bench/scale -n 100 -out /tmp/pub-n0100 [-source .] [-force]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/stratpub/stratpub/internal/scale"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("scale", flag.ContinueOnError)
	fl.SetOutput(stderr)
	n := fl.Int("n", 1, "number of copies of the publication")
	src := fl.String("source", ".", "the publication `folder` to copy (holding stratpub.yaml and content/)")
	out := fl.String("out", "", "the `folder` to write; must not exist or be empty unless -force")
	force := fl.Bool("force", false, "remove the output folder first")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if *out == "" || *n < 1 || fl.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: scale -n N -out DIR [-source DIR] [-force]")
		return 2
	}
	if *force {
		if _, err := os.Stat(*out + "/" + scale.ConfigFile); err != nil && !emptyOrMissing(*out) {
			fmt.Fprintf(stderr, "scale: refusing to remove %s: it is not a publication\n", *out)
			return 1
		}
		if err := os.RemoveAll(*out); err != nil {
			fmt.Fprintln(stderr, "scale:", err)
			return 1
		}
	}
	root, err := os.OpenRoot(*src)
	if err != nil {
		fmt.Fprintln(stderr, "scale:", err)
		return 1
	}
	defer root.Close()
	files, err := scale.Dir(ctx, root.FS(), *n, *out)
	if err != nil {
		fmt.Fprintln(stderr, "scale:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %d copies, %d files\n", *out, *n, files)
	return 0
}

func emptyOrMissing(dir string) bool {
	es, err := os.ReadDir(dir)
	return err != nil || len(es) == 0
}
