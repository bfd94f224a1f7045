// Package search builds the index of the site's search box: a script that
// sets a global variable, so that the index loads from disk (file://) as
// well as from any web sub-path, with no fetch and no server.
//
// Every goal, objective, desired outcome, key activity and section is a
// document with a title, a context text (the statement, the item's own
// text, or the start of the section) and the words of its body. Titles and
// context texts are stored whole, to rank and to show matches in context;
// bodies are stored as their distinct words only, which keeps the index
// small (see Script). assets/search.js reads the index, ranks and shows
// the results.
package search

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/stratpub/stratpub/internal/parallel"
	"github.com/stratpub/stratpub/internal/plan"
)

// IndexAsset is the logical asset name of the index script.
const IndexAsset = "search-index.js"

// Global is the name of the global variable the index script sets.
const Global = "STRATPUB_SEARCH"

// Version is the version of the index format read by assets/search.js.
const Version = 1

// Kinds of documents, as written in the index.
const (
	KindGoal      = "g"
	KindObjective = "o"
	KindOutcome   = "u"
	KindActivity  = "a"
	KindSection   = "s"
)

// Doc is one searchable item.
type Doc struct {
	Kind    string
	URL     string // site path, with a fragment for outcomes and activities
	Title   string
	Context string // statement or item text, shown with the match
	Parent  string // the objective of an outcome or activity
	Body    string // the words of the body that are not in Title or Context
}

// Index is the search index of a plan.
type Index struct {
	Stop []string // words the search ignores
	Docs []Doc
}

// Build makes the index of p, with documents in reading order (which
// search.js uses to break ties).
func Build(p *plan.Plan) *Index { return (*Cache)(nil).build(p) }

// Cache keeps the words found in each text between builds of the index of
// the same publication (the preview), so that only changed texts are
// searched for words again. The zero Cache is ready to use; a nil *Cache
// keeps nothing.
type Cache struct {
	mu    sync.Mutex
	lang  string               // the stop words depend on the language
	terms map[[2]string]string // (body, title words) → body words
}

// Script is like the package's Script, reusing the words of unchanged
// texts.
func (c *Cache) Script(p *plan.Plan) ([]byte, error) { return script(c.build(p)) }

func (c *Cache) build(p *plan.Plan) *Index {
	stop := stopwords(p.Pub.Language)
	ix := &Index{Stop: stop}
	stopSet := map[string]bool{}
	for _, w := range stop {
		stopSet[w] = true
	}
	var bodies []string
	add := func(d Doc, body ...string) {
		ix.Docs = append(ix.Docs, d)
		bodies = append(bodies, strings.Join(body, " "))
	}
	captions := func(figs []*plan.Figure) string {
		var b strings.Builder
		for _, f := range figs {
			b.WriteString(f.Caption + " " + f.Credit + " ")
		}
		return b.String()
	}
	notes := func(b plan.Body) string {
		var s strings.Builder
		for _, f := range b.Footnotes {
			s.WriteString(f.Text + " ")
		}
		return s.String()
	}
	for _, s := range p.Front {
		add(Doc{Kind: KindSection, URL: s.Ref.URL(), Title: s.Ref.Title, Context: lead(s.Summary, s.Body.Text)}, s.Body.Text, notes(s.Body), captions(s.Figures))
	}
	for _, g := range p.Goals {
		add(Doc{Kind: KindGoal, URL: g.Ref.URL(), Title: g.Ref.Title, Context: g.Statement}, g.Intro.Text, notes(g.Intro), captions(g.Figures))
		for _, o := range g.Objectives {
			add(Doc{Kind: KindObjective, URL: o.Ref.URL(), Title: o.Ref.Title, Context: o.Statement}, o.Narrative.Text, notes(o.Narrative), captions(o.Figures))
			for _, it := range o.Outcomes {
				add(Doc{Kind: KindOutcome, URL: it.Ref.URL(), Title: it.Ref.Title, Context: it.Text, Parent: o.Ref.Title})
			}
			for _, it := range o.Activities {
				add(Doc{Kind: KindActivity, URL: it.Ref.URL(), Title: it.Ref.Title, Context: it.Text, Parent: o.Ref.Title})
			}
		}
	}
	for _, s := range p.Back {
		add(Doc{Kind: KindSection, URL: s.Ref.URL(), Title: s.Ref.Title, Context: lead(s.Summary, s.Body.Text)}, s.Body.Text, notes(s.Body), captions(s.Figures))
	}
	// The words of each body are found on all processors.
	var old map[[2]string]string
	if c != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.lang == p.Pub.Language {
			old = c.terms
		}
	}
	keys := make([][2]string, len(ix.Docs))
	parallel.For(len(ix.Docs), func(i int) {
		d := &ix.Docs[i]
		keys[i] = [2]string{bodies[i], d.Title + " " + d.Context + " " + d.Parent}
		if t, ok := old[keys[i]]; ok {
			d.Body = t
			return
		}
		d.Body = strings.Join(Terms(keys[i][0], stopSet, keys[i][1]), " ")
	})
	if c != nil {
		c.lang = p.Pub.Language
		c.terms = make(map[[2]string]string, len(ix.Docs))
		for i, k := range keys {
			c.terms[k] = ix.Docs[i].Body
		}
	}
	return ix
}

