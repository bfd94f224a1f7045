package search

import (
	"strconv"
	"unicode/utf8"
)

// The index is written by hand, without reflection, byte for byte as
// encoding/json writes it with HTML escaping on (json.Marshal): compact,
// with <, > and & escaped so that the text stays inert in any context,
// U+2028 and U+2029 escaped for JavaScript, and invalid UTF-8 replaced by
// U+FFFD. TestEncodeLikeJSON holds it to encoding/json.

// safe tells the ASCII bytes written as they are in a JSON string.
var safe = func() (t [utf8.RuneSelf]bool) {
	for b := ' '; b < utf8.RuneSelf; b++ {
		t[b] = true
	}
	for _, b := range `"\<>&` {
		t[b] = false
	}
	return t
}()

const hex = "0123456789abcdef"

// appendString appends s to dst as a JSON string.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, s)
	return append(dst, '"')
}

// appendEscaped appends s to dst as the inside of a JSON string. Since
// only an ASCII byte or a whole rune is ever replaced, and an ASCII byte is
// never part of a rune, appendEscaped(a) followed by appendEscaped(b) is
// appendEscaped(a + b) when b starts with an ASCII byte or a rune's first
// byte.
func appendEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(dst, s[start:]...)
}

// head is the start of the index script, up to the first document.
func head(stop []string) []byte {
	b := []byte("self." + Global + `={"v":` + strconv.Itoa(Version) + `,"stop":[`)
	for i, w := range stop {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, w)
	}
	return append(b, `],"docs":[`...)
}

// tail is the end of the index script, after the last document.
const tail = "]};\n"
