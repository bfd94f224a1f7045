package search_test

import (
	"bytes"
	"html"
	"html/template"
	"testing"

	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/search"
)

// FuzzIndex holds the words and the index script of plans made of
// arbitrary texts to the reference (reference_test.go), from nothing and
// after a change with a Cache. Seeds: the hostile strings of
// equiv_test.go.
func FuzzIndex(f *testing.F) {
	for i, s := range hostile {
		f.Add(s, hostile[(i+1)%len(hostile)], hostile[(i+7)%len(hostile)])
	}
	stop := map[string]bool{"the": true, "of": true}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		checkTerms(t, a, b, stop)
		checkTerms(t, a+" "+c, c, stop)
		p := tinyPlan(a, b, c)
		var cache search.Cache
		s, err := cache.Make(p)
		if err != nil {
			t.Fatal(err)
		}
		if want := refScript(p); !bytes.Equal(s.Bytes(), want) {
			t.Fatalf("Make:\n got %s\nwant %s", diffAt(s.Bytes(), want), diffAt(want, s.Bytes()))
		}
		q := tinyPlan(a, c, b)
		if s, err = cache.Make(q); err != nil {
			t.Fatal(err)
		}
		if want := refScript(q); !bytes.Equal(s.Bytes(), want) {
			t.Fatalf("Make after a change:\n got %s\nwant %s", diffAt(s.Bytes(), want), diffAt(want, s.Bytes()))
		}
	})
}

// tinyPlan is a plan with one document of each kind made of a, b and c.
func tinyPlan(a, b, c string) *plan.Plan {
	o := &plan.Objective{Ref: plan.Ref{Page: "o/" + b, Title: c}, Statement: a, Narrative: plan.NewBody(body(a + c))}
	o.Narrative.Footnotes = []*plan.Footnote{{Text: b}}
	o.Outcomes = []*plan.Item{{Ref: plan.Ref{Page: o.Ref.Page, Fragment: a, Title: "Outcome"}, Text: b}}
	o.Activities = []*plan.Item{{Ref: plan.Ref{Page: o.Ref.Page, Fragment: "k", Title: a}, Text: c}}
	return &plan.Plan{
		Pub:   plan.Publication{Language: "en"},
		Front: []*plan.Section{{Ref: plan.Ref{Page: "s/index.html", Title: b}, Body: plan.NewBody(body(c + " " + a)), Figures: []*plan.Figure{{Caption: a, Credit: b}}}},
		Goals: []*plan.Goal{{Ref: plan.Ref{Page: "g/index.html", Title: "Goal"}, Statement: b, Intro: plan.NewBody(body(c)), Objectives: []*plan.Objective{o}}},
		Back:  []*plan.Section{{Ref: plan.Ref{Page: "b/index.html", Title: "Back"}, Summary: a, Body: plan.NewBody(body(b))}},
	}
}

// body is a body whose text is s (plan.Body.Text).
func body(s string) template.HTML { return template.HTML(html.EscapeString(s)) }
