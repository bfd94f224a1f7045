package markdown

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// collapseSpace is strings.Join(strings.Fields(s), " ") without a string
// per word: the same on every kind of white space, non-ASCII text and
// invalid UTF-8.
func TestCollapseSpace(t *testing.T) {
	cases := []string{"", " ", "a", " a ", "a  b", "\ta\n\nb\r\n", "a\u00a0b", "a\u2028b\u3000c", "\u0085x\u200bz",
		"é — è", "\xff \xfe", "a\xffb", " \x80 ", "tab\vfeed\f", "x\u1680y\u2000z"}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{" ", "\t", "\n", "a", "é", "\u00a0", "\u2003", "\xff", "\xe2\x80", "—", "\u0085", "\u200b", "x"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	copies := 0
	for _, s := range cases {
		got, want := collapseSpace(s), strings.Join(strings.Fields(s), " ")
		if got != want {
			t.Fatalf("collapseSpace(%q) = %q; want %q", s, got, want)
		}
		// A text with nothing to collapse is returned as it is, not copied.
		if got == s && s != "" && unsafe.StringData(got) != unsafe.StringData(s) {
			copies++
		}
	}
	if copies > 0 {
		t.Errorf("%d texts with nothing to collapse were copied", copies)
	}
}

func BenchmarkCollapseSpace(b *testing.B) {
	s := strings.Repeat("Enhancing trade security and compliance requires overcoming critical — and complex — challenges,\n  from identifying bad actors.  ", 40)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		collapseSpace(s)
	}
}
