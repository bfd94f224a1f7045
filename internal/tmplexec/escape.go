package tmplexec

// The escapers below are html/template's (Copyright 2011 The Go Authors;
// BSD-style licence, in LICENSE.go-authors) for the
// contexts of HTML text, quoted attributes, RCDATA elements and URLs,
// written to skip their allocations where nothing changes. Where they take
// a turn that depends on more of html/template (an attribute value given
// as template.HTML has its tags stripped; an attribute name or a script
// value given as anything but its own content type), html/template's own
// escaper runs, in a template that holds nothing else.

import (
	"fmt"
	"html/template"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

type contentType uint8

const (
	plainType contentType = iota
	cssType
	htmlType
	htmlAttrType
	jsType
	jsStrType
	urlType
	srcsetType
	// noType is no content type: the asIs of an escaper that passes
	// nothing through unchanged.
	noType contentType = 255
)

// escaper is one of the functions html/template adds to actions.
type escaper struct {
	name string
	// apply escapes s of content type ct; ok is false where only
	// html/template's own escaper knows the answer.
	apply func(s string, ct contentType) (out string, ok bool)
	// table, for the escapers that replace characters, lets the last
	// escaper of an action write into the output without a copy.
	table *[256]string
	// asIs is the content type the table escaper passes through unchanged.
	asIs contentType
	// real runs html/template's escaper on a value: nil for the escapers
	// that never need it, and a nil result when this Go's html/template
	// escapes the context differently (Compile then refuses the escaper).
	// It is made on first use: parsing and escaping its template at start-up
	// would cost every run of stratpub.
	real func() *realEscaper
}

// escapers are the escapers Compile supports, by the names html/template
// gives them in escaped trees.
var escapers = map[string]*escaper{}

func init() {
	add := func(e *escaper, text string) {
		if text != "" {
			e.real = sync.OnceValue(func() *realEscaper { return newReal(e.name, text) })
		}
		escapers[e.name] = e
	}
	add(&escaper{name: "_html_template_htmlescaper", table: &htmlTable, asIs: htmlType, apply: func(s string, ct contentType) (string, bool) {
		if ct == htmlType {
			return s, true
		}
		return replace(s, &htmlTable), true
	}}, "")
	add(&escaper{name: "_html_template_attrescaper", table: &htmlTable, asIs: noType, apply: func(s string, ct contentType) (string, bool) {
		if ct == htmlType {
			return "", false // stripTags
		}
		return replace(s, &htmlTable), true
	}}, `<p title="{{.}}">`)
	add(&escaper{name: "_html_template_rcdataescaper", table: &htmlTable, asIs: noType, apply: func(s string, ct contentType) (string, bool) {
		if ct == htmlType {
			return replace(s, &htmlNormTable), true
		}
		return replace(s, &htmlTable), true
	}}, "")
	add(&escaper{name: "_html_template_urlfilter", apply: func(s string, ct contentType) (string, bool) {
		if ct == urlType || isSafeURL(s) {
			return s, true
		}
		return "#ZgotmplZ", true
	}}, "")
	add(&escaper{name: "_html_template_urlescaper", apply: func(s string, ct contentType) (string, bool) {
		return processURL(s, ct == urlType), true
	}}, "")
	add(&escaper{name: "_html_template_urlnormalizer", apply: func(s string, ct contentType) (string, bool) {
		return processURL(s, true), true
	}}, "")
	add(&escaper{name: "_html_template_htmlnamefilter", apply: func(s string, ct contentType) (string, bool) {
		switch {
		case ct == htmlAttrType:
			return s, true
		case s == "":
			return "ZgotmplZ", true
		case digits(s):
			// Such as the level of <h{{.Level}}>: no attribute name is
			// digits alone, so html/template's attribute types (which
			// refuse names of URLs, scripts and styles) pass it.
			return s, true
		}
		return "", false
	}}, `<p {{.}}>`)
	add(&escaper{name: "_html_template_jsvalescaper", apply: func(s string, ct contentType) (string, bool) {
		switch ct {
		case jsType:
			return s, true
		case jsStrType:
			return `"` + s + `"`, true
		}
		return "", false
	}}, `<script>{{.}}</script>`)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// realEscaper is html/template's escaper for a context, in a template
// whose output is the escaped value between a fixed prefix and suffix.
type realEscaper struct {
	t              *template.Template
	prefix, suffix int
}

// newReal makes the template text, which holds one action, and checks that
// html/template escapes it with the escaper name and nothing else.
func newReal(name, text string) *realEscaper {
	t, err := template.New(name).Parse(text)
	if err != nil {
		return nil
	}
	if err := t.Execute(io.Discard, ""); err != nil {
		return nil
	}
	open, close := strings.Index(text, "{{"), strings.Index(text, "}}")
	want := text[:open] + "{{. | " + name + "}}" + text[close+2:]
	if t.Tree.Root.String() != want {
		return nil
	}
	return &realEscaper{t: t, prefix: open, suffix: len(text) - close - 2}
}

func (r *realEscaper) escape(a any) (string, error) {
	var b strings.Builder
	if err := r.t.Execute(&b, a); err != nil {
		return "", failure
	}
	out := b.String()
	return out[r.prefix : len(out)-r.suffix], nil
}

// escape applies e to the value v of type ct, made by stringify from a.
func (e *escaper) escape(s string, ct contentType, a any) (string, error) {
	if out, ok := e.apply(s, ct); ok {
		return out, nil
	}
	return e.real().escape(a)
}

// usable reports whether e can escape every value.
func (e *escaper) usable() bool { return e.real == nil || e.real() != nil }

// writeEscaped writes v escaped by esc, one after the other.
func writeEscaped(st *state, esc []*escaper, v reflect.Value) error {
	s, ct := stringify(v)
	for i, e := range esc {
		if i == len(esc)-1 && e.table != nil && (ct == plainType || ct == e.asIs) {
			if ct == e.asIs {
				return st.writeString(s)
			}
			return writeReplaced(st, s, e.table)
		}
		var a any
		if i == 0 && v.IsValid() {
			a = v.Interface()
		} else if i > 0 {
			a = s
		}
		var err error
		if s, err = e.escape(s, ct, a); err != nil {
			return err
		}
		ct = plainType
	}
	return st.writeString(s)
}

// stringify is html/template's: a value as a string and its content type.
func stringify(v reflect.Value) (string, contentType) {
	if !v.IsValid() {
		return "", plainType
	}
	if v.Kind() == reflect.String {
		if ct, ok := contentOf(v.Type()); ok {
			return v.String(), ct
		}
	}
	if v.Kind() == reflect.Int && v.Type() == intT {
		return strconv.FormatInt(v.Int(), 10), plainType
	}
	return stringifyAny(v.Interface())
}

var (
	htmlT     = reflect.TypeFor[template.HTML]()
	urlT      = reflect.TypeFor[template.URL]()
	htmlAttrT = reflect.TypeFor[template.HTMLAttr]()
	jsT       = reflect.TypeFor[template.JS]()
	jsStrT    = reflect.TypeFor[template.JSStr]()
	cssT      = reflect.TypeFor[template.CSS]()
	srcsetT   = reflect.TypeFor[template.Srcset]()
	intT      = reflect.TypeFor[int]()
)

// contentOf is the content type of a value of type t, a string or one of
// html/template's typed strings; ok is false for any other type.
func contentOf(t reflect.Type) (ct contentType, ok bool) {
	switch t {
	case stringType:
		return plainType, true
	case htmlT:
		return htmlType, true
	case urlT:
		return urlType, true
	case htmlAttrT:
		return htmlAttrType, true
	case jsT:
		return jsType, true
	case jsStrT:
		return jsStrType, true
	case cssT:
		return cssType, true
	case srcsetT:
		return srcsetType, true
	}
	return 0, false
}

func stringifyAny(a any) (string, contentType) {
	if x := reflect.ValueOf(indirectAny(a)); x.Kind() == reflect.String {
		if ct, ok := contentOf(x.Type()); ok {
			return x.String(), ct
		}
	}
	if a == nil {
		return "", plainType
	}
	return fmt.Sprint(indirectToStringerOrError(a)), plainType
}

func indirectAny(a any) any {
	if a == nil {
		return nil
	}
	if t := reflect.TypeOf(a); t.Kind() != reflect.Pointer {
		return a
	}
	v := reflect.ValueOf(a)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v.Interface()
}

func indirectToStringerOrError(a any) any {
	if a == nil {
		return nil
	}
	v := reflect.ValueOf(a)
	for !v.Type().Implements(stringerType) && !v.Type().Implements(errorType) && v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v.Interface()
}

// The replacement tables of html/template's htmlReplacer, for the runes
// below 0x80; with badRunes true, as the escapers here use it, other runes
// are kept, so the tables can be read byte by byte.
var htmlTable, htmlNormTable [256]string

func init() {
	for b, r := range map[byte]string{0: "\uFFFD", '"': "&#34;", '&': "&amp;", '\'': "&#39;", '+': "&#43;", '<': "&lt;", '>': "&gt;"} {
		htmlTable[b] = r
		if b != '&' {
			htmlNormTable[b] = r
		}
	}
}

// replace is htmlReplacer(s, table, true).
func replace(s string, table *[256]string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		if r := table[s[i]]; r != "" {
			if written == 0 {
				b.Grow(len(s) + 16)
			}
			b.WriteString(s[written:i])
			b.WriteString(r)
			written = i + 1
		}
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// writeReplaced writes replace(s, table).
func writeReplaced(st *state, s string, table *[256]string) error {
	written := 0
	for i := 0; i < len(s); i++ {
		if r := table[s[i]]; r != "" {
			if err := st.writeString(s[written:i]); err != nil {
				return err
			}
			if err := st.writeString(r); err != nil {
				return err
			}
			written = i + 1
		}
	}
	return st.writeString(s[written:])
}

// isSafeURL is true if s is a relative URL or if URL has a protocol in
// (http, https, mailto).
func isSafeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}

// processURL is html/template's processURLOnto: s normalized (norm) or
// escaped for a URL, s itself when nothing changes.
func processURL(s string, norm bool) string {
	var b strings.Builder
	written := 0
	for i, n := 0, len(s); i < n; i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if norm {
				continue
			}
		case '-', '.', '_', '~':
			continue
		case '%':
			if norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

const hexDigits = "0123456789abcdef"

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
