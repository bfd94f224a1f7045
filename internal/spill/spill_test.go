package spill

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
)

// texts returns n texts of random lengths, some longer than flushAt, so
// that a Store holds some pending and some written, and some that span
// a flush.
func texts(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]string, n)
	for i := range out {
		size := 1 + r.IntN(8<<10)
		if r.IntN(50) == 0 {
			size = flushAt + r.IntN(flushAt)
		}
		var b strings.Builder
		for b.Len() < size {
			fmt.Fprintf(&b, "<p>text %d, %d</p>\n", i, b.Len())
		}
		out[i] = b.String()[:size]
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	in := texts(2000, 1)
	refs := make([]Ref, len(in))
	for i, x := range in {
		r, ok := s.Put(x)
		if !ok {
			t.Fatalf("Put(%d bytes) not stored", len(x))
		}
		refs[i] = r
		// Read back while others are still pending, and after they are
		// written.
		if i%7 == 0 {
			if got := refs[i/2].String(); got != in[i/2] {
				t.Fatalf("text %d read while storing: %d bytes, want %d", i/2, len(got), len(in[i/2]))
			}
		}
	}
	total := int64(0)
	for _, x := range in {
		total += int64(len(x))
	}
	if s.Size() != total {
		t.Errorf("Size() = %d, want %d", s.Size(), total)
	}
	if s.written == 0 || len(s.pending) == 0 {
		t.Fatalf("want texts both written (%d bytes) and pending (%d bytes)", s.written, len(s.pending))
	}
	var buf []byte // one buffer for every Into
	for _, i := range rand.New(rand.NewPCG(2, 2)).Perm(len(in)) {
		if got := refs[i].String(); got != in[i] {
			t.Fatalf("text %d: String() gives %d bytes, want %d", i, len(got), len(in[i]))
		}
		if got := string(refs[i].Bytes()); got != in[i] {
			t.Fatalf("text %d: Bytes() gives %d bytes, want %d", i, len(got), len(in[i]))
		}
		if got := string(refs[i].Into(&buf)); got != in[i] {
			t.Fatalf("text %d: Into() gives %d bytes, want %d", i, len(got), len(in[i]))
		}
		if refs[i].Len() != len(in[i]) || !refs[i].Stored() {
			t.Fatalf("text %d: Len() = %d, Stored() = %v", i, refs[i].Len(), refs[i].Stored())
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	// Nothing is left in the folder: the file was removed once made.
	if left, _ := os.ReadDir(s.Dir); len(left) != 0 {
		t.Errorf("the store left %d files in its folder", len(left))
	}
}

// TestConcurrent stores and reads from several goroutines at once, as a
// build's conversions and readers do (run with -race).
func TestConcurrent(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	in := texts(800, 3)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(in); i += 4 {
				r, ok := s.Put(in[i])
				if !ok {
					t.Errorf("text %d not stored", i)
					return
				}
				for range 2 {
					if got := r.String(); got != in[i] {
						t.Errorf("text %d: %d bytes, want %d", i, len(got), len(in[i]))
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestNothingStored(t *testing.T) {
	var nilStore *Store
	if _, ok := nilStore.Put("x"); ok {
		t.Error("a nil Store stored a text")
	}
	if nilStore.Err() != nil || nilStore.Size() != 0 || nilStore.Close() != nil {
		t.Error("a nil Store reports something")
	}
	s := &Store{Dir: t.TempDir()}
	if _, ok := s.Put(""); ok {
		t.Error("an empty text was stored")
	}
	if s.f != nil {
		t.Error("the file was made for nothing")
	}
	var zero Ref
	if zero.String() != "" || zero.Bytes() != nil || zero.Stored() || zero.Len() != 0 {
		t.Error("the zero Ref is not empty")
	}
	// A folder that does not exist: the store stores nothing, and the
	// caller keeps its texts.
	bad := &Store{Dir: s.Dir + "/missing"}
	if _, ok := bad.Put("text"); ok {
		t.Error("a store with no folder stored a text")
	}
}

// TestReadFailure is the check that a text that cannot be read back is
// reported, not taken for an empty one: Err says what failed.
func TestReadFailure(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	in := texts(300, 4)
	var refs []Ref
	for _, x := range in {
		r, _ := s.Put(x)
		refs = append(refs, r)
	}
	if got := refs[0].String(); got != in[0] || s.Err() != nil {
		t.Fatalf("before closing: %d bytes, %v", len(got), s.Err())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := refs[len(refs)-1].Bytes(); got != nil {
		t.Errorf("a text read after Close: %d bytes", len(got))
	}
	if err := s.Err(); !errors.Is(err, os.ErrClosed) || !strings.Contains(err.Error(), "temporary file") {
		t.Errorf("Err() = %v, want a closed file named", err)
	}
	if _, ok := s.Put("more"); ok {
		t.Error("a closed store stored a text")
	}
}
