package tmplexec

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"iter"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/template/parse"
)

// The data the templates of these tests run on.

type item struct {
	N     int
	Title string
	Body  template.HTML
	Link  string
	Tags  []string
	Attrs map[string]string
	Next  *item
	inner string
}

func (it *item) Upper() string                 { return strings.ToUpper(it.Title) }
func (it *item) Join(sep string, n int) string { return strings.Repeat(it.Title+sep, n) }
func (it item) ValueMethod() string            { return "v:" + it.Title }
func (it *item) Fails() (string, error)        { return "", errors.New("it fails") }
func (it *item) Panics() string                { panic("it panics") }
func (it *item) Anything() any                 { return it.Title }
func (it *item) Says(s string) (template.HTML, error) {
	if s == "no" {
		return "", errors.New("it says no")
	}
	return template.HTML("<i>" + s + "</i>"), nil
}
func (it *item) Maybe(ok bool) (string, error) {
	return map[bool]string{true: "yes", false: "no"}[ok], nil
}
func (it *item) Any(v any) string               { return fmt.Sprintf("%T:%v", v, v) }
func (it *item) Many(a string, b ...int) string { return fmt.Sprint(a, b) }

type stringer struct{ s string }

func (s stringer) String() string { return "<" + s.s + ">" }

type page struct {
	Title   string
	Items   []*item
	Empty   []*item
	Nil     *item
	Map     map[string]int
	IntKeys map[int]string
	Any     any
	Iface   fmt.Stringer
	HTML    template.HTML
	URL     template.URL
	Attr    template.HTMLAttr
	JS      template.JS
	JSStr   template.JSStr
	Count   int
	Flag    bool
	Float   float64
	Uint    uint8
	Seq     iter.Seq[int]
	Seq2    iter.Seq2[string, int]
	Ch      chan string
	Structs map[key]string
	Floats  map[float64]string
	Ifaces  map[any]int
	Arrays  map[[2]int]bool
}

type key struct {
	A int
	B string
}

func (p *page) Rel(u string) string { return "../" + u }

// data returns the data of the tests: the same values each time but for a
// new channel, which a range reads once.
func data() *page {
	p := *sharedData()
	p.Ch = make(chan string, 2)
	p.Ch <- "first"
	p.Ch <- "second"
	close(p.Ch)
	return &p
}

var sharedData = sync.OnceValue(func() *page {
	b := &item{N: 2, Title: `B & "b"`, Body: "<em>b</em>", Link: "javascript:alert(1)", Tags: nil}
	a := &item{N: 1, Title: "A <a>", Body: "<p>a &amp; b</p>", Link: "/x y/?q=1&r=2#f", Tags: []string{"t1", "t<2>"}, Attrs: map[string]string{"k": "v"}, Next: b, inner: "secret"}
	return &page{
		Title: "Plan's \"title\" + more", Items: []*item{a, b}, Map: map[string]int{"b": 2, "a": 1, "c": 3},
		IntKeys: map[int]string{3: "c", 1: "a", 2: "b"}, Any: 42, Iface: stringer{"s"},
		HTML: "<b>bold</b> <i title=\"x>y\">it</i>", URL: "javascript:void(0)", Attr: `data-x="1"`,
		JS: `{"a": 1}`, JSStr: `it\'s`, Count: 3, Flag: true, Float: 2.5, Uint: 7,
		Seq: func(yield func(int) bool) {
			for i := range 3 {
				if !yield(i * 10) {
					return
				}
			}
		},
		Seq2: func(yield func(string, int) bool) {
			for i, s := range []string{"x", "y"} {
				if !yield(s, i) {
					return
				}
			}
		},
		Structs: map[key]string{{2, "a"}: "2a", {1, "b"}: "1b", {1, "a"}: "1a"},
		Floats:  map[float64]string{2.5: "b", -1: "a", 10: "c"},
		Ifaces:  map[any]int{"b": 2, "a": 1, "c": 3},
		Arrays:  map[[2]int]bool{{2, 1}: true, {1, 2}: false},
	}
})

// templates exercise each construct and function the compiled execution
// supports, each escaper with values of each type, and failures.
// directCalls counts the calls of methods registered with Method0,
// Method1 and Method1E that went through them.
var directCalls atomic.Int64

