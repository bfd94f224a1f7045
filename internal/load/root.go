package load

import (
	"io/fs"
	"os"
)

// Root is a publication's folder, opened so that no path read through it
// leads outside it, which is os.Root's guarantee: a symbolic link, however
// written, that leads out of the folder is refused, as is an absolute one.
// On Linux each file is opened with one system call (openat2 with
// RESOLVE_BENEATH), where an os.Root opens every folder on the way to it,
// one at a time, and wraps each as an *os.File: about ten system calls a
// file, which a build of thousands of documents pays for every one of
// them. Elsewhere, or where the kernel lacks openat2, it is an os.Root.
type Root struct {
	root *os.Root
	dir  string
	fd   int // the folder, for openat2; -1 when the os.Root does the work
}

// OpenRoot opens the folder dir.
func OpenRoot(dir string) (*Root, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Root{root: r, dir: dir, fd: beneath(dir)}, nil
}

// FS returns the folder as a file system. Its errors are *fs.PathError, as
// the os.Root's, and a path that leads outside the folder fails with
// "path escapes from parent".
func (r *Root) FS() fs.FS {
	if r.fd < 0 {
		return r.root.FS()
	}
	return beneathFS{r}
}

// Close closes the folder.
func (r *Root) Close() error {
	closeBeneath(r.fd)
	return r.root.Close()
}
