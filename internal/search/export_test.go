package search

// What the tests of package search_test see besides the package's API:
// the index as Go values, and the words of one text, both made by the
// same code as the index script.

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stratpub/stratpub/internal/plan"
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
func Build(p *plan.Plan) *Index {
	stop := stopwords(p.Pub.Language)
	ps, n := parts(p)
	ix := &Index{Stop: stop, Docs: make([]Doc, n)}
	each(ps, stop, func(w *worker, _, i int, s *source) {
		ctx := w.words().read(s)
		ix.Docs[i] = Doc{Kind: s.kind, URL: s.ref.URL(), Title: s.ref.Title, Context: ctx, Parent: s.parent, Body: string(w.w.body)}
	})
	return ix
}

// Tokens splits text into lower-case words: runs of letters and digits.
// search.js splits queries and titles the same way.
func Tokens(text string) []string {
	var out []string
	var buf []byte
	for _, r := range text {
		if l := unicode.ToLower(r); unicode.IsLetter(l) || unicode.IsNumber(l) {
			buf = utf8.AppendRune(buf, l)
		} else if len(buf) > 0 {
			out = append(out, string(buf))
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		out = append(out, string(buf))
	}
	return out
}

// Terms returns the distinct words of text in order of first appearance,
// leaving out web addresses, stop words, one-letter words, the words of
// skip (which are already in the index in full) and words that start
// another word of the list.
func Terms(text string, stop map[string]bool, skip string) []string {
	list := make([]string, 0, len(stop))
	for s, ok := range stop {
		if ok {
			list = append(list, s)
		}
	}
	w := newWords(list)
	w.start()
	w.scan(skip, true)
	w.scanText(text)
	w.terms()
	if len(w.body) == 0 {
		return nil
	}
	return strings.Split(string(w.body), " ")
}
