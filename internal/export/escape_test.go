package export

import (
	"bytes"
	"encoding/csv"
	"html"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/plan"
)

// escapeCases returns strings with every byte, and runes that escapers
// treat specially, at every position of a text long enough for the
// eight-bytes-at-a-time loops, alone and in pairs.
func escapeCases() []string {
	var specials []string
	for b := range 256 {
		specials = append(specials, string([]byte{byte(b)}))
	}
	specials = append(specials, "\u2028", "\u2029", "\ufffd", "\ufffe", "\uffff", "\ud7ff", "\ue000",
		"\U0010ffff", "\u0085", "\u00a0", "ü", "€", "😀", "\xe2\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80")
	const text = "abcdefghijklmnopqrs"
	cases := []string{"", text}
	for _, sp := range specials {
		cases = append(cases, sp, sp+sp)
		for i := 0; i <= len(text); i++ {
			cases = append(cases, text[:i]+sp+text[i:])
		}
	}
	for i := 0; i < len(specials); i += 7 {
		for j := 0; j < len(specials); j += 5 {
			cases = append(cases, text[:9]+specials[i]+specials[j]+text[9:])
		}
	}
	return cases
}

func TestAppendEscape(t *testing.T) {
	for _, s := range escapeCases() {
		for _, attr := range []bool{false, true} {
			if got, want := string(appendEscape(nil, s, attr)), refEscape(s, attr); got != want {
				t.Errorf("appendEscape(%q, %v) = %q, want %q", s, attr, got, want)
			}
		}
	}
}

func TestCSVField(t *testing.T) {
	for _, s := range append(escapeCases(), `\.`, " x", "\u3000x", "a,b") {
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		w.UseCRLF = true
		if err := w.Write([]string{s}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		c := csvWriter{}
		c.field(0, s)
		c.buf = append(c.buf, '\r', '\n')
		if string(c.buf) != want.String() {
			t.Errorf("field %q = %q, want %q", s, c.buf, want.String())
		}
	}
}

func TestAppendSiteLinks(t *testing.T) {
	for _, base := range []string{"", "https://example.org/plan/", "https://ex.org/a&b'<>\"/"} {
		pub := &plan.Publication{BaseURL: base}
		for _, s := range []string{
			`<a href="site:goals/1/index.html">1</a> and <a href="site:objectives/1.3/index.html#activity-1.3.2">2</a>`,
			`<a href="site:index.html#x&amp;y&lt;">`, `="site:`, `="site:unterminated`, `="site:a"="site:b"`,
			`<img src="site:img/a b.png" alt="x">`, `="site:a#b#index.html"`, `="site:` + "\xff\u2028" + `"`,
		} {
			i := strings.Index(s, siteMark)
			var tmp []byte
			got := string(appendSiteLinks(nil, pub, s, i, &tmp))
			if want := markdown.RewriteSiteLinks(s, func(p string) string { return permalink(pub, p) }); got != want {
				t.Errorf("base %q: appendSiteLinks(%q) = %q, want %q", base, s, got, want)
			}
		}
	}
	for _, s := range escapeCases() {
		if got, want := string(appendHTMLEscaped(nil, s)), html.EscapeString(s); got != want {
			t.Errorf("appendHTMLEscaped(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestSampleText(t *testing.T) {
	// What the Data page shows: "…" only when lines were left out.
	for _, tc := range []struct {
		in    string
		lines int
		want  string
	}{
		{"a\nb\n", 2, "a\nb\n"},
		{"a\nb", 2, "a\nb"},
		{"a\nb\nc", 2, "a\nb\n…\n"},
		{"a\nb\n\n", 2, "a\nb\n…\n"},
		{"a\r\nb\r\n", 2, "a\nb\n"},
	} {
		if got := sampleText([]byte(tc.in), tc.lines); got != tc.want {
			t.Errorf("sampleText(%q, %d) = %q, want %q", tc.in, tc.lines, got, tc.want)
		}
	}

	cases := []string{"", "\n", "\r\n", bom, bom + "a", "a", "a\n", "a\nb", "a\r\nb\r\n", "a\rb\n\r", "\n\n\n", "a\r", "\r\n\r"}
	for _, c := range escapeCases() {
		cases = append(cases, c, bom+c+"\r\n"+c, strings.Repeat(c+"\n", 3))
	}
	for _, s := range cases {
		for lines := range 5 {
			if got, want := sampleText([]byte(s), lines), refSampleText([]byte(s), lines); got != want {
				t.Errorf("sampleText(%q, %d) = %q, want %q", s, lines, got, want)
			}
		}
	}
}
