package resolve

import (
	"reflect"
	"testing"

	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/spill"
)

// inMemory returns p with every body's HTML in memory, its text not made
// and no store: Release makes the texts, and with a Store keeps them and
// the HTML in a file, which the plan reads as the same.
func inMemory(p *plan.Plan) *plan.Plan {
	if p == nil {
		return nil
	}
	bodies := []*plan.Body{}
	for _, s := range append(append([]*plan.Section{}, p.Front...), p.Back...) {
		bodies = append(bodies, &s.Body)
	}
	for _, g := range p.Goals {
		bodies = append(bodies, &g.Intro)
		for _, o := range g.Objectives {
			bodies = append(bodies, &o.Narrative)
		}
	}
	for _, b := range bodies {
		b.SetHTML(b.HTML())
	}
	p.Bodies = nil
	return p
}

// TestRelease resolves the same publication with and without
// Options.Release, and with Release and a Store: the plan and every problem
// (message and position) must be the same, and with Release the documents
// must have let go of their front matter and text.
func TestRelease(t *testing.T) {
	for _, tc := range []struct {
		name, body, activity string
		problems             bool
	}{
		{"valid", "See [](ref:objective-1.1), [x](ref:activity-1.1.1) and [](ref:goal-1).\n", "Do [it](ref:outcome-1.1.1).", false},
		{"problems", "Line one.\n\nSee [x](ref:objectiv-1.1) and [me](ref:objective-1.2).\n", "Café [é](ref:nope-1).", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keep := project(t, tc.body, tc.activity, false)
			kept, keptErrs := Plan(keep, Options{})
			rel := project(t, tc.body, tc.activity, false)
			released, relErrs := Plan(rel, Options{Release: true})
			store := &spill.Store{Dir: t.TempDir()}
			stored, storedErrs := Plan(project(t, tc.body, tc.activity, false), Options{Release: true, Store: store})
			if store.Size() == 0 || stored != nil && stored.Bodies != store {
				t.Errorf("with a Store, %d bytes stored, and the plan keeps its bodies elsewhere", store.Size())
			}
			if got, want := storedErrs.Error(), keptErrs.Error(); got != want {
				t.Errorf("with a Store the problems are\n%s\nwithout\n%s", got, want)
			}
			if !reflect.DeepEqual(inMemory(stored), kept) {
				t.Error("with a Store the plan differs")
			}

			if tc.problems != (len(keptErrs) > 0) {
				t.Fatalf("problems: %v", keptErrs)
			}
			if got, want := relErrs.Error(), keptErrs.Error(); got != want {
				t.Errorf("with Release the problems are\n%s\nwithout\n%s", got, want)
			}
			if !reflect.DeepEqual(inMemory(released), kept) {
				t.Error("with Release the plan differs")
			}
			for i, d := range rel.Docs {
				if d.Meta != nil || d.Src != nil || d.Body != nil {
					t.Errorf("%s: kept with Release (front matter %v, text %d bytes)", d.Path, d.Meta != nil, len(d.Src))
				}
				if k := keep.Docs[i]; k.Meta == nil || k.Src == nil {
					t.Errorf("%s: released without Release", k.Path)
				}
			}
		})
	}
}
