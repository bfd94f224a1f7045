package markdown

import (
	"fmt"
	"strings"
	"testing"
)

// lineCol turns a byte offset of src into "line:col", both from 1, as the
// build reports positions to authors.
func lineCol(src string, off int) string {
	line := 1 + strings.Count(src[:off], "\n")
	col := off - strings.LastIndexByte(src[:off], '\n')
	return fmt.Sprintf("%d:%d", line, col)
}

// TestAuthorChecks builds real Markdown with the accessibility mistakes an
// author can make and checks each problem's message and position. Clean
// input must report nothing, so a check that fires on everything fails too.
func TestAuthorChecks(t *testing.T) {
	images := map[string]bool{"images/dock.jpg": true}
	env := Env{
		HeadingBase: 1,
		Asset:       func(p string) bool { return images[p] },
		Ref: func(id string) (Target, bool) {
			if id == "objective-1.3" {
				return Target{URL: "objectives/1.3/index.html", Title: "Objective 1.3: Secure and Compliant Trade"}, true
			}
			return Target{}, false
		},
	}
	tests := []struct {
		name string
		src  string
		want []string // "line:col: message"
	}{
		{
			name: "clean",
			src: "## Trade\n\nSee [the trade objective](ref:objective-1.3) and [](ref:objective-1.3).\n\n" +
				"![Officers inspect a container at a port](images/dock.jpg)\n\n### Details\n\n" +
				"| Year | Seizures |\n| --- | --- |\n| 2020 | 12 |\n",
		},
		{
			name: "image without alt",
			src:  "Intro.\n\nA photo: ![](images/dock.jpg)\n",
			want: []string{"3:10: image without alt text"},
		},
		{
			name: "image alt of spaces",
			src:  "![   ](images/dock.jpg)\n",
			want: []string{"1:1: image without alt text"},
		},
		{
			name: "heading skipped at the start",
			src:  "Intro.\n\n### Too deep\n",
			want: []string{"3:1: heading level skipped: the first heading is level 3, expected 2"},
		},
		{
			name: "heading skipped later",
			src:  "## One\n\ntext\n\n#### Four\n",
			want: []string{"5:1: heading level skipped: level 4 follows level 2"},
		},
		{
			name: "heading at page level",
			src:  "# Title again\n",
			want: []string{"1:1: heading level 1 is not allowed in the body: the page title is level 1"},
		},
		{
			name: "empty link",
			src:  "Read the\nreport [](https://example.gov/report.pdf) now.\n",
			want: []string{"2:8: empty link text"},
		},
		{
			name: "vague link here",
			src:  "For details, see [here](https://example.gov/a).\n",
			want: []string{`1:18: link text "here" does not say where the link goes`},
		},
		{
			name: "vague link click here with punctuation and case",
			src:  "Intro.\n\n[Click here!](https://example.gov/b)\n",
			want: []string{`3:1: link text "Click here!" does not say where the link goes`},
		},
		{
			name: "table without header row",
			src:  "Intro.\n\n|  |  |\n| --- | --- |\n| 2020 | 12 |\n",
			want: []string{"3:1: table without a header row"},
		},
		{
			name: "several problems reported in one run",
			src:  "[here](https://example.gov/a) and ![](images/dock.jpg)\n\n#### Deep\n",
			want: []string{
				`1:1: link text "here" does not say where the link goes`,
				"1:35: image without alt text",
				"3:1: heading level skipped: the first heading is level 4, expected 2",
			},
		},
	}
	c := New(false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.Convert([]byte(tt.src), env)
			var got []string
			for _, p := range res.Problems {
				got = append(got, lineCol(tt.src, p.Off)+": "+p.Msg)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, p := range res.Problems {
				if p.Hint == "" {
					t.Errorf("problem %q has no hint", p.Msg)
				}
			}
		})
	}
}

// TestTableAlignment checks that a column aligned in the delimiter row is
// aligned by class, not by a style attribute (a strict
// Content-Security-Policy refuses inline styles).
func TestTableAlignment(t *testing.T) {
	src := "| Left | Centre | Right | None |\n|:-----|:------:|------:|------|\n| a | b | c | d |\n"
	res := New(false).Convert([]byte(src), Env{})
	for _, want := range []string{`<th class="align-left">Left</th>`, `<th class="align-center">Centre</th>`,
		`<th class="align-right">Right</th>`, `<th>None</th>`, `<td class="align-right">c</td>`, `<td>d</td>`} {
		if !strings.Contains(res.HTML, want) {
			t.Errorf("no %s in\n%s", want, res.HTML)
		}
	}
	if strings.Contains(res.HTML, "style=") || strings.Contains(res.HTML, "align=") {
		t.Errorf("alignment by style or align attribute:\n%s", res.HTML)
	}
}
