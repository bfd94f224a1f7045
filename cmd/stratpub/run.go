package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/hugeheap"
	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/pdf"
	"github.com/stratpub/stratpub/internal/render"
	"github.com/stratpub/stratpub/internal/write"
)

// Exit codes.
const (
	exitOK      = 0
	exitContent = 1
	exitUsage   = 2
)

const usage = `stratpub turns a strategic plan written as Markdown into a website, a print edition and open data.

Usage:
  stratpub build [--source DIR] [--out DIR] [--base-url URL] [--force] [--pdf]
  stratpub check [--source DIR]
  stratpub serve [--source DIR] [--port N] [--bind ADDR] [--open]
  stratpub pdf   [--source DIR] [--out FILE.pdf] [--chromium PATH]
  stratpub version
  stratpub help

Run "stratpub COMMAND -h" for the flags of a command.
Documentation: docs/authoring.md (writing), docs/deploy.md (publishing).
`

// command is one verb of the command line.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"build", "build the site into a folder", runBuild},
		{"check", "check the publication; write nothing", runCheck},
		{"pdf", "make the PDF edition with Chromium", runPDF},
		{"serve", "preview the site, rebuilt on every save", runServe},
		{"version", "print the version", runVersion},
	}
}

// run is the whole program; main only calls it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "stratpub: internal error: %v\n%s\nPlease report this, with the command you ran.\n", r, debug.Stack())
			code = exitContent
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "stratpub: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

// flags returns a flag set that prints its usage to stderr.
func flags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: stratpub %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags; it returns -1 to continue, or an exit code.
func parse(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "stratpub %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	return -1
}

// source opens the publication folder. Symbolic links that lead outside it
// are refused (load.Root). For a large publication, it first has the heap
// backed by huge pages (hugeheap.MinDocs).
func source(dir string) (*load.Root, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the publication folder %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder; --source takes the publication's folder", dir)
	}
	root, err := load.OpenRoot(dir)
	if err == nil && load.HasDocuments(root.FS(), hugeheap.MinDocs) {
		hugeheap.Reserve(hugeheap.Piece)
	}
	return root, err
}

// report prints problems as path:line:col: message, paths relative to the
// publication folder.
func report(stderr io.Writer, errs diag.List) {
	errs.Sort()
	for _, e := range errs {
		fmt.Fprintln(stderr, e.Error())
	}
	n := len(errs)
	plural := "s"
	if n == 1 {
		plural = ""
	}
	fmt.Fprintf(stderr, "%d error%s\n", n, plural)
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("build", "[--source DIR] [--out DIR] [--base-url URL] [--force] [--pdf]", stderr)
	src := fs.String("source", ".", "the publication `folder` (holding stratpub.yaml)")
	out := fs.String("out", "", "the output `folder` (default: public, in the publication folder)")
	base := fs.String("base-url", "", "the site's public `URL`, overriding base_url in stratpub.yaml")
	force := fs.Bool("force", false, "replace an output folder that holds files stratpub did not write")
	mkPDF := fs.Bool("pdf", false, "also make the PDF edition (needs Chromium) and link it from the home page")
	if c := parse(fs, args); c >= 0 {
		return c
	}
	if *out == "" {
		*out = filepath.Join(*src, "public")
	}
	start := time.Now()
	root, err := source(*src)
	if err != nil {
		fmt.Fprintln(stderr, "stratpub build:", err)
		return exitContent
	}
	defer root.Close()
	if err := build.CheckOutput(*src, *out); err != nil {
		fmt.Fprintln(stderr, "stratpub build: refused:", err)
		return exitContent
	}
	if err := write.Owned(*out, *force); err != nil {
		fmt.Fprintf(stderr, "stratpub build: refused: %v\n\thint: choose an empty folder with --out, or pass --force to replace it\n", err)
		return exitContent
	}
	cfg := build.Config{Source: root.FS(), BaseURL: *base}
	if !*mkPDF {
		cfg.FindPDF = existingPDF(*out)
	}
	prep, errs := build.Prepare(ctx, cfg)
	if len(errs) > 0 {
		report(stderr, errs)
		fmt.Fprintf(stderr, "build failed; %s was left unchanged\n", *out)
		return exitContent
	}
	if *mkPDF {
		// The PDF is printed from the site as prepared, then published
		// with it and linked from its home page.
		res, code := makePDF(ctx, prep, "", stderr)
		if code != exitOK {
			fmt.Fprintf(stderr, "build failed; %s was left unchanged\n", *out)
			return code
		}
		prep = prep.WithPDF(render.File{Path: pdf.FileName(&prep.Plan.Pub), Data: res.PDF})
	}
	prepared := time.Now()
	pages, files, err := prep.Write(*out, *force)
	if err != nil {
		var de *diag.Error
		if errors.As(err, &de) {
			report(stderr, diag.List{de})
		} else {
			fmt.Fprintln(stderr, "stratpub build: writing the site:", err)
		}
		fmt.Fprintf(stderr, "build failed; %s was left unchanged\n", *out)
		return exitContent
	}
	if os.Getenv("STRATPUB_TRACE") != "" {
		fmt.Fprintf(stderr, "trace: prepare %v, render and write %v\n", prepared.Sub(start), time.Since(prepared))
	}
	fmt.Fprintf(stdout, "built %d pages, %d files in %d ms → %s\n", pages, files, time.Since(start).Milliseconds(), *out)
	if why := prep.Renderer.Interpreted(); why != nil {
		// Not a failure: the site is the same, made more slowly.
		note := *why
		note.Msg = "note: " + note.Msg
		fmt.Fprintln(stderr, note.Error())
	}
	return exitOK
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("check", "[--source DIR]", stderr)
	src := fs.String("source", ".", "the publication `folder` (holding stratpub.yaml)")
	if c := parse(fs, args); c >= 0 {
		return c
	}
	root, err := source(*src)
	if err != nil {
		fmt.Fprintln(stderr, "stratpub check:", err)
		return exitContent
	}
	defer root.Close()
	site, errs := build.Build(ctx, build.Config{Source: root.FS()})
	if len(errs) > 0 {
		report(stderr, errs)
		return exitContent
	}
	fmt.Fprintf(stdout, "ok: %d goals, %d objectives, %d pages\n", len(site.Plan.Goals), len(site.Plan.Objectives), site.Pages)
	return exitOK
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("version", "", stderr)
	if c := parse(fs, args); c >= 0 {
		return c
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
	}
	fmt.Fprintf(stdout, "stratpub %s\n", strings.TrimSpace(v))
	return exitOK
}
