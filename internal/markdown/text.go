package markdown

import (
	"html"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/stratpub/stratpub/internal/swar"
)

// TextOf returns the plain text of HTML that Convert made: the text a
// reader sees, with character references decoded, an image's alternative
// text in its place, footnote reference numbers left out, and white space
// collapsed as collapseSpace does (elements that start a new line, such as
// paragraphs, list items, table cells and line breaks, separate words).
// It is what search and the open data call a body's text; the plan keeps
// only the HTML.
func TextOf(h string) string {
	if !strings.ContainsAny(h, "<&") {
		return collapseSpace(h)
	}
	buf := textBufs.Get().(*[]byte)
	*buf = AppendTextOf((*buf)[:0], h)
	s := string(*buf)
	textBufs.Put(buf)
	return s
}

// textBufs are the buffers TextOf writes in before copying.
var textBufs = sync.Pool{New: func() any { return new([]byte) }}

// AppendTextOf appends TextOf(h) to dst: a program that reads texts one
// after the other can reuse one buffer for them all.
func AppendTextOf(dst []byte, h string) []byte { return appendTextOf(dst, h, -1) }

// TextPrefix returns the start of TextOf(h): all of it when it has at
// most n bytes, and otherwise a prefix of it longer than n bytes, made
// without reading the rest of h. Excerpt(TextPrefix(h, n), n) is
// Excerpt(TextOf(h), n).
func TextPrefix(h string, n int) string {
	return string(appendTextOf(nil, h, n))
}

// appendTextOf is AppendTextOf that stops once it has appended more than
// limit bytes, when limit is not negative. What it has appended is then a
// prefix of the whole text: words are written whole, with the space before
// them, and nothing written is taken back.
func appendTextOf(dst []byte, h string, limit int) []byte {
	t := textWriter{b: dst, start: len(dst)}
	for len(h) > 0 {
		if limit >= 0 && len(t.b)-t.start > limit {
			break
		}
		lt := strings.IndexByte(h, '<')
		if lt < 0 {
			t.text(h)
			break
		}
		t.text(h[:lt])
		h = h[lt:]
		gt := strings.IndexByte(h, '>')
		if gt < 0 { // not a tag: Convert escapes a lone "<"
			t.text(h)
			break
		}
		tag := h[1:gt]
		h = h[gt+1:]
		name, attrs, _ := strings.Cut(tag, " ")
		name = strings.TrimPrefix(name, "/")
		switch {
		case name == "sup" && strings.Contains(attrs, `class="fnref"`):
			// A footnote reference: its number is not text of the body.
			if end := strings.Index(h, "</sup>"); end >= 0 {
				h = h[end+len("</sup>"):]
			}
		case name == "img":
			if alt, ok := attr(attrs, "alt"); ok {
				t.space = true
				t.text(alt)
				t.space = true
			}
		case blockTags[name]:
			t.space = true
		}
	}
	return t.b
}

// textWriter collapses white space as it appends text to b: words are
// joined by single spaces, with none at either end.
type textWriter struct {
	b     []byte
	start int  // where the text starts in b
	space bool // white space since the last word
}

// text writes s, decoding character references.
func (t *textWriter) text(s string) {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	t.collapse(s)
}

// collapse writes s as it is, but for its white space.
func (t *textWriter) collapse(s string) {
	if single(s) {
		// Words with single spaces between them, the common case: s is
		// written whole.
		if s[0] == ' ' {
			t.space = true
			s = s[1:]
		}
		end := len(s) > 0 && s[len(s)-1] == ' '
		if end {
			s = s[:len(s)-1]
		}
		if s != "" {
			t.word(s)
		}
		t.space = t.space || end
		return
	}
	for i := 0; i < len(s); {
		// White space: remembered, not written.
		if n := spaceAt(s, i); n > 0 {
			t.space = true
			i += n
			continue
		}
		// A run of words with single spaces between them is written
		// whole.
		j := i
		for j < len(s) {
			c := s[j]
			if c < utf8.RuneSelf {
				if !asciiSpace[c] || c == ' ' && j+1 < len(s) && spaceAt(s, j+1) == 0 {
					j++
					continue
				}
				break
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += size
		}
		t.word(s[i:j])
		i = j
	}
}

// single reports whether s is not empty and its only white space is single
// ASCII spaces.
func single(s string) bool {
	if s == "" {
		return false
	}
	// Eight bytes at a time while they are ASCII, with no control
	// character and no two spaces in a row: most of a text.
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := swar.Load(s, i)
		if (swar.Below(x, 0x20)|x)&swar.High != 0 {
			break
		}
		// The spaces of x, exactly, by their high bits.
		y := x ^ 0x2020202020202020
		sp := ^(((y & 0x7f7f7f7f7f7f7f7f) + 0x7f7f7f7f7f7f7f7f) | y) & swar.High
		if sp&(sp>>8) != 0 || sp&0x80 != 0 && i > 0 && s[i-1] == ' ' {
			return false
		}
	}
	if i > 0 {
		i-- // an ASCII byte, which may be a space before one
	}
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case !maybeSpace[c]:
		case c == ' ':
			if i+1 < len(s) && s[i+1] == ' ' {
				return false
			}
		case c < utf8.RuneSelf:
			return false
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				return false
			}
			i += size - 1
		}
	}
	return true
}

// maybeSpace marks the bytes that are, or start, a white-space character
// (unicode.IsSpace): the ASCII ones, and the first bytes of U+0085,
// U+00A0, U+1680, U+2000 to U+205F and U+3000.
var maybeSpace = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = asciiSpace[c]
	}
	t[0xc2], t[0xe1], t[0xe2], t[0xe3] = true, true, true, true
	return t
}()

// spaceAt returns the length of the white-space character (unicode.IsSpace)
// at s[i], or 0.
func spaceAt(s string, i int) int {
	if c := s[i]; c < utf8.RuneSelf {
		if asciiSpace[c] {
			return 1
		}
		return 0
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if unicode.IsSpace(r) {
		return size
	}
	return 0
}

// word writes (part of) a word, after a space if white space came before.
func (t *textWriter) word(w string) {
	if t.space && len(t.b) > t.start {
		t.b = append(t.b, ' ')
	}
	t.space = false
	t.b = append(t.b, w...)
}

// attr returns the value of the attribute name in the attributes of a tag
// Convert wrote (name="value").
func attr(attrs, name string) (string, bool) {
	for rest := attrs; ; {
		i := strings.Index(rest, name+`="`)
		if i < 0 {
			return "", false
		}
		if i > 0 && rest[i-1] != ' ' {
			rest = rest[i+len(name):]
			continue
		}
		v := rest[i+len(name)+2:]
		end := strings.IndexByte(v, '"')
		if end < 0 {
			return "", false
		}
		return v[:end], true
	}
}

// blockTags are the elements whose start and end separate words.
var blockTags = map[string]bool{
	"p": true, "br": true, "li": true, "ul": true, "ol": true, "blockquote": true, "pre": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "hr": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "td": true, "th": true,
	"dl": true, "dt": true, "dd": true, "div": true, "figure": true, "figcaption": true,
	"section": true, "aside": true, "details": true, "summary": true,
}
