package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stratpub/stratpub/internal/scale"
	"github.com/stratpub/stratpub/internal/watch"
)

// copyPublication copies the publication in src into dst, so that the
// benchmark never edits the author's files. With n > 1 it writes n
// renumbered copies of it as one publication instead (package scale).
func copyPublication(ctx context.Context, src, dst string, n int) (docs int, err error) {
	if n > 1 {
		root, err := os.OpenRoot(src)
		if err != nil {
			return 0, err
		}
		defer root.Close()
		if _, err := scale.Dir(ctx, root.FS(), n, dst); err != nil {
			return 0, err
		}
		return countDocs(dst)
	}
	for _, part := range watch.Parts() {
		p := filepath.Join(src, part)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if err := copyTree(p, filepath.Join(dst, part)); err != nil {
			return 0, err
		}
	}
	return countDocs(dst)
}

// countDocs counts the Markdown files under content/ of the publication
// in dir.
func countDocs(dir string) (docs int, err error) {
	err = filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			docs++
		}
		return err
	})
	return docs, err
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
}
