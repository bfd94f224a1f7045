package resolve

import (
	"slices"

	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/plan"
)

// Rebody returns the plan of the project p was resolved from after one
// document changed only below its front matter, without resolving the
// whole project again: the document's body is converted again and the
// plan is copied where it holds that body. The caller checks that the
// front matter is byte for byte the one p was made from.
//
// ok is false when the new body could change more than itself: when it
// refers to another set of IDs (backlinks elsewhere change), when its
// conversion reports a problem (Plan reports it with its position), or
// when no section, goal or objective comes from the file. Then resolve
// the whole project with Plan. When ok, the result is what Plan would
// return for the changed project: p is not modified, and the new plan
// shares everything but the changed body with it.
func Rebody(p *plan.Plan, d *load.Doc, opts Options) (np *plan.Plan, ok bool) {
	var (
		old    *plan.Body
		prefix string
		base   = 1
		put    func(plan.Body) *plan.Plan
	)
	for _, list := range []*[]*plan.Section{&p.Front, &p.Back} {
		for i, s := range *list {
			if s.File != d.Path {
				continue
			}
			old, prefix = &s.Body, s.Ref.ID+"-"
			put = func(b plan.Body) *plan.Plan {
				ns := *s
				ns.Body = b
				cp := *p
				l := slices.Clone(*list)
				l[i] = &ns
				if list == &p.Front {
					cp.Front = l
				} else {
					cp.Back = l
				}
				return &cp
			}
		}
	}
	for gi, g := range p.Goals {
		if g.File == d.Path {
			old, prefix = &g.Intro, g.Ref.ID+"-"
			put = func(b plan.Body) *plan.Plan {
				ng := *g
				ng.Intro = b
				return withGoal(p, gi, &ng)
			}
		}
		for oi, o := range g.Objectives {
			if o.File != d.Path {
				continue
			}
			old, prefix, base = &o.Narrative, o.Ref.ID+"-", 2
			put = func(b plan.Body) *plan.Plan {
				ng := *g
				no := *o
				no.Narrative = b
				no.Goal = &ng
				ng.Objectives = slices.Clone(g.Objectives)
				ng.Objectives[oi] = &no
				cp := withGoal(p, gi, &ng)
				cp.Objectives = slices.Clone(p.Objectives)
				if i := slices.Index(cp.Objectives, o); i >= 0 {
					cp.Objectives[i] = &no
				}
				return cp
			}
		}
	}
	if put == nil {
		return nil, false
	}
	exists := func(path string) bool {
		return load.Clean(path) && opts.Exists != nil && opts.Exists(path)
	}
	env := markdown.Env{IDPrefix: prefix, HeadingBase: base,
		Ref: func(id string) (markdown.Target, bool) {
			t, ok := p.Refs[id]
			if !ok {
				return markdown.Target{}, false
			}
			return markdown.Target{URL: t.URL(), Title: t.Title}, true
		},
		Asset: exists}
	res := markdown.New(p.Pub.AllowRawHTML).Convert(d.Body, env)
	if len(res.Problems) > 0 || !sameSet(res.Refs, old.Refs) {
		return nil, false
	}
	return put(bodyOf(res, d.Path)), true
}

// withGoal returns a copy of p whose goal i is g.
func withGoal(p *plan.Plan, i int, g *plan.Goal) *plan.Plan {
	cp := *p
	cp.Goals = slices.Clone(p.Goals)
	cp.Goals[i] = g
	return &cp
}

// sameSet reports whether a and b hold the same strings, ignoring order
// and repetition.
func sameSet(a, b []string) bool {
	in := func(s string, l []string) bool { return slices.Contains(l, s) }
	for _, s := range a {
		if !in(s, b) {
			return false
		}
	}
	for _, s := range b {
		if !in(s, a) {
			return false
		}
	}
	return true
}
