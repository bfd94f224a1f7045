package markdown

import (
	"strings"
	"testing"
)

// TestSanitize checks, byte for byte, what survives of raw HTML when a
// publication allows it.
func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<b>bold</b> <em>em</em>`, `<b>bold</b> <em>em</em>`},
		{`<script>alert(1)</script>after`, `after`},
		{`<SCRIPT SRC=//evil.example/x.js></SCRIPT>`, ``},
		{`<svg onload=alert(1)><circle/></svg>ok`, `ok`},
		{`<math><mi>x</mi></math>`, ``},
		{`<style>body{}</style>`, ``},
		{`<iframe srcdoc="<script>alert(1)</script>"></iframe>`, ``},
		{`<img src=x onerror=alert(1)>`, `<img src="x">`},
		{`<IMG SRC="x" OnError="alert(1)" alt="a">`, `<img src="x" alt="a">`},
		{`<a href="javascript:alert(1)">x</a>`, `<a>x</a>`},
		{`<a href="JaVaScRiPt:alert(1)">x</a>`, `<a>x</a>`},
		{`<a href="&#106;avascript:alert(1)">x</a>`, `<a>x</a>`},
		{`<a href="&#x6A;avascript&colon;alert(1)">x</a>`, `<a>x</a>`},
		{`<a href="java&#x09;script:alert(1)">x</a>`, `<a>x</a>`},
		{`<a href="java&#x0A;script:alert(1)">x</a>`, `<a>x</a>`},
		{"<a href=\"\x01javascript:alert(1)\">x</a>", `<a>x</a>`},
		{`<a href=" javascript:alert(1)">x</a>`, `<a>x</a>`},
		{`<a href="data:text/html,x">x</a>`, `<a>x</a>`},
		{`<a href="vbscript:x">x</a>`, `<a>x</a>`},
		{`<a href="https://example.org/?a=1&amp;b=2">x</a>`, `<a href="https://example.org/?a=1&amp;b=2">x</a>`},
		{`<a href="mailto:a@example.org">x</a>`, `<a href="mailto:a@example.org">x</a>`},
		{`<a href="tel:+15550100">x</a>`, `<a href="tel:+15550100">x</a>`},
		{`<a href="../objectives/1.1/">x</a>`, `<a href="../objectives/1.1/">x</a>`},
		{`<a href="a/b:c">x</a>`, `<a href="a/b:c">x</a>`},
		{`<a href="#top" onclick="alert(1)">x</a>`, `<a href="#top">x</a>`},
		{`<div style="background:url(javascript:alert(1))">x</div>`, `<div>x</div>`},
		{`<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>`, `x`},
		{`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, ``},
		{`<base href="javascript:alert(1)//">`, ``},
		{`<details open ontoggle="alert(1)"><summary>s</summary></details>`, `<details open=""><summary>s</summary></details>`},
		{`<textarea><img src=x onerror=alert(1)></textarea>`, ``},
		{`<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`, `<img src="x">&#34;&gt;`},
		{`<!--<img src="--><img src=x onerror=alert(1)//">`, `<img src="x">`},
		{`<p title="&quot;><script>">x</p>`, `<p title="&#34;&gt;&lt;script&gt;">x</p>`},
		{`<svg:a xlink:href="javascript:alert(1)">x</svg:a>`, `x`},
		{`<x onmouseover=alert(1)>text`, `text`},
		{`a < b & c > d`, `a &lt; b &amp; c &gt; d`},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if strings.Contains(strings.ToLower(Sanitize(tt.in)), "javascript:") {
			t.Errorf("Sanitize(%q) keeps a javascript: URL", tt.in)
		}
	}
}

