//go:build !linux

package write

import (
	"io"
	"os"
)

// create opens the file name for writing, created or truncated.
func create(name string) (io.WriteCloser, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}
