package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/pdf"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/render"
)

func runPDF(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("pdf", "[--source DIR] [--out FILE.pdf] [--chromium PATH]", stderr)
	src := fs.String("source", ".", "the publication `folder` (holding stratpub.yaml)")
	out := fs.String("out", "", "the PDF `file` to write (default: a name made from the title, in the current folder)")
	chromium := fs.String("chromium", "", "the Chromium `executable` (default: $CHROMIUM, else chromium on PATH)")
	if c := parse(fs, args); c >= 0 {
		return c
	}
	start := time.Now()
	root, err := source(*src)
	if err != nil {
		fmt.Fprintln(stderr, "stratpub pdf:", err)
		return exitContent
	}
	defer root.Close()
	prep, errs := build.Prepare(ctx, build.Config{Source: root.FS()})
	if len(errs) > 0 {
		report(stderr, errs)
		return exitContent
	}
	res, code := makePDF(ctx, prep, *chromium, stderr)
	if code != exitOK {
		return code
	}
	if *out == "" {
		*out = pdf.FileName(&prep.Plan.Pub)
	}
	if err := writeFile(*out, res.PDF); err != nil {
		fmt.Fprintln(stderr, "stratpub pdf: writing the PDF:", err)
		return exitContent
	}
	fmt.Fprintf(stdout, "wrote %s: %d pages, %d KB, %d print passes, in %d ms\n",
		*out, res.Pages, (len(res.PDF)+512)/1024, res.Passes, time.Since(start).Milliseconds())
	return exitOK
}

// makePDF prints the PDF of a prepared publication. It reports problems
// itself and returns an exit code.
func makePDF(ctx context.Context, prep *build.Prepared, chromium string, stderr io.Writer) (*pdf.Result, int) {
	res, err := pdf.Make(ctx, prep, pdf.Options{Chromium: chromium, SourceDateEpoch: os.Getenv("SOURCE_DATE_EPOCH")})
	if err != nil {
		if errors.Is(err, pdf.ErrNoChromium) {
			fmt.Fprintln(stderr, "stratpub pdf:", err)
		} else {
			fmt.Fprintln(stderr, "stratpub pdf: making the PDF:", err)
		}
		return nil, exitContent
	}
	return res, exitOK
}

// writeFile writes data to name atomically: a reader never sees half a PDF.
func writeFile(name string, data []byte) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// existingPDF returns a lookup of the PDF edition already in the output
// folder out, so that a build keeps it and links it.
func existingPDF(out string) func(pub *plan.Publication) *render.File {
	return func(pub *plan.Publication) *render.File {
		name := pdf.FileName(pub)
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			return nil
		}
		return &render.File{Path: name, Data: data}
	}
}
