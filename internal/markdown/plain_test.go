package markdown

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestPlainInlineLikeGoldmark holds the shortcut for plain inline texts to
// goldmark: on every text it accepts, the result must be what converting
// it gives, field by field. The texts are the CBP publication's kind of
// sentence and random strings of letters, spaces and every character
// Markdown or HTML gives a meaning to.
func TestPlainInlineLikeGoldmark(t *testing.T) {
	c := New(false)
	env := Env{Inline: true, Ref: func(string) (Target, bool) { return Target{}, false }, Asset: func(string) bool { return false }}
	cases := []string{
		"Trade is safe and secure.",
		"Efficient Trade Facilitation — Streamline administrative processes, and account-based system.",
		`Say "hello" (twice): it's 100% fine; a/b = c + d - e? {x} @y $z ^w`,
		"Two  spaces inside", "été à Paris", "1. Not a list", "- not a list", "# not a heading", "> not a quote",
		"    code", "a\nb", "a  ", "*em*", "a_b_c", "x < y", "AT&T", "a\\b", "`code`", "![i](x.png)", "[l](x)",
		"~~s~~", "a|b", "http://example.org/a?b=c", "Tab\there", "NBSP\u00a0here", "line\u2028sep", "\x00", "bad\xffutf8",
		"", " ", "a", "A.", "Ünïcödé", "中文文本", "Ωmega — “quotes” ‘single’",
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "B", "z", "é", "中", " ", "  ", ".", ",", "-", "+", "1", "2.", ")", "(", ":", ";", "'", `"`, "?", "!",
		"*", "_", "`", "[", "]", "<", ">", "&", "#", "~", "|", "\\", "=", "/", "%", "@", "$", "^", "{", "}", "\n", "\t",
		"\u00a0", "—", "\u2028", "\x00", "\xff", "&amp;", "http://x.y", "www.x.org", "a@b.co"}
	// Half the texts are mostly what the shortcut takes: words, spaces
	// and punctuation, sometimes one character it must refuse.
	safe := []string{"Trade", "é", "中", " ", " ", "  ", ".", ",", "-", "+", "1", "2.", ")", "(", ":", ";", "'", `"`, "?",
		"=", "/", "%", "@", "$", "^", "{", "}", "—", "http://x.y", "www.x.org", "a@b.co", "&quot;"}
	for i := range 100000 {
		from := alphabet
		if i%2 == 0 {
			from = safe
		}
		var b strings.Builder
		b.WriteString([]string{"A", "x", "É", ""}[rng.IntN(4)])
		for range 1 + rng.IntN(12) {
			b.WriteString(from[rng.IntN(len(from))])
		}
		cases = append(cases, b.String())
	}
	accepted := 0
	for _, s := range cases {
		got, ok := plainInline(s)
		if !ok {
			continue
		}
		accepted++
		want := c.convert([]byte(s), env)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: shortcut gives %#v, goldmark %#v", s, got, want)
		}
	}
	if accepted < 20000 {
		t.Errorf("only %d of %d texts took the shortcut", accepted, len(cases))
	}
	for _, s := range []string{"Trade is safe and secure.", `Say "hello"`, "été"} {
		if _, ok := plainInline(s); !ok {
			t.Errorf("%q does not take the shortcut", s)
		}
	}
}
