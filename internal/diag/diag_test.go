package diag

import (
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
