package highlight_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/alecthomas/chroma/v2"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/export"
	"github.com/stratpub/stratpub/internal/highlight"
	"github.com/stratpub/stratpub/internal/sitetest"
)

// The regular-expression lexers the hand-written ones replace (hand.go):
// what they must lex alike, token for token.
var (
	refJSON = chroma.MustNewLexer(&chroma.Config{Name: "JSON"}, func() chroma.Rules {
		return chroma.Rules{"root": {
			{Pattern: `\s+`, Type: chroma.Text},
			{Pattern: `"(?:\\.|[^"\\])*"(?=\s*:)`, Type: chroma.NameTag},
			{Pattern: `"(?:\\.|[^"\\])*"`, Type: chroma.LiteralString},
			{Pattern: `-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?`, Type: chroma.LiteralNumber},
			{Pattern: `\b(?:true|false|null)\b`, Type: chroma.KeywordConstant},
			{Pattern: `[{}\[\],:]`, Type: chroma.Punctuation},
			{Pattern: `.`, Type: chroma.Text},
		}}
	})
	refCSV = chroma.MustNewLexer(&chroma.Config{Name: "CSV"}, func() chroma.Rules {
		return chroma.Rules{"root": {
			{Pattern: `"(?:[^"]|"")*"`, Type: chroma.LiteralString},
			{Pattern: `,`, Type: chroma.Punctuation},
			{Pattern: `\r?\n`, Type: chroma.Text},
			{Pattern: `[^,"\r\n]+`, Type: chroma.Text},
		}}
	})
	refXML = chroma.MustNewLexer(&chroma.Config{Name: "XML"}, func() chroma.Rules {
		return chroma.Rules{
			"root": {
				{Pattern: `<!--(?s:.*?)-->`, Type: chroma.Comment},
				{Pattern: `<\?(?s:.*?)\?>`, Type: chroma.CommentPreproc},
				{Pattern: `</?[\w:.-]+`, Type: chroma.NameTag, Mutator: chroma.Push("tag")},
				{Pattern: `&[\w#]+;`, Type: chroma.LiteralStringEscape},
				{Pattern: `[^<&]+`, Type: chroma.Text},
				{Pattern: `.`, Type: chroma.Text},
			},
			"tag": {
				{Pattern: `\s+`, Type: chroma.Text},
				{Pattern: `[\w:.-]+(?=\s*=)`, Type: chroma.NameAttribute},
				{Pattern: `=`, Type: chroma.Operator},
				{Pattern: `"[^"]*"|'[^']*'`, Type: chroma.LiteralString},
				{Pattern: `/?>`, Type: chroma.NameTag, Mutator: chroma.Pop(1)},
				{Pattern: `.`, Type: chroma.Text},
			},
		}
	})
)

// tokens lexes text with l, with chroma's coalescing of neighbouring
// tokens of one type (as highlight.HTML does): only the type of each
// character then counts, not where a lexer splits a run.
func tokens(l chroma.Lexer, text string) []chroma.Token {
	it, err := chroma.Coalesce(l).Tokenise(nil, text)
	if err != nil {
		panic(err)
	}
	return it.Tokens()
}

// differ describes where lang's lexer and its reference differ on text, or
// returns "".
func differ(lang string, ref chroma.Lexer, text string) string {
	got, want := tokens(highlight.Lexer(lang), text), tokens(ref, text)
	for i := range max(len(got), len(want)) {
		var g, w chroma.Token
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("%s: token %d: %s %q, want %s %q", lang, i, g.Type, g.Value, w.Type, w.Value)
		}
	}
	return ""
}

var refs = map[string]chroma.Lexer{"json": refJSON, "csv": refCSV, "xml": refXML}

// TestHandLexersLikeExpressions lexes every open data file of the CBP
// publication and of testdata/small, whole, and tricky texts, with the
// hand-written lexers and with the expressions they replace.
func TestHandLexersLikeExpressions(t *testing.T) {
	var texts []struct{ lang, text string }
	for _, dir := range []string{sitetest.RepoRoot(t), filepath.Join(sitetest.RepoRoot(t), "testdata", "small")} {
		root, err := os.OpenRoot(dir)
		if err != nil {
			t.Fatal(err)
		}
		prep, errs := build.Prepare(context.Background(), build.Config{Source: root.FS()})
		root.Close()
		if len(errs) > 0 {
			t.Fatal(errs.Err())
		}
		files, err := export.Files(prep.Plan)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			texts = append(texts, struct{ lang, text string }{f.Lang, string(f.Data)})
		}
	}
	for _, s := range tricky {
		for lang := range refs {
			texts = append(texts, struct{ lang, text string }{lang, s})
		}
	}
	n := 0
	for _, c := range texts {
		ref := refs[c.lang]
		if ref == nil {
			continue
		}
		n++
		if d := differ(c.lang, ref, c.text); d != "" {
			t.Errorf("%s\nin %q", d, c.text[:min(len(c.text), 200)])
		}
	}
	if n < 3*len(tricky)+10 {
		t.Fatalf("only %d texts", n)
	}
}

// TestDifferCanFail is differ's negative control: the JSON lexer is not
// the CSV one.
func TestDifferCanFail(t *testing.T) {
	if d := differ("json", refCSV, `{"a": 1}`); d == "" {
		t.Error("differ found the JSON lexer like the CSV expressions")
	}
}

var tricky = []string{
	"", "\n", "\r\n", "\r", " \t\n", `{"a": "b\"c", "d":-1.5e+3, "e" :true,"f":[null,false]}`,
	`{"k"  :  "v", "s": "with \\ and \u00e9", "n": 12.x, "m": -x, "x": 1e, "y": 1.}`,
	`truex xtrue true1 _null null_ "true" nullnull`, `"unterminated`, `"bad \` + "\n" + `escape"`,
	`"a\"`, `"tab	in"`, "\u00a0\u2003\u0663\u0664 \u0661.\u0662", "é:\"ü\"ß", `<not xml & json>`,
	`a,"b,c","d""e",,"f""","g"""h`, "\"multi\nline\",x\r\ny", `"""`, `""`, `"`, `x"y`,
	`<?xml version="1.0"?><!-- c --><a b="1" c='2' d = "3"/><e>text &amp; &#160; &x; & &;</e><f g h="">`,
	`<!-- open`, `<? open`, `<!-->x-->`, `<?>?>`, `</close>`, `< a>`, `<a` + "\n" + `b="c">`, `<a b="unterminated>`,
	`<a:b.c-d x:y="1" z-w ='2' /><é ü="1">`, `<a/ >`, `<a / >`, "<a\tb\t=\t\"c\">",
}

// FuzzHandLexers holds the hand-written lexers to the expressions on any
// text.
func FuzzHandLexers(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 {
			return // the expressions backtrack for seconds on some long texts
		}
		for lang, ref := range refs {
			if d := differ(lang, ref, s); d != "" {
				t.Errorf("%s\nin %q", d, s)
			}
		}
	})
}
