package swar

import "testing"

// Whether any byte is below n or equal to c, as a byte-by-byte loop says,
// for every byte value at every position among plain and tricky bytes.
func TestAgainstBytes(t *testing.T) {
	fillers := []byte{'a', 0x00, 0x7f, 0x80, 0xff, 0x1f, 0x20, '"'}
	for _, fill := range fillers {
		for b := range 256 {
			for pos := range 8 {
				s := []byte{fill, fill, fill, fill, fill, fill, fill, fill}
				s[pos] = byte(b)
				x := Load(string(s), 0)
				for _, n := range []byte{0x20, 0x80} {
					want := false
					for _, c := range s {
						want = want || c < n
					}
					// Below is exact only on ASCII bytes: a byte with its
					// high bit set is reported through x itself.
					if got := (Below(x, n)|x)&High != 0; got != (want || hasHigh(s)) {
						t.Fatalf("Below(%q, %#x) = %v; want %v", s, n, got, want)
					}
				}
				for _, c := range []byte{'"', '\\', '&', '\n', 0x00, 0xff} {
					want := false
					for _, v := range s {
						want = want || v == c
					}
					if got := Equal(x, c)&High != 0; got != want {
						t.Fatalf("Equal(%q, %#x) = %v; want %v", s, c, got, want)
					}
				}
			}
		}
	}
}

func hasHigh(s []byte) bool {
	for _, c := range s {
		if c >= 0x80 {
			return true
		}
	}
	return false
}