func init() {
	Method0("Upper", func(it *item) string { directCalls.Add(1); return it.Upper() })
	Method0("Panics", func(it *item) string { directCalls.Add(1); return it.Panics() })
	Method1E("Says", func(it *item, s string) (template.HTML, error) { directCalls.Add(1); return it.Says(s) })
	Method1("Rel", func(p *page, u string) string { directCalls.Add(1); return p.Rel(u) })
}

var templates = []string{
	// Methods called directly (Method0, Method1, Method1E), with
	// arguments, in pipelines, failing and panicking.
	`{{range .Items}}<a href="{{$.Rel .Title}}">{{.Upper}} {{.Says "yes"}} {{"x" | .Says}} {{.Says .Title}}</a>{{end}}`,
	`{{range .Items}}{{.Says "no"}}{{end}}`,
	`{{range .Items}}{{.Says 1}}{{end}}`,
	`{{range .Items}}{{.Says "a" "b"}}{{end}}`,
	`{{with index .Items 0}}{{.Panics}}{{end}}`,
	`<h1>{{.Title}}</h1><p>{{.HTML}}</p><p title="{{.Title}}">{{.Count}} {{.Flag}} {{.Float}} {{.Uint}}</p>`,
	`{{range .Items}}<a href="{{.Link}}" title="{{.Body}}">{{.N}}. {{.Title}} {{.Upper}} {{.ValueMethod}}</a>{{end}}`,
	`{{range $i, $it := .Items}}{{$i}}={{$it.Title}}{{if $it.Next}} next {{$it.Next.Title}}{{else}} last{{end}};{{end}}`,
	`{{range .Empty}}x{{else}}empty{{end}} {{range .Nil}}x{{else}}nil{{end}} {{range $k, $v := .Map}}{{$k}}:{{$v}} {{end}}{{range .IntKeys}}{{.}}{{end}}`,
	`{{range 3}}{{.}}{{end}} {{range $i := .Count}}[{{$i}}]{{end}} {{range $x := .Items}}{{$x.N}}{{end}}`,
	`{{with .Nil}}has{{else with .Items}}{{len .}} items{{else}}none{{end}} {{with $t := .Title}}{{$t}}{{end}}`,
	`{{$x := 1}}{{if .Flag}}{{$x = 2}}{{end}}{{$x}} {{$y := .Title}}{{range .Items}}{{$y}}/{{$.Title}}{{end}}`,
	`{{if and .Flag .Count}}and{{end}} {{if or .Nil .Empty}}or{{else}}neither{{end}} {{and 1 0 2}} {{or 0 "" .Title}} {{not .Flag}} {{.Count | not}}`,
	`{{if eq .Count 3}}eq{{end}} {{if ne .Title "x"}}ne{{end}} {{if lt 1 2}}lt{{end}} {{if le .Uint 7}}le{{end}} {{if gt .Float 2.0}}gt{{end}} {{if ge .Count .Count}}ge{{end}} {{eq .Title "a" "b" .Title}}`,
	`{{print .Title 1 2 .Nil}} {{printf "%d-%s-%v" .Count .Title .Flag}} {{println "x" .Count}} {{html .Title}} {{js .Title}} {{urlquery .Title}} {{len .Title}} {{len .Map}}`,
	`{{index .Items 1 | printf "%v"}} {{index .Map "b"}} {{index .Map "zz"}} {{index .IntKeys 2}} {{index .Title 0}} {{with index .Items 0}}{{index .Tags 1}}{{end}}`,
	`{{index .Items 5}}`,
	`{{slice .Title 1 3}} {{slice .Title 2}} {{len (slice .Items 1)}} {{range slice .Items 0 1}}{{.N}}{{end}} {{with index .Items 0}}{{slice .Tags 0 1 2}}{{end}}`,
	`{{slice .Title 3 1}}`,
	`{{slice .Title 0 1 2}}`,
	`{{index .Nil 0}}`,
	`{{with index .Items 0}}{{.Join ", " 2}} {{.Maybe true}} {{.Any 3}} {{.Any "s"}} {{.Any 2.5}} {{.Any nil}} {{.Many "a" 1 2}} {{.Many "b"}}{{end}}`,
	`{{.Title | printf "%s!"}} {{"lit" | printf "%s-%s" .Title}} {{.Count | printf "%03d"}} {{(printf "%s" .Title) | len}}`,
	`{{define "item"}}<li>{{.Title}}{{template "tags" .Tags}}</li>{{end}}{{define "tags"}}{{range .}}<span>{{.}}</span>{{end}}{{end}}<ul>{{range .Items}}{{template "item" .}}{{end}}</ul>{{template "tags"}}`,
	`<a href="{{.URL}}">u</a><a href="/p/{{.Title}}?q={{.Title}}&amp;r={{.URL}}#{{.Title}}">v</a><a href="{{.Rel "a b/c"}}">w</a><img src="{{.Items}}" alt="{{.Nil}}">`,
	`<title>{{.Title}} {{.HTML}}</title><textarea>{{.HTML}}{{.Title}}</textarea>`,
	`<p title="{{.HTML}}" class='{{.Title}}' data-a="{{.Attr}}" data-n="{{.Any}}" data-s="{{.Iface}}">x</p>`,
	`<p {{.Attr}}>a</p><p {{.Title}}>b</p><p data-{{.Count}}="1">c</p>`,
	`<script>var a = {{.JS}}, b = {{.JSStr}}, c = {{.Title}}, d = {{.Count}}, e = {{.Items}};</script>`,
	`<p>{{.Any}} {{.Iface}} {{.Nil}} {{.Map.a}} {{.Map.zz}} {{.Items}} {{.Empty}}</p>`,
	`{{range .Items}}{{.Attrs.k}}{{end}}`,
	`{{range .Seq}}{{.}};{{end}} {{range $k, $v := .Seq2}}{{$k}}={{$v}};{{end}} {{range .Seq2}}{{.}};{{end}} {{range $i, $s := .Ch}}{{$i}}:{{$s}};{{end}}`,
	`{{range $k, $v := .Structs}}{{$k.A}}{{$k.B}}={{$v}};{{end}} {{range $k, $v := .Floats}}{{$k}}={{$v}};{{end}} {{range $k, $v := .Ifaces}}{{$k}}={{$v}};{{end}} {{range $k, $v := .Arrays}}{{index $k 0}}{{$v}};{{end}}`,
	`{{range $i, $v := .Seq}}{{end}}`,
	`{{range $i, $it := .Items}}{{if eq $i 1}}{{break}}{{end}}[{{$it.N}}]{{end}} {{range .Items}}{{if .Next}}{{continue}}{{end}}<{{.N}}>{{end}} {{range .Seq}}{{if eq . 10}}{{continue}}{{end}}{{.}}{{range $.Items}}{{break}}{{end}};{{end}}`,
	`{{range $k, $v := .Map}}{{if eq $k "b"}}{{break}}{{end}}{{$k}}{{end}}{{range .Empty}}x{{else}}{{range .Tags}}{{end}}e{{end}} {{range 5}}{{if eq . 3}}{{break}}{{end}}{{.}}{{end}}`,
	// Failures: html/template's error is the one returned.
	`{{.Missing}}`,
	`{{.Nil.Title}}`,
	`{{range .Items}}{{.Fails}}{{end}}`,
	`{{range .Items}}{{.Panics}}{{end}}`,
	`{{range .Items}}{{.inner}}{{end}}`,
	`{{.Title.Foo}}`,
	`{{lt .Title 1}}`,
	`{{range .Flag}}x{{end}}`,
	`{{.Rel}}`,
	`{{.Rel "a" "b"}}`,
	`{{len .Count}}`,
	`{{eq .Items .Items}}`,
	`{{with index .Items 0}}{{.Join 1 2}}{{end}}`,
}

