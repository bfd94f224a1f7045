//go:build !linux

package load

import "io/fs"

func beneath(string) int { return -1 }

func closeBeneath(int) {}

// beneathFS is not made where openat2 is not (Root.FS); were it, it would
// be the os.Root's.
type beneathFS struct{ r *Root }

func (f beneathFS) Open(name string) (fs.File, error) { return f.r.root.FS().Open(name) }
