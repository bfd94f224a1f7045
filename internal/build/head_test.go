package build

import (
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/export"
)

// TestHeadSamplesLikeWholeFile writes texts into a head in chunks of every
// size and checks that the sample made from what it kept is the sample of
// the whole text: the same lines, and "…" exactly when lines are left out.
func TestHeadSamplesLikeWholeFile(t *testing.T) {
	const lines = 3
	texts := []string{"", "a", "a\n", "a\nb\nc", "a\nb\nc\n", "a\nb\nc\nd", "a\nb\nc\n\n", "a\nb\nc\nd\ne\n", "\n\n\n", "\n\n\n\n"}
	for _, text := range texts {
		want, err := export.Sample(export.File{Data: []byte(text)}, lines)
		if err != nil {
			t.Fatal(err)
		}
		for size := 1; size <= max(len(text), 1); size++ {
			h := head{lines: lines}
			for rest := text; len(rest) > 0; {
				k := min(size, len(rest))
				h.Write([]byte(rest[:k]))
				rest = rest[k:]
			}
			got, err := export.Sample(export.File{Data: h.buf}, lines)
			if err != nil {
				t.Fatal(err)
			}
			if got != want || h.n != int64(len(text)) {
				t.Errorf("%q in chunks of %d: sample %q (%d bytes counted), want %q", text, size, got, h.n, want)
			}
		}
	}
	if s, _ := export.Sample(export.File{Data: []byte("a\nb\nc\nd")}, lines); !strings.Contains(string(s), "…") {
		t.Errorf("a sample of 3 of 4 lines has no \"…\": %q", s)
	}
}
