package load

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// errEscapes is what os.Root says of a path that leads outside it.
var errEscapes = errors.New("path escapes from parent")

// beneath opens dir for openat2, or returns -1 when openat2 is not there
// (Linux before 5.6, or refused by a seccomp filter).
func beneath(dir string) int {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	probe, err := openBeneath(fd, ".", unix.O_PATH)
	if err != nil {
		unix.Close(fd)
		return -1
	}
	unix.Close(probe)
	return fd
}

func closeBeneath(fd int) {
	if fd >= 0 {
		unix.Close(fd)
	}
}

// openBeneath opens name under the folder dirfd, following symbolic
// links only as long as they stay under it.
func openBeneath(dirfd int, name string, flags int) (int, error) {
	how := unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC), Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS}
	for {
		fd, err := unix.Openat2(dirfd, name, &how)
		if err == unix.EINTR {
			continue
		}
		return fd, err
	}
}

// beneathFS is a Root's file system on openat2.
type beneathFS struct{ r *Root }

// open opens name with flags, as an *os.File named by its path (which
// fs.DirEntry.Info of its entries uses, as for an os.Root's).
func (f beneathFS) open(op, name string, flags int) (*os.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	fd, err := openBeneath(f.r.fd, name, flags)
	if err != nil {
		if err == unix.EXDEV {
			err = errEscapes
		}
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return os.NewFile(uintptr(fd), filepath.Join(f.r.dir, filepath.FromSlash(name))), nil
}

func (f beneathFS) Open(name string) (fs.File, error) {
	file, err := f.open("open", name, unix.O_RDONLY)
	if err != nil {
		return nil, err // not a nil *os.File in an fs.File
	}
	return file, nil
}

// Stat looks at name without opening it for reading, which for a named
// pipe would wait for a writer.
func (f beneathFS) Stat(name string) (fs.FileInfo, error) {
	file, err := f.open("stat", name, unix.O_PATH)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: errors.Unwrap(err)}
	}
	return renamed{st, filepath.Base(name)}, nil
}

// renamed is a FileInfo with the name fs.Stat gives (the last element of
// the path), whatever the file's own name.
type renamed struct {
	fs.FileInfo
	name string
}

func (r renamed) Name() string { return r.name }
