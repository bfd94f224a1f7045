// Package highlight colours source text for the pages stratpub writes: the
// samples of the open data files (JSON, CSV, XML) and the source lines in
// the preview's error overlay (Markdown with YAML front matter, HTML
// templates, CSS). It uses chroma's tokeniser and HTML formatter with CSS
// classes, never inline styles, so pages work under a strict
// Content-Security-Policy.
//
// The lexers and the two styles are defined here rather than taken from
// chroma's lexers and styles packages: those parse every one of their
// hundreds of embedded definitions when a program starts, which took longer
// than a whole build of a small publication.
package highlight

import (
	"bytes"
	"html/template"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
)

// Options adjust how lines are shown.
type Options struct {
	LineNumbers bool
	FirstLine   int    // number of the first line, with LineNumbers
	Highlight   [2]int // lines to mark, inclusive; zero for none
}

// HTML returns text highlighted as lang ("json", "csv", "xml", "yaml",
// "markdown", "html", "css"; anything else is plain text), as a <pre>.
func HTML(lang, text string, o Options) (template.HTML, error) {
	it, err := chroma.Coalesce(Lexer(lang)).Tokenise(nil, text)
	if err != nil {
		return "", err
	}
	f := plain
	if o != (Options{}) {
		opts := []chromahtml.Option{chromahtml.WithClasses(true), chromahtml.WithAllClasses(true)}
		if o.LineNumbers {
			opts = append(opts, chromahtml.WithLineNumbers(true), chromahtml.BaseLineNumber(max(o.FirstLine, 1)))
		}
		if o.Highlight != [2]int{} {
			opts = append(opts, chromahtml.HighlightLines([][2]int{o.Highlight}))
		}
		f = chromahtml.New(opts...)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, Light, it); err != nil {
		return "", err
	}
	// The formatter escapes the text it writes.
	return template.HTML(buf.String()), nil
}

// plain formats text with the zero Options. A formatter works out the
// class of every token type of a style on its first use and keeps it:
// that is most of the time of highlighting a short text, so it is kept
// for the formatting most often asked for (it is safe for concurrent use).
var plain = chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithAllClasses(true))

// CSS returns the style sheet for highlighted text: the light style, and
// the dark one when the reader prefers a dark colour scheme. It is made
// once; the caller must not modify it.
func CSS() []byte { return css() }

var css = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithAllClasses(true))
	buf.WriteString("/* Highlighted text (stratpub). */\n")
	// WriteCSS fails only when its writer does; a bytes.Buffer does not.
	_ = f.WriteCSS(&buf, Light)
	buf.WriteString("@media (prefers-color-scheme: dark) {\n")
	_ = f.WriteCSS(&buf, Dark)
	buf.WriteString("}\n")
	return buf.Bytes()
})

// Light and Dark are the two styles. Every colour meets WCAG AA contrast
// (4.5:1) on its style's background.
var (
	Light = chroma.MustNewStyle("stratpub-light", chroma.StyleEntries{
		chroma.Background:        "#1b1b1b bg:#f6f8fa",
		chroma.LineNumbers:       "#4a4f55",
		chroma.LineNumbersTable:  "#4a4f55",
		chroma.LineHighlight:     "bg:#fff1b8",
		chroma.Keyword:           "#6f2da8",
		chroma.KeywordConstant:   "#8a3b00",
		chroma.NameTag:           "#0b4f8a",
		chroma.NameAttribute:     "#7a4500",
		chroma.NameBuiltin:       "#0b4f8a",
		chroma.NameVariable:      "#0b4f8a",
		chroma.LiteralString:     "#0a6130",
		chroma.LiteralNumber:     "#8a3b00",
		chroma.Comment:           "italic #4a4f55",
		chroma.CommentPreproc:    "#4a4f55",
		chroma.Punctuation:       "#1b1b1b",
		chroma.Operator:          "#1b1b1b",
		chroma.GenericHeading:    "bold #0b4f8a",
		chroma.GenericSubheading: "bold #0b4f8a",
		chroma.GenericEmph:       "italic",
		chroma.GenericStrong:     "bold",
		chroma.Error:             "#b00020",
	})
	Dark = chroma.MustNewStyle("stratpub-dark", chroma.StyleEntries{
		chroma.Background:        "#eceef0 bg:#1f2429",
		chroma.LineNumbers:       "#b7bdc4",
		chroma.LineNumbersTable:  "#b7bdc4",
		chroma.LineHighlight:     "bg:#4a3f00",
		chroma.Keyword:           "#d7b4ff",
		chroma.KeywordConstant:   "#f6b26b",
		chroma.NameTag:           "#8cc4f2",
		chroma.NameAttribute:     "#ffd479",
		chroma.NameBuiltin:       "#8cc4f2",
		chroma.NameVariable:      "#8cc4f2",
		chroma.LiteralString:     "#8fd19e",
		chroma.LiteralNumber:     "#f6b26b",
		chroma.Comment:           "italic #b7bdc4",
		chroma.CommentPreproc:    "#b7bdc4",
		chroma.Punctuation:       "#eceef0",
		chroma.Operator:          "#eceef0",
		chroma.GenericHeading:    "bold #8cc4f2",
		chroma.GenericSubheading: "bold #8cc4f2",
		chroma.GenericEmph:       "italic",
		chroma.GenericStrong:     "bold",
		chroma.Error:             "#ff8a80",
	})
)

var (
	lexersOnce sync.Once
	lexers     map[string]chroma.Lexer
)

