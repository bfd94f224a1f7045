package jsontext

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// cases returns strings with every byte, and runes that JSON escapes or
// that look like it should, at every position of a text long enough for
// the eight-bytes-at-a-time loop, alone and in pairs.
func cases() []string {
	var specials []string
	for b := range 256 {
		specials = append(specials, string([]byte{byte(b)}))
	}
	specials = append(specials, "\u2028", "\u2029", "\ufffd", "\ufffe", "\uffff", "\ud7ff", "\ue000",
		"\U0010ffff", "\u0085", "\u00a0", "ü", "€", "😀", "\xe2\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "</script>", "&amp;")
	const text = "abcdefghijklmnopqrs"
	out := []string{"", text}
	for _, sp := range specials {
		out = append(out, sp, sp+sp)
		for i := 0; i <= len(text); i++ {
			out = append(out, text[:i]+sp+text[i:])
		}
	}
	for i := 0; i < len(specials); i += 7 {
		for j := 0; j < len(specials); j += 5 {
			out = append(out, text[:9]+specials[i]+specials[j]+text[9:])
		}
	}
	return out
}

// AppendString writes what encoding/json writes, with and without HTML
// escaping, and AppendEscaped of two parts is AppendEscaped of the whole.
func TestLikeEncodingJSON(t *testing.T) {
	for _, s := range cases() {
		for _, escapeHTML := range []bool{false, true} {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(escapeHTML)
			if err := enc.Encode(s); err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSuffix(buf.String(), "\n")
			if got := string(AppendString(nil, s, escapeHTML)); got != want {
				t.Fatalf("AppendString(%q, %v) = %s; want %s", s, escapeHTML, got, want)
			}
			if len(s) > 10 && s[10] < 0x80 {
				joined := AppendEscaped(AppendEscaped(nil, s[:10], escapeHTML), s[10:], escapeHTML)
				if string(joined) != want[1:len(want)-1] {
					t.Fatalf("AppendEscaped in two parts of %q = %s; want %s", s, joined, want)
				}
			}
		}
	}
}
