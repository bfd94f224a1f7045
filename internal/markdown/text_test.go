package markdown

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
)

// refText is TextOf by an HTML parser: the text nodes of the HTML, with an
// image's alt text, without footnote reference numbers, block elements
// separating words, white space collapsed.
func refText(t *testing.T, h string) string {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(h))
	var b strings.Builder
	skip := 0 // depth inside a footnote reference
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			if skip > 0 {
				if tok.Data == "sup" {
					if tok.Type == html.EndTagToken {
						skip--
					} else {
						skip++
					}
				}
				continue
			}
			attr := map[string]string{}
			for _, a := range tok.Attr {
				attr[a.Key] = a.Val
			}
			switch {
			case tok.Data == "sup" && attr["class"] == "fnref" && tok.Type == html.StartTagToken:
				skip = 1
			case tok.Data == "img":
				b.WriteString(" " + attr["alt"] + " ")
			case blockTags[tok.Data]:
				b.WriteByte(' ')
			}
		}
	}
}

func TestTextOf(t *testing.T) {
	c := New(false)
	cases := []struct{ md, want string }{
		{"Plain text.", "Plain text."},
		{"AT&amp;T and &lt;tags&gt; &copy; \\*not em\\*", "AT&T and <tags> © *not em*"},
		{"First.\n\nSecond.", "First. Second."},
		{"- one\n- two\n\n1. three", "one two three"},
		{"| a | b |\n|---|---|\n| c | d |", "a b c d"},
		{"Noted.[^1] Again.[^1]\n\n[^1]: The note.", "Noted. Again."},
		{"![A chart of arrivals](images/x.png) after", "A chart of arrivals after"},
		{"line one  \nline two", "line one line two"},
		{"```\ncode <here>\n```", "code <here>"},
		{"*em* **strong** `code` [link](https://example.org)", "em strong code link"},
		{"## Heading\n\nBody", "Heading Body"},
		{"> quoted\n\nafter", "quoted after"},
		{"<b>raw</b> & <script>x</script>", "<b>raw</b> & <script>x</script>"}, // raw HTML is shown as text
	}
	for _, tt := range cases {
		res := c.Convert([]byte(tt.md), Env{HeadingBase: 1})
		if got := TextOf(res.HTML); got != tt.want {
			t.Errorf("%q: TextOf(%q) = %q, want %q", tt.md, res.HTML, got, tt.want)
		}
		if got, want := TextOf(res.HTML), refText(t, res.HTML); got != want {
			t.Errorf("%q: TextOf gives %q, the HTML parser %q", tt.md, got, want)
		}
		if got, want := string(AppendTextOf([]byte("before"), res.HTML)), "before"+tt.want; got != want {
			t.Errorf("%q: AppendTextOf gives %q, want %q", tt.md, got, want)
		}
	}
}

// TestTextOfLikeHTMLParser holds TextOf to refText on every Markdown file
// of the repository and on random documents made of Markdown's blocks and
// inlines, with raw HTML refused and allowed (then sanitized).
func TestTextOfLikeHTMLParser(t *testing.T) {
	var docs []string
	for _, root := range []string{"../../content", "../../testdata", "../../docs"} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
				b, _ := os.ReadFile(p)
				docs = append(docs, string(b))
			}
			return nil
		})
	}
	if len(docs) < 20 {
		t.Fatalf("only %d Markdown files found", len(docs))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	parts := []string{"word ", "Été ", "&amp; ", "&#x41; ", "&bogus; ", "< ", "> ", "\"q\" ", "'s ", "\n\n", "\n", "  \n",
		"- item\n", "1. item\n", "> quote\n", "## Head\n", "```\nco<de>\n```\n", "    indented\n", "| a | b |\n|---|:-:|\n| c | d |\n",
		"*em* ", "**st** ", "`c<o>de` ", "[l](https://x.org/?a=1&b=2) ", "![alt & \"q\"](images/a.png) ", "<https://x.org> ",
		"x[^1] ", "\n\n[^1]: note *n*\n", "<b>raw</b> ", "<img src=x alt=y> ", "<div>\nblock\n</div>\n", "<!-- c --> ",
		"\\* ", "~~s~~ ", "<p>x</p><p>y</p>\n", "<ul><li>a</li><li>b</li></ul>\n", "a<br>b ", "\u00a0", "\u2028", "\t", "<sup class=\"fnref\">9</sup> "}
	for i := range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(25) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		docs = append(docs, b.String())
		_ = i
	}
	for _, raw := range []bool{false, true} {
		c := New(raw)
		for _, d := range docs {
			res := c.Convert([]byte(d), Env{HeadingBase: 1, Asset: func(string) bool { return true }})
			if got, want := TextOf(res.HTML), refText(t, res.HTML); got != want {
				t.Fatalf("raw HTML %v: %q\nHTML %q\nTextOf %q\nparser %q", raw, d, res.HTML, got, want)
			}
			checkPrefixes(t, res.HTML)
		}
	}
}

// checkPrefixes checks that TextPrefix(h, n) is a prefix of TextOf(h),
// all of it or longer than n bytes, for lengths n around the places
// where the text's words and the HTML's tags end.
func checkPrefixes(t *testing.T, h string) {
	t.Helper()
	full := TextOf(h)
	for _, n := range []int{0, 1, 2, 7, 30, 159, 160, 199, 200, 201, len(full) - 1, len(full), len(full) + 1} {
		if n < 0 {
			continue
		}
		p := TextPrefix(h, n)
		if !strings.HasPrefix(full, p) || len(p) <= n && p != full {
			t.Fatalf("TextPrefix(%q, %d) = %q, text %q", h, n, p, full)
		}
	}
}

func BenchmarkTextOf(b *testing.B) {
	c := New(false)
	src, err := os.ReadFile("../../content/goal-1/1.1-counter-network.md")
	if err != nil {
		b.Skip(err)
	}
	h := c.Convert(src, Env{HeadingBase: 1}).HTML
	b.SetBytes(int64(len(h)))
	for b.Loop() {
		TextOf(h)
	}
}

// singleSpec is what single reports, said plainly: the text is not empty,
// and its only white space (unicode.IsSpace) is single spaces.
func singleSpec(s string) bool {
	return s != "" && !strings.Contains(s, "  ") &&
		!strings.ContainsFunc(s, func(r rune) bool { return r != ' ' && unicode.IsSpace(r) })
}

// TestSingleLikeBytes compares single, which reads eight bytes at a time
// and then byte by byte, with singleSpec on every string of up to ten bytes from an alphabet of the bytes it tells
// apart, and on long texts with each of them at every place.
func TestSingleLikeBytes(t *testing.T) {
	alphabet := []string{"a", " ", "\n", "\x01", "\u00a0", "é"}
	var gen func(s string, n int)
	checked := 0
	gen = func(s string, n int) {
		if single(s) != singleSpec(s) {
			t.Errorf("single(%q) = %v, singleSpec %v", s, single(s), singleSpec(s))
		}
		checked++
		if n == 0 || len(s) > 10 {
			return
		}
		for _, c := range alphabet {
			gen(s+c, n-1)
		}
	}
	gen("", 7)
	base := strings.Repeat("words and more words, ", 4)
	for i := 0; i <= len(base); i++ {
		for _, c := range []string{" ", "  ", "\t", "\u2003", "\x01", "é", "\u0085"} {
			s := base[:i] + c + base[i:]
			if single(s) != singleSpec(s) {
				t.Errorf("single(%q) = %v, singleSpec %v", s, single(s), singleSpec(s))
			}
			checked++
		}
	}
	t.Logf("%d strings", checked)
}