// differs runs text on data with html/template and with Compile, and
// describes how their results differ; "" when they do not.
func differs(text string, data any) (string, error) {
	fresh := func() any {
		if f, ok := data.(func() *page); ok {
			return f() // a channel is read once
		}
		return data
	}
	want, werr := run(text, fresh(), interpreted)
	for _, how := range []int{compiled, shipped} {
		got, gerr := run(text, fresh(), how)
		if errors.Is(gerr, ErrUnsupported) {
			return "", gerr
		}
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			return fmt.Sprintf("%s: error %v, html/template: %v", hows[how], gerr, werr), nil
		}
		if got != want {
			return fmt.Sprintf("%s: output\n%s\nhtml/template:\n%s", hows[how], got, want), nil
		}
	}
	return "", nil
}

// How run executes a template.
const (
	interpreted = iota // html/template
	compiled           // Compile, of the set html/template escaped
	shipped            // CompileTrees, of the trees Escaped gives
)

var hows = []string{"html/template", "compiled", "compiled from Escaped"}

func run(text string, data any, how int) (string, error) {
	t, err := template.New("t").Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if how == interpreted {
		err := t.Execute(&b, data)
		return b.String(), err
	}
	_ = t.Execute(io.Discard, nil) // escapes it (and fails on the nil data)
	var set *Set
	if how == compiled {
		set, err = Compile(t, nil, "t")
	} else {
		set, err = shippedSet(t, "t")
	}
	if err != nil {
		return "", err
	}
	err = set.Execute(&b, "t", data)
	return b.String(), err
}

