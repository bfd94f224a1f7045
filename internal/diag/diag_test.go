package diag

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestPosString(t *testing.T) {
	for _, c := range []struct {
		p    Pos
		want string
	}{
		{Pos{}, "-"},
		{Pos{File: "a.md"}, "a.md"},
		{Pos{File: "a.md", Line: 3}, "a.md:3"},
		{Pos{File: "a.md", Line: 3, Col: 7}, "a.md:3:7"},
	} {
		if got := c.p.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.p, got, c.want)
		}
	}
}

func TestLineCol(t *testing.T) {
	src := []byte("ab\ncd\n\nxyz")
	for _, c := range []struct{ off, line, col int }{
		{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {4, 2, 2}, {6, 3, 1}, {7, 4, 1}, {9, 4, 3}, {100, 4, 4},
	} {
		if l, col := LineCol(src, c.off); l != c.line || col != c.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
}

func TestListSortsDeduplicatesAndErr(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Fatal("empty list: Err() != nil")
	}
	l.Add(Pos{File: "b.md", Line: 1, Col: 1}, "second", "")
	l.Add(Pos{File: "a.md", Line: 9, Col: 1}, "first", "fix it")
	l.Add(Pos{File: "b.md", Line: 1, Col: 1}, "second", "")
	err := l.Err()
	if err == nil {
		t.Fatal("Err() = nil for a list with errors")
	}
	want := "a.md:9:1: first\n\thint: fix it\nb.md:1:1: second"
	if got := err.Error(); got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
}

func TestClosest(t *testing.T) {
	ids := []string{"objective-1.1", "objective-1.2", "objective-2.1", "goal-1", "foreword"}
	for _, c := range []struct {
		s    string
		want string
	}{
		{"objective-1.3", "objective-1.1 objective-1.2 objective-2.1"},
		{"forword", "foreword"},
		{"goal1", "goal-1"},
		{"zzzzzzzz", ""},
	} {
		if got := strings.Join(Closest(c.s, ids, 3), " "); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.s, got, c.want)
		}
	}
}

// TestClosestAsPlainLevenshtein compares Closest with a plain reading of
// its rule (full Levenshtein distance to every candidate, containment
// counting as 1) on random IDs and typos: the shortcuts it takes (length,
// early exit) change nothing.
func TestClosestAsPlainLevenshtein(t *testing.T) {
	plain := func(s string, candidates []string, n int) []string {
		lev := func(a, b string) int {
			prev := make([]int, len(b)+1)
			for j := range prev {
				prev[j] = j
			}
			for i := 1; i <= len(a); i++ {
				cur := make([]int, len(b)+1)
				cur[0] = i
				for j := 1; j <= len(b); j++ {
					cost := 1
					if a[i-1] == b[j-1] {
						cost = 0
					}
					cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
				}
				prev = cur
			}
			return prev[len(b)]
		}
		type scored struct {
			c string
			d int
		}
		var all []scored
		for _, c := range candidates {
			d := lev(strings.ToLower(s), strings.ToLower(c))
			if strings.Contains(strings.ToLower(c), strings.ToLower(s)) && s != "" {
				d = min(d, 1)
			}
			if d <= len(s)/3+1 {
				all = append(all, scored{c, d})
			}
		}
		sort.SliceStable(all, func(i, j int) bool {
			if all[i].d != all[j].d {
				return all[i].d < all[j].d
			}
			return all[i].c < all[j].c
		})
		var out []string
		for i := 0; i < len(all) && i < n; i++ {
			out = append(out, all[i].c)
		}
		return out
	}
	r := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for g := 1; g <= 12; g++ {
		ids = append(ids, fmt.Sprintf("goal-%d", g))
		for o := 1; o <= 9; o++ {
			ids = append(ids, fmt.Sprintf("objective-%d.%d", g, o))
			for k := 1; k <= 4; k++ {
				ids = append(ids, fmt.Sprintf("activity-%d.%d.%d", g, o, k), fmt.Sprintf("outcome-%d.%d.%d", g, o, k))
			}
		}
	}
	ids = append(ids, "foreword", "executive-summary", "conclusion", "Summary", "home", "")
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789.-ABC"
	for range 400 {
		s := ids[r.IntN(len(ids))]
		b := []byte(s)
		for range r.IntN(4) {
			switch k := r.IntN(3); {
			case k == 0 && len(b) > 0:
				i := r.IntN(len(b))
				b = append(b[:i], b[i+1:]...)
			case k == 1:
				i := r.IntN(len(b) + 1)
				b = append(b[:i], append([]byte{letters[r.IntN(len(letters))]}, b[i:]...)...)
			case len(b) > 0:
				b[r.IntN(len(b))] = letters[r.IntN(len(letters))]
			}
		}
		typo := string(b)
		if got, want := Closest(typo, ids, 3), plain(typo, ids, 3); !slices.Equal(got, want) {
			t.Fatalf("Closest(%q) = %q; the plain rule gives %q", typo, got, want)
		}
	}
}