// TestSafeURL is the scheme filter alone.
func TestSafeURL(t *testing.T) {
	for u, want := range map[string]bool{
		"https://example.org/": true, "http://x": true, "mailto:a@b": true, "tel:+1": true,
		"images/a.png": true, "../a/": true, "#frag": true, "?q=a:b": true, "a/b:c": true, "": true,
		"javascript:x": false, "JAVASCRIPT:x": false, " javascript:x": false, "java\tscript:x": false,
		"java\nscript:x": false, "\x00javascript:x": false, "data:text/html,x": false, "vbscript:x": false,
		"file:///etc/passwd": false, "site:x": false, "ref:goal-1": false, "javascript\x7f:x": false,
	} {
		if got := SafeURL(u); got != want {
			t.Errorf("SafeURL(%q) = %v, want %v", u, got, want)
		}
	}
}

// TestConvertLinks checks the link rules of Convert that keep scripts out
// of pages: unsafe schemes are problems wherever the link is (footnotes
// included, where ref: links are resolved too), nesting is bounded, and
// the title given to an empty reference appears once in the text.
func TestConvertLinks(t *testing.T) {
	env := Env{HeadingBase: 1, Ref: func(id string) (Target, bool) {
		return Target{URL: "goals/1/index.html", Title: "Goal 1: ONE"}, id == "goal-1"
	}}
	c := New(false)
	res := c.Convert([]byte("See [](ref:goal-1).[^1]\n\n[^1]: Also [](ref:goal-1) and [x](javascript:alert(1)) and [y](ref:nope)."), env)
	if text := TextOf(res.HTML); text != "See Goal 1: ONE." {
		t.Errorf("text %q", text)
	}
	if len(res.Footnotes) != 1 || !strings.Contains(res.Footnotes[0].HTML, `href="site:goals/1/index.html">Goal 1: ONE</a>`) {
		t.Errorf("footnote reference not resolved: %+v", res.Footnotes)
	}
	var msgs []string
	for _, p := range res.Problems {
		msgs = append(msgs, p.Msg+"|"+p.Ref)
	}
	if got := strings.Join(msgs, "; "); got != `link to "javascript:alert(1)" is not allowed|; |nope` {
		t.Errorf("problems: %s", got)
	}
	if strings.Contains(res.Footnotes[0].HTML, "javascript") {
		t.Errorf("unsafe link rendered: %s", res.Footnotes[0].HTML)
	}
	for _, src := range []string{strings.Repeat(">", MaxDepth+5) + " x", strings.Repeat("> ", MaxDepth-5) + "x"} {
		res := c.Convert([]byte(src), env)
		deep := len(res.Problems) == 1 && strings.Contains(res.Problems[0].Msg, "nested more than")
		if want := strings.Count(src, ">") > MaxDepth; deep != want {
			t.Errorf("%d levels: problems %+v", strings.Count(src, ">"), res.Problems)
		}
	}
}

// TestFootnoteText checks that a footnote's text is what a reader sees of
// it, as a body's is (TextOf): escapes and character references decoded,
// an empty reference shown as its target's title, no Markdown syntax.
func TestFootnoteText(t *testing.T) {
	env := Env{HeadingBase: 1, Ref: func(id string) (Target, bool) {
		return Target{URL: "goals/1/index.html", Title: "Goal 1: ONE"}, id == "goal-1"
	}}
	res := New(false).Convert([]byte("Body.[^1]\n\n[^1]: A \\*starred\\* &amp; *emphatic* note on [](ref:goal-1), `code` and <b>tags</b>."), env)
	if len(res.Footnotes) != 1 {
		t.Fatalf("footnotes: %+v", res.Footnotes)
	}
	f := res.Footnotes[0]
	if want := "A *starred* & emphatic note on Goal 1: ONE, code and <b>tags</b>."; f.Text != want {
		t.Errorf("footnote text %q, want %q (HTML %s)", f.Text, want, f.HTML)
	}
	if f.Text != TextOf(f.HTML) {
		t.Errorf("footnote text %q is not TextOf its HTML %q", f.Text, TextOf(f.HTML))
	}
}