// shippedSet compiles the escaped templates of t called names as a theme
// shipped escaped is: the trees Escaped gives, which GoSource can write.
func shippedSet(t *template.Template, names ...string) (*Set, error) {
	trees, err := Escaped(t, names...)
	if err != nil {
		return nil, err
	}
	if _, err := GoSource(trees); err != nil {
		return nil, err
	}
	return CompileTrees(func(name string) *parse.Tree { return trees[name] }, func() *template.Template { return t }, nil, names...)
}

func TestLikeHTMLTemplate(t *testing.T) {
	before := directCalls.Load()
	defer func() {
		if directCalls.Load() == before {
			t.Error("no method was called through Method0, Method1 or Method1E")
		}
	}()
	compiled := 0
	for _, text := range templates {
		d, err := differs(text, data)
		if err != nil {
			t.Logf("%s: %v", text, err)
			continue
		}
		compiled++
		if d != "" {
			t.Errorf("%s: %s", text, d)
		}
	}
	if compiled < len(templates) {
		t.Errorf("only %d of %d templates compiled", compiled, len(templates))
	}
}

// TestDiffersCanFail is the negative control of differs and
// escaperMismatches: with the HTML
// escaper's table changed to keep ampersands, an ampersand differs.
func TestDiffersCanFail(t *testing.T) {
	if d, err := differs(`<p>{{.}}</p>`, "a & b"); d != "" || err != nil {
		t.Fatalf("unchanged escaper: %q, %v", d, err)
	}
	saved := htmlTable
	htmlTable['&'] = ""
	defer func() { htmlTable = saved }()
	if d, _ := differs(`<p>{{.}}</p>`, "a & b"); d == "" {
		t.Error("differs found no difference with a broken escaper")
	}
	if m := escaperMismatches("a & b"); len(m) == 0 {
		t.Error("escaperMismatches found no difference with a broken escaper")
	}
}

// TestCompileRefuses checks that what the compiled execution does not
// support is refused at compile time, with ErrUnsupported.
func TestCompileRefuses(t *testing.T) {
	for _, text := range []string{
		`{{call .Rel "x"}}`,
		`{{(.Items).Title}}`,
		`<p style="color: {{.Title}}">x</p>`,
		`<img srcset="{{.Title}}">`,
		`<!-- {{.Title}} -->`,
		`<p title={{.Title}}>x</p>`,
	} {
		_, err := run(text, data(), compiled)
		var ue *UnsupportedError
		if !errors.Is(err, ErrUnsupported) || !errors.As(err, &ue) || ue.File != "t" || ue.Line != 1 || strings.Contains(ue.Node, "_html_template") {
			t.Errorf("%s: %v, want an UnsupportedError at t:1: that names no escaper", text, err)
		}
	}
}