// Lexer returns the lexer for lang, or a plain-text lexer.
func Lexer(lang string) chroma.Lexer {
	lexersOnce.Do(func() {
		lexers = map[string]chroma.Lexer{
			"json":     handJSON,
			"csv":      handCSV,
			"xml":      handXML,
			"yaml":     yamlLexer,
			"markdown": markdownLexer,
			"html":     htmlLexer,
			"css":      cssLexer,
		}
	})
	if l, ok := lexers[strings.ToLower(lang)]; ok {
		return l
	}
	return plainLexer
}

// Rules are compiled when a lexer is first used.
var (
	plainLexer = chroma.MustNewLexer(&chroma.Config{Name: "plain"}, func() chroma.Rules {
		return chroma.Rules{"root": {{Pattern: `(?s).+`, Type: chroma.Text}}}
	})
	yamlLexer = chroma.MustNewLexer(&chroma.Config{Name: "YAML"}, func() chroma.Rules {
		return chroma.Rules{"root": yamlRules()}
	})
	markdownLexer = chroma.MustNewLexer(&chroma.Config{Name: "Markdown"}, func() chroma.Rules {
		return chroma.Rules{
			"root": {
				{Pattern: `---\n`, Type: chroma.Punctuation, Mutator: chroma.Push("front")},
				{Pattern: ``, Type: chroma.Text, Mutator: chroma.Push("body")},
			},
			"front": append([]chroma.Rule{
				{Pattern: `---\n`, Type: chroma.Punctuation, Mutator: chroma.Push("body")},
			}, yamlRules()...),
			"body": {
				{Pattern: `#{1,6} [^\n]*`, Type: chroma.GenericHeading},
				{Pattern: `\[\^?[^\]\n]*\]\([^)\n]*\)`, Type: chroma.NameTag},
				{Pattern: `\[\^[^\]\n]+\]:?`, Type: chroma.NameTag},
				{Pattern: `\*\*[^*\n]+\*\*`, Type: chroma.GenericStrong},
				{Pattern: `\*[^*\n]+\*|_[^_\n]+_`, Type: chroma.GenericEmph},
				{Pattern: "`[^`\n]+`", Type: chroma.LiteralString},
				{Pattern: `<[^>\n]*>`, Type: chroma.NameTag},
				{Pattern: `[^#\[*_<` + "`" + `\n]+|\n`, Type: chroma.Text},
				{Pattern: `.`, Type: chroma.Text},
			},
		}
	})
	htmlLexer = chroma.MustNewLexer(&chroma.Config{Name: "HTML"}, func() chroma.Rules {
		return chroma.Rules{
			"root": {
				{Pattern: `\{\{(?s:.*?)\}\}`, Type: chroma.CommentPreproc},
				{Pattern: `<!--(?s:.*?)-->`, Type: chroma.Comment},
				{Pattern: `</?[\w-]+`, Type: chroma.NameTag, Mutator: chroma.Push("tag")},
				{Pattern: `[^<{]+`, Type: chroma.Text},
				{Pattern: `.`, Type: chroma.Text},
			},
			"tag": {
				{Pattern: `\{\{(?s:.*?)\}\}`, Type: chroma.CommentPreproc},
				{Pattern: `\s+`, Type: chroma.Text},
				{Pattern: `[\w:-]+(?=\s*=)`, Type: chroma.NameAttribute},
				{Pattern: `[\w:-]+`, Type: chroma.NameAttribute},
				{Pattern: `=`, Type: chroma.Operator},
				{Pattern: `"[^"]*"|'[^']*'`, Type: chroma.LiteralString},
				{Pattern: `/?>`, Type: chroma.NameTag, Mutator: chroma.Pop(1)},
				{Pattern: `.`, Type: chroma.Text},
			},
		}
	})
	cssLexer = chroma.MustNewLexer(&chroma.Config{Name: "CSS"}, func() chroma.Rules {
		return chroma.Rules{"root": {
			{Pattern: `/\*(?s:.*?)\*/`, Type: chroma.Comment},
			{Pattern: `@[\w-]+`, Type: chroma.Keyword},
			{Pattern: `[\w-]+(?=\s*:[^{;]*[;}])`, Type: chroma.NameAttribute},
			{Pattern: `#[0-9a-fA-F]{3,8}\b|-?\d+(?:\.\d+)?(?:[a-z%]+)?`, Type: chroma.LiteralNumber},
			{Pattern: `"[^"]*"|'[^']*'`, Type: chroma.LiteralString},
			{Pattern: `[{}:;,()]`, Type: chroma.Punctuation},
			{Pattern: `[^/@{}:;,()"'#\d\s-]+|\s+|.`, Type: chroma.Text},
		}}
	})
)

func yamlRules() []chroma.Rule {
	return []chroma.Rule{
		{Pattern: `#[^\n]*`, Type: chroma.Comment},
		{Pattern: `[\w-]+(?=:(?:\s|$))`, Type: chroma.NameTag},
		{Pattern: `"(?:\\.|[^"\\\n])*"?|'(?:''|[^'\n])*'?`, Type: chroma.LiteralString},
		{Pattern: `-?\d+(?:\.\d+)?\b`, Type: chroma.LiteralNumber},
		{Pattern: `\b(?:true|false|null|yes|no)\b`, Type: chroma.KeywordConstant},
		{Pattern: `[:\-|>\[\]{},]`, Type: chroma.Punctuation},
		{Pattern: `[^#"'\n:\-|>\[\]{},\d]+|\n|.`, Type: chroma.Text},
	}
}
