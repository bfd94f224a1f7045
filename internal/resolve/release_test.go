package resolve

import (
	"reflect"
	"testing"
)

// TestRelease resolves the same publication with and without
// Options.Release: the plan and every problem (message and position) must
// be the same, and with Release the documents must have let go of their
// front matter and text.
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

			if tc.problems != (len(keptErrs) > 0) {
				t.Fatalf("problems: %v", keptErrs)
			}
			if got, want := relErrs.Error(), keptErrs.Error(); got != want {
				t.Errorf("with Release the problems are\n%s\nwithout\n%s", got, want)
			}
			if !reflect.DeepEqual(released, kept) {
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