// TestEscapersLikeHTMLTemplate holds each supported escaper to
// html/template's on values of each content type.
func TestEscapersLikeHTMLTemplate(t *testing.T) {
	for _, s := range []string{"", "2", "06", "plain", "h2", "onclick", "SRC", `a & b < c > d " e ' f + g`, "\x00nul", "é — ✓ \xff\xfe bad", "javascript:alert(1)", "HTTP://x", "mailto:a@b", "/a b/c?d=e&f=%zz%20#g", "%41%4", "data-x", "on click", `x="1" y`} {
		checkEscapers(t, s)
	}
}

func FuzzEscapers(f *testing.F) {
	for _, s := range []string{"", `<a href="x">&amp;</a>`, "javascript:x", "%2", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 {
			return // longer texts exercise nothing more, and slow the minimizer
		}
		checkEscapers(t, s)
	})
}

// escaperContexts place an action where html/template applies one of the
// supported escapers, or a chain of them.
var escaperContexts = []string{
	`{{.}}`, `<p title="{{.}}">`, `<p title='{{.}}'>`, `<title>{{.}}</title>`, `<textarea>{{.}}</textarea>`,
	`<a href="{{.}}">`, `<a href="/p?q={{.}}">`, `<a href="/p#{{.}}">`, `<a href="/{{.}}/x">`, `<p {{.}}>`, `<script>x = {{.}}</script>`, `<p onclick="f({{.}})">`,
}

// contextSets are escaperContexts parsed, escaped and compiled once.
var contextSets = sync.OnceValues(func() ([]*template.Template, []*Set) {
	var ts []*template.Template
	var sets []*Set
	for _, ctx := range escaperContexts {
		t := template.Must(template.New("t").Parse(ctx))
		_ = t.Execute(io.Discard, "")
		set, err := Compile(t, nil, "t")
		if err != nil {
			panic(ctx + ": " + err.Error())
		}
		ts, sets = append(ts, t), append(sets, set)
	}
	return ts, sets
})

func checkEscapers(t *testing.T, s string) {
	for _, m := range escaperMismatches(s) {
		t.Error(m)
	}
}

// escaperMismatches describes where the compiled escapers differ from
// html/template's on s as each content type.
func escaperMismatches(s string) []string {
	var out []string
	values := []any{s, template.HTML(s), template.URL(s), template.HTMLAttr(s), template.JS(s), template.JSStr(s), &s, stringer{s}, []string{s}}
	ts, sets := contextSets()
	for i, ctx := range escaperContexts {
		for _, v := range values {
			var want, got strings.Builder
			werr := ts[i].Execute(&want, v)
			gerr := sets[i].Execute(&got, "t", v)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) || got.String() != want.String() {
				out = append(out, fmt.Sprintf("%s with %T %q: %q, %v; html/template: %q, %v", ctx, v, s, got.String(), gerr, want.String(), werr))
			}
		}
	}
	return out
}

type panicNode struct{}

func (panicNode) exec(*state, reflect.Value) error { panic("a fault") }

// TestPanicIsAnError checks that a panic during an execution is returned
// as an error: html/template's when it fails too, and otherwise one that
// says the compiled execution is at fault.
func TestPanicIsAnError(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{`<p>{{.Title}}</p>`, "a fault of the compiled execution"},
		{`<p>{{.Missing}}</p>`, "can't evaluate field Missing"},
	} {
		tm := template.Must(template.New("t").Parse(c.text))
		_ = tm.Execute(io.Discard, data())
		set, err := Compile(tm, nil, "t")
		if err != nil {
			t.Fatal(err)
		}
		set.byName["t"].root = panicNode{}
		err = set.Execute(io.Discard, "t", data())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.text, err, c.want)
		}
	}
}

// TestMethodRefusesOtherSignatures checks that a method registered for
// direct calls must be the method its name says, and return a concrete
// type.
func TestMethodRefusesOtherSignatures(t *testing.T) {
	for name, register := range map[string]func(){
		"no such method": func() { Method0("Missing", (*item).Upper) },
		"another type":   func() { Method0("Upper", func(it *item) template.HTML { return "" }) },
		"an interface":   func() { Method1("Any", func(it *item, s string) string { return s }) },
		"returns any":    func() { Method0("Anything", (*item).Anything) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: registered", name)
				}
			}()
			register()
		}()
	}
}
