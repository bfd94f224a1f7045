package search_test

// The index as it was made before it was written by hand and kept
// between builds: strings.ToLower and strings.FieldsFunc for the words, a
// map and a sort per document, and encoding/json for the script. The
// tests hold the package to it byte for byte.

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"unicode"

	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/search"
)

func refTokens(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}

func refTerms(text string, stop map[string]bool, skip string) []string {
	seen := map[string]bool{}
	for _, w := range refTokens(skip) {
		seen[w] = true
	}
	var out []string
	for _, w := range refTokens(refWithoutURLs(text)) {
		if seen[w] || stop[w] || len([]rune(w)) < 2 {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
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

func refWithoutURLs(text string) string {
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

func refStopwords(lang string) []string {
	if lang != "en" && !strings.HasPrefix(lang, "en-") {
		return []string{}
	}
	return strings.Fields(`a an and are as at be been but by can for from has have in into is it its of on or our
		that the their this those to was we were which will with within`)
}

func refLead(summary, text string) string {
	if summary != "" {
		return summary
	}
	return plan.Excerpt(text, 160)
}

func refBuild(p *plan.Plan) *search.Index {
	stop := refStopwords(p.Pub.Language)
	ix := &search.Index{Stop: stop}
	stopSet := map[string]bool{}
	for _, w := range stop {
		stopSet[w] = true
	}
	var bodies []string
	add := func(d search.Doc, body ...string) {
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
		add(search.Doc{Kind: search.KindSection, URL: s.Ref.URL(), Title: s.Ref.Title, Context: refLead(s.Summary, s.Body.Text())}, s.Body.Text(), notes(s.Body), captions(s.Figures))
	}
	for _, g := range p.Goals {
		add(search.Doc{Kind: search.KindGoal, URL: g.Ref.URL(), Title: g.Ref.Title, Context: g.Statement}, g.Intro.Text(), notes(g.Intro), captions(g.Figures))
		for _, o := range g.Objectives {
			add(search.Doc{Kind: search.KindObjective, URL: o.Ref.URL(), Title: o.Ref.Title, Context: o.Statement}, o.Narrative.Text(), notes(o.Narrative), captions(o.Figures))
			for _, it := range o.Outcomes {
				add(search.Doc{Kind: search.KindOutcome, URL: it.Ref.URL(), Title: it.Ref.Title, Context: it.Text, Parent: o.Ref.Title})
			}
			for _, it := range o.Activities {
				add(search.Doc{Kind: search.KindActivity, URL: it.Ref.URL(), Title: it.Ref.Title, Context: it.Text, Parent: o.Ref.Title})
			}
		}
	}
	for _, s := range p.Back {
		add(search.Doc{Kind: search.KindSection, URL: s.Ref.URL(), Title: s.Ref.Title, Context: refLead(s.Summary, s.Body.Text())}, s.Body.Text(), notes(s.Body), captions(s.Figures))
	}
	for i := range ix.Docs {
		d := &ix.Docs[i]
		d.Body = strings.Join(refTerms(bodies[i], stopSet, d.Title+" "+d.Context+" "+d.Parent), " ")
	}
	return ix
}

func refScript(p *plan.Plan) []byte { return refEncode(refBuild(p)) }

// refEncode writes an index with encoding/json, HTML escaping on.
func refEncode(ix *search.Index) []byte {
	docs := make([][]string, len(ix.Docs))
	for i, d := range ix.Docs {
		docs[i] = []string{d.Kind, d.URL, d.Title, d.Context, d.Parent, d.Body}
	}
	data := struct {
		V    int        `json:"v"`
		Stop []string   `json:"stop"`
		Docs [][]string `json:"docs"`
	}{search.Version, ix.Stop, docs}
	var buf bytes.Buffer
	buf.WriteString("self." + search.Global + "=")
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(data); err != nil {
		panic(err)
	}
	buf.Truncate(buf.Len() - 1)
	buf.WriteString(";\n")
	return buf.Bytes()
}
