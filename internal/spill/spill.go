// Package spill keeps texts in a temporary file instead of in memory, for
// a build of a large publication. Most of what such a build holds is text
// that waits: Markdown bodies waiting for every ID to be known before they
// are converted, then their HTML waiting for the pages, the print edition
// and the open data (at a thousand times the CBP publication, 38 MB of
// Markdown and then 39 MB of HTML, of a live heap of 130 MB). Each is read
// back a few times, a microsecond or two from the system's file cache.
package spill

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Store is a temporary file of texts. The file is made on the first text
// stored, in Dir, and removed at once: nothing is left behind, however the
// program ends, and the system frees its space when the Store is no longer
// used. A Store whose file cannot be made, removed while open (Windows) or
// written stores nothing more, and Put says so.
//
// A failed read makes Err report it and the text read as empty: whoever
// publishes what it made from stored texts checks Err first.
//
// A Store is safe for concurrent use. The zero Store stores its texts in
// os.TempDir().
type Store struct {
	// Dir is the folder of the file; empty means os.TempDir().
	Dir string

	mu      sync.Mutex
	f       *os.File  // nil until needed
	failed  bool      // the file could not be made or written, or is closed
	closed  bool      // Close was called
	pending []byte    // stored, not yet written to f
	written int64     // bytes of f
	recent  [8]recent // texts read last (String)
	next    int       // the entry of recent to replace

	err atomic.Pointer[error]
}

type recent struct {
	off int64
	s   string
}

// Ref is a text in a Store. The zero Ref is no text.
type Ref struct {
	s   *Store
	off int64
	n   int
}

// flushAt is how much is gathered before it is written.
const flushAt = 1 << 20

// Put stores text and returns where, or ok false when its caller is to
// keep it in memory instead: a nil Store, or one whose file failed, stores
// nothing, and an empty text is never stored. Put does not keep text
// itself.
func (s *Store) Put(text string) (r Ref, ok bool) {
	if s == nil || text == "" {
		return Ref{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed || s.f == nil && !s.open() {
		return Ref{}, false
	}
	r = Ref{s, s.written + int64(len(s.pending)), len(text)}
	s.pending = append(s.pending, text...)
	if len(s.pending) >= flushAt {
		s.flush()
	}
	return r, true
}

// PutBytes is Put for a []byte.
func (s *Store) PutBytes(b []byte) (Ref, bool) {
	return s.Put(unsafe.String(unsafe.SliceData(b), len(b)))
}

// open makes the file; s.mu is held.
func (s *Store) open() bool {
	f, err := os.CreateTemp(s.Dir, "stratpub-spill-*")
	if err != nil {
		s.failed = true
		return false
	}
	// Removed now: the open file stays readable, and nothing is left if
	// the program is killed.
	if os.Remove(f.Name()) != nil {
		f.Close()
		os.Remove(f.Name())
		s.failed = true
		return false
	}
	s.f = f
	return true
}

// flush writes the pending bytes to the file; s.mu is held. If the write
// fails, they stay pending, where reads find them, and nothing more is
// stored.
func (s *Store) flush() {
	if len(s.pending) == 0 || s.failed {
		return
	}
	n, err := s.f.WriteAt(s.pending, s.written)
	if err != nil || n != len(s.pending) {
		s.failed = true
		return
	}
	s.written += int64(n)
	s.pending = s.pending[:0]
}

// Len returns the length of the text, without reading it.
func (r Ref) Len() int { return r.n }

// Stored reports whether r is a text in a Store (not the zero Ref).
func (r Ref) Stored() bool { return r.s != nil }

// String returns the text. The few texts read last are kept, since a
// page often asks for the same text more than once.
func (r Ref) String() string {
	s := r.s
	if s == nil {
		return ""
	}
	s.mu.Lock()
	for _, e := range s.recent {
		if e.off == r.off && len(e.s) == r.n {
			s.mu.Unlock()
			return e.s
		}
	}
	s.mu.Unlock()
	b := r.Bytes()
	if b == nil {
		return ""
	}
	t := unsafe.String(unsafe.SliceData(b), len(b)) // b is not used again
	s.mu.Lock()
	s.recent[s.next] = recent{r.off, t}
	s.next = (s.next + 1) % len(s.recent)
	s.mu.Unlock()
	return t
}

// Bytes returns the text in a new buffer, read with one system call, and
// not kept among the texts read last: for a text read once.
func (r Ref) Bytes() []byte {
	if r.s == nil {
		return nil
	}
	return r.readInto(make([]byte, r.n))
}

// Into returns the text read into *buf, which it grows as needed: the
// text is valid until *buf is used again. It is for a reader that uses
// each text at once and keeps nothing of it (the open data, which writes
// it out): such reads allocate nothing.
func (r Ref) Into(buf *[]byte) []byte {
	if r.s == nil {
		return nil
	}
	if cap(*buf) < r.n {
		*buf = make([]byte, r.n+r.n/4)
	}
	return r.readInto((*buf)[:r.n])
}

// readInto reads the text into b, of its length.
func (r Ref) readInto(b []byte) []byte {
	s := r.s
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.fail(os.ErrClosed)
		return nil
	}
	if r.off >= s.written {
		// Not written yet, or the file failed: the bytes are pending.
		copy(b, s.pending[r.off-s.written:])
		s.mu.Unlock()
		return b
	}
	s.mu.Unlock()
	if k, err := s.f.ReadAt(b, r.off); k != r.n {
		if err == nil {
			err = fmt.Errorf("read %d of %d bytes", k, r.n)
		}
		s.fail(err)
		return nil
	}
	return b
}

// fail records err, a failure to read a text back.
func (s *Store) fail(err error) {
	err = fmt.Errorf("reading texts back from the temporary file %s: %w", s.f.Name(), err)
	s.err.CompareAndSwap(nil, &err)
}

// Close closes the file: texts stored are no longer readable (reading one
// makes Err report it), and nothing more is stored. The file is closed
// anyway when the Store is no longer used; Close frees it sooner.
func (s *Store) Close() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failed = true
	if s.f == nil || s.closed {
		return nil
	}
	s.closed = true
	s.pending = nil
	return s.f.Close()
}

// Err returns the first error reading a text back, or nil.
func (s *Store) Err() error {
	if s == nil {
		return nil
	}
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

// Size returns how many bytes s has stored.
func (s *Store) Size() int64 {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.written + int64(len(s.pending))
}
