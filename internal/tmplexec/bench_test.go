package tmplexec

import (
	"html/template"
	"io"
	"strings"
	"testing"
)

// BenchmarkExecute runs a page-like template through html/template and
// compiled, on the same data.
func BenchmarkExecute(b *testing.B) {
	const text = `<article><h1>{{.Title}}</h1><p class="lead">{{.HTML}}</p>
<ul>{{range $i, $it := .Items}}<li id="item-{{$it.N}}"><a href="{{$.Rel $it.Link}}" title="{{$it.Title}}">{{$it.N}}. {{$it.Title}}</a> {{$it.Body}}{{if $it.Next}} next: {{$it.Next.Title}}{{end}}</li>{{end}}</ul>
{{with .Map}}<p>{{.a}} {{.b}}</p>{{end}}{{if gt .Count 1}}<p>{{.Count}} items</p>{{end}}</article>`
	t := template.Must(template.New("t").Parse(strings.Repeat(text, 4)))
	_ = t.Execute(io.Discard, nil)
	set, err := Compile(t, nil, "t")
	if err != nil {
		b.Fatal(err)
	}
	d := data()
	b.Run("html/template", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := t.Execute(io.Discard, d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compiled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := set.Execute(io.Discard, "t", d); err != nil {
				b.Fatal(err)
			}
		}
	})
}