// lead is the context text of a section: its summary, or the start of its
// text.
func lead(summary, text string) string {
	if summary != "" {
		return summary
	}
	// Body text is already on one line with single spaces (package
	// markdown); a summary from front matter is used as written.
	return plan.Excerpt(text, 160)
}

// Tokens splits text into lower-case words: runs of letters and digits.
// search.js splits queries and titles the same way.
func Tokens(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}

// Terms returns the distinct words of text in order of first appearance,
// leaving out web addresses, stop words, one-letter words, the words of
// skip (which are already in the index in full) and words that start
// another word of the list.
func Terms(text string, stop map[string]bool, skip string) []string {
	seen := map[string]bool{}
	for _, w := range Tokens(skip) {
		seen[w] = true
	}
	var out []string
	for _, w := range Tokens(withoutURLs(text)) {
		if seen[w] || stop[w] || len([]rune(w)) < 2 {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	// search.js matches words by prefix, so a word that starts another
	// word of the list adds nothing: "biometric" finds "biometrics".
	sorted := slices.Clone(out)
	slices.Sort(sorted)
	redundant := map[string]bool{}
	for i := 0; i+1 < len(sorted); i++ {
		if strings.HasPrefix(sorted[i+1], sorted[i]) {
			redundant[sorted[i]] = true
		}
	}
	return slices.DeleteFunc(out, func(w string) bool { return redundant[w] })
}

// withoutURLs blanks out web addresses, whose parts are noise for search:
// from "http://", "https://" or "www." to the next space.
func withoutURLs(text string) string {
	if !strings.Contains(text, "://") && !strings.Contains(text, "www.") {
		return text
	}
	fields := strings.Fields(text)
	for i, f := range fields {
		cut := len(f)
		for _, p := range []string{"http://", "https://", "www."} {
			if j := strings.Index(f, p); j >= 0 && j < cut {
				cut = j
			}
		}
		fields[i] = f[:cut]
	}
	return strings.Join(fields, " ")
}

// Script returns the index of p as a script that sets the global variable
// Global. The data is JSON, which is also valid JavaScript; each document
// is an array [kind, url, title, context, parent, body] to keep the file
// small.
func Script(p *plan.Plan) ([]byte, error) { return script(Build(p)) }

func script(ix *Index) ([]byte, error) {
	docs := make([][]string, len(ix.Docs))
	for i, d := range ix.Docs {
		docs[i] = []string{d.Kind, d.URL, d.Title, d.Context, d.Parent, d.Body}
	}
	data := struct {
		V    int        `json:"v"`
		Stop []string   `json:"stop"`
		Docs [][]string `json:"docs"`
	}{Version, ix.Stop, docs}
	var buf bytes.Buffer
	buf.WriteString("self." + Global + "=")
	enc := json.NewEncoder(&buf)
	// Escaping <, > and & keeps the text inert in any context; the bytes
	// it costs are few.
	if err := enc.Encode(data); err != nil {
		return nil, err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	buf.WriteString(";\n")
	return buf.Bytes(), nil
}

// stopwords returns the words to ignore for a language: common English
// function words for English, none for other languages.
func stopwords(lang string) []string {
	if lang != "en" && !strings.HasPrefix(lang, "en-") {
		return []string{}
	}
	return strings.Fields(`a an and are as at be been but by can for from has have in into is it its of on or our
		that the their this those to was we were which will with within`)
}
