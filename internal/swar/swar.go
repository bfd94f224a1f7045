// Package swar tests eight bytes of a string at a time ("SIMD within a
// register"), for the writers that escape large texts: most bytes need no
// escaping, and finding the next one that does is the hot loop.
//
// Below and Equal set the high bit of the bytes of x that are below n or
// equal to c, and may set it in bytes after those, so that they answer
// exactly only whether there is one: test the result with &High != 0.
package swar

const (
	ones = 0x0101010101010101
	// High has the high bit of every byte set.
	High = 0x8080808080808080
)

// Below reports (see the package) the bytes of x below n; n ≤ 0x80.
func Below(x uint64, n byte) uint64 { return (x - ones*uint64(n)) &^ x & High }

// Equal reports (see the package) the bytes of x equal to c.
func Equal(x uint64, c byte) uint64 {
	y := x ^ ones*uint64(c)
	return (y - ones) &^ y & High
}

// Load returns the eight bytes of s from i, little-endian.
func Load(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
