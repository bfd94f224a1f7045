// Package jsontext writes JSON strings by hand, byte for byte as
// encoding/json writes them: control characters, the quote and the
// backslash escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 as \u2028
// and \u2029 (for JavaScript), and, with HTML escaping, <, > and & as
// \u003c, \u003e and \u0026 (json.Marshal; without, an Encoder with
// SetEscapeHTML(false)). The open data export and the search index use it
// to write large files without reflection.
package jsontext

import (
	"unicode/utf8"

	"github.com/stratpub/stratpub/internal/swar"
)

// AppendString appends s to dst as a JSON string, quotes included.
func AppendString(dst []byte, s string, escapeHTML bool) []byte {
	dst = append(dst, '"')
	dst = AppendEscaped(dst, s, escapeHTML)
	return append(dst, '"')
}

// AppendEscaped appends s to dst as the inside of a JSON string. Since
// only an ASCII byte or a whole rune is ever replaced, and an ASCII byte is
// never part of a rune, appending a then b is appending a + b whenever b
// starts with an ASCII byte or the first byte of a rune.
func AppendEscaped(dst []byte, s string, escapeHTML bool) []byte {
	plain := &plainText
	if escapeHTML {
		plain = &plainHTML
	}
	start := 0
	for i := 0; i < len(s); {
		// Skip plain bytes eight at a time.
		for i+8 <= len(s) && plain8(swar.Load(s, i), escapeHTML) {
			i += 8
		}
		if i == len(s) {
			break
		}
		b := s[i]
		if plain[b] {
			i++
			continue
		}
		if b >= utf8.RuneSelf {
			c, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case c == utf8.RuneError && size == 1:
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
			case c == '\u2028' || c == '\u2029':
				dst = append(dst, s[start:i]...)
				dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			default:
				i += size
				continue
			}
			i += size
			start = i
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
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
		}
		i++
		start = i
	}
	return append(dst, s[start:]...)
}

const hexDigits = "0123456789abcdef"

// plainText and plainHTML mark the bytes that stand for themselves in a
// JSON string: printable ASCII but the quote and the backslash, and with
// HTML escaping not <, > or & either.
var plainText, plainHTML = func() (text, html [256]bool) {
	for b := 0x20; b < 0x80; b++ {
		text[b] = b != '"' && b != '\\'
		html[b] = text[b] && b != '<' && b != '>' && b != '&'
	}
	return text, html
}()

// plain8 reports whether the eight bytes of x all stand for themselves.
func plain8(x uint64, escapeHTML bool) bool {
	special := swar.Below(x, 0x20) | swar.Equal(x, '"') | swar.Equal(x, '\\') | x
	if escapeHTML {
		special |= swar.Equal(x, '<') | swar.Equal(x, '>') | swar.Equal(x, '&')
	}
	return special&swar.High == 0
}
