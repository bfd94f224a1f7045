package highlight

import (
	"strings"
	"testing"
)

func TestLexersClassify(t *testing.T) {
	for _, c := range []struct {
		lang, text string
		want       []string // class="X">TEXT< fragments
	}{
		{"json", `{"id": "goal-1", "n": 3, "ok": true}`, []string{`<span class="nt">&#34;id&#34;</span>`, `<span class="s">&#34;goal-1&#34;</span>`, `<span class="m">3</span>`, `<span class="kc">true</span>`}},
		{"csv", "a,\"b, c\"\n", []string{`<span class="s">&#34;b, c&#34;</span>`, `<span class="p">,</span>`}},
		{"xml", `<Goal id="g1">Text</Goal>`, []string{`<span class="nt">&lt;Goal</span>`, `<span class="na">id</span>`, `<span class="s">&#34;g1&#34;</span>`}},
		{"markdown", "---\ntype: goal\n---\n## Heading\nSee [x](ref:goal-1).\n", []string{`<span class="nt">type</span>`, `<span class="gh">## Heading</span>`, `<span class="nt">[x](ref:goal-1)</span>`}},
		{"yaml", "title: \"A\"\n", []string{`<span class="nt">title</span>`, `<span class="s">&#34;A&#34;</span>`}},
	} {
		h, err := HTML(c.lang, c.text, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(string(h), w) {
				t.Errorf("%s: %q lacks %s\n%s", c.lang, c.text, w, h)
			}
		}
		if strings.Contains(string(h), "style=") {
			t.Errorf("%s: inline style in %s", c.lang, h)
		}
	}
}

func TestLineNumbersAndHighlight(t *testing.T) {
	h, err := HTML("yaml", "a: 1\nb: 2\nc: 3\n", Options{LineNumbers: true, FirstLine: 10, Highlight: [2]int{11, 11}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(h)
	if !strings.Contains(s, ">10<") || !strings.Contains(s, ">12<") || strings.Count(s, `class="line hl"`) != 1 {
		t.Errorf("line numbers 10–12 and one highlighted line expected:\n%s", s)
	}
}

func TestCSSHasBothSchemes(t *testing.T) {
	css := string(CSS())
	if !strings.Contains(css, "prefers-color-scheme: dark") || !strings.Contains(css, "#f6f8fa") || !strings.Contains(css, "#1f2429") {
		t.Errorf("CSS lacks a scheme:\n%s", css)
	}
}
