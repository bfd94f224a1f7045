// Package diag reports problems an author can cause, each with the position
// in the source it comes from: "path:line:col: message".
//
// Positions are computed when the problem is found, from byte offsets into
// the file that was read, so they always point at the text the author wrote.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a source file. Line and Col count from 1; Col counts
// bytes, as go/token does. A zero Line means "the whole file".
type Pos struct {
	File string // slash-separated, relative to the publication folder
	Line int
	Col  int
}

// String formats p as path:line:col, path:line or path.
func (p Pos) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is one problem at one position, with a hint on how to fix it.
type Error struct {
	Pos  Pos
	Msg  string
	Hint string // optional; how to fix it
}

// Error formats e as "path:line:col: message (hint)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString("\n\thint: ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// List collects errors. The zero value is ready to use.
type List []*Error

// Add appends an error at pos.
func (l *List) Add(pos Pos, msg, hint string) {
	*l = append(*l, &Error{Pos: pos, Msg: msg, Hint: hint})
}

// Addf appends an error at pos with a formatted message and no hint.
func (l *List) Addf(pos Pos, format string, args ...any) {
	l.Add(pos, fmt.Sprintf(format, args...), "")
}

// Append adds all errors of other.
func (l *List) Append(other List) { *l = append(*l, other...) }

// Len returns the number of errors.
func (l List) Len() int { return len(l) }

// Sort orders the list by file, line, column and message, and removes
// exact duplicates.
func (l *List) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i].Pos, s[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return s[i].Msg < s[j].Msg
	})
	out := s[:0]
	for i, e := range s {
		if i > 0 && e.Pos == s[i-1].Pos && e.Msg == s[i-1].Msg {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

// Error joins all errors, one per line.
func (l List) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns nil when l is empty, and the sorted list otherwise.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}

// LineCol converts a byte offset in src to a 1-based line and column.
func LineCol(src []byte, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	line = 1
	start := 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, off - start + 1
}

// Closest returns up to n candidates nearest to s by edit distance, nearest
// first, keeping only those close enough to be a plausible typo.
func Closest(s string, candidates []string, n int) []string {
	type scored struct {
		c string
		d int
	}
	var all []scored
	limit := len(s)/3 + 1
	ls := strings.ToLower(s)
	var rows []int // distance's, reused
	for _, c := range candidates {
		lc := strings.ToLower(c)
		var d int
		switch {
		case ls != "" && strings.Contains(lc, ls):
			// Contained: 0 if the same, else at most 1.
			d = 1
			if lc == ls {
				d = 0
			}
		case abs(len(lc)-len(ls)) > limit:
			continue // the distance is at least the difference in length
		default:
			if d = distance(ls, lc, limit, &rows); d > limit {
				continue
			}
		}
		all = append(all, scored{c, d})
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

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// distance is the Levenshtein distance between a and b, in bytes, or a
// number above limit as soon as it must exceed limit. rows holds the two
// rows it works in, for the next call.
func distance(a, b string, limit int, rows *[]int) int {
	if cap(*rows) < 2*(len(b)+1) {
		*rows = make([]int, 2*(len(b)+1))
	}
	r := (*rows)[:2*(len(b)+1)]
	prev, cur := r[:len(b)+1], r[len(b)+1:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			low = min(low, cur[j])
		}
		if low > limit {
			return limit + 1 // no row gets smaller
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
