package resolve

import (
	"slices"

	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/plan"
)

// Redoc returns the plan of the project p was resolved from after one of
// its documents changed into d, without resolving the whole project again,
// when the change stays inside the document: the same items with the same
// IDs, titles and pages, the same images, the same references to other
// items, and only texts changed (bodies, statements, summaries, desired
// outcomes, key activities, captions). Then the document alone is read and
// converted again, and the plan is copied only where it holds the document.
//
// ok is false when the change may reach further (a title, a number, an
// item added or removed, an image, a reference added or removed, the
// order of sections) or when the document has a problem to report: then
// resolve the whole project with Plan, which reports it with its position.
// When ok, the result is what Plan would return for the changed project; p
// is not modified.
func Redoc(p *plan.Plan, d *load.Doc, opts Options) (np *plan.Plan, ok bool) {
	r := &resolver{opts: opts, p: &plan.Plan{Pub: p.Pub, Refs: map[string]*plan.Ref{}},
		ids: map[string]diag.Pos{}, pageOf: map[string]diag.Pos{}, goalNum: map[int]*plan.Goal{}}
	f := newFields(d, d.Meta, "document", &r.errs)
	typ := f.str("type", false, "objective")
	var (
		oldRefs []*plan.Ref // the items the old document defined
		splice  func() *plan.Plan
	)
	switch typ {
	case "section":
		f.what = typ
		r.section(d, f)
		list, i := findSection(p, d.Path)
		news := append(r.p.Front, r.p.Back...)
		if i < 0 || len(news) != 1 {
			return nil, false
		}
		s, ns := (*list)[i], news[0]
		if !sameRef(&s.Ref, &ns.Ref) || s.Matter != ns.Matter || s.Order != ns.Order || !sameImages(s.Figures, ns.Figures) {
			return nil, false
		}
		oldRefs = []*plan.Ref{&s.Ref}
		splice = func() *plan.Plan {
			ns.Ref.Backlinks = s.Ref.Backlinks
			cp := *p
			l := slices.Clone(*list)
			l[i] = ns
			if list == &p.Front {
				cp.Front = l
			} else {
				cp.Back = l
			}
			return &cp
		}
	case "goal":
		f.what = typ
		r.goal(d, f)
		gi := slices.IndexFunc(p.Goals, func(g *plan.Goal) bool { return g.File == d.Path })
		if gi < 0 || len(r.p.Goals) != 1 {
			return nil, false
		}
		g, ng := p.Goals[gi], r.p.Goals[0]
		if !sameRef(&g.Ref, &ng.Ref) || g.Number != ng.Number || !sameImages(g.Figures, ng.Figures) {
			return nil, false
		}
		oldRefs = []*plan.Ref{&g.Ref}
		splice = func() *plan.Plan {
			ng.Ref.Backlinks = g.Ref.Backlinks
			// The goal's objectives and their items are copied too, so
			// that every way to the goal leads to the new one.
			cp := withGoal(p, gi, ng)
			cp.Objectives = slices.Clone(p.Objectives)
			for _, o := range g.Objectives {
				no := *o
				no.Goal = ng
				no.Outcomes, no.Activities = items(o.Outcomes, &no), items(o.Activities, &no)
				ng.Objectives = append(ng.Objectives, &no)
				if i := slices.Index(cp.Objectives, o); i >= 0 {
					cp.Objectives[i] = &no
				}
			}
			return cp
		}
	case "objective":
		f.what = typ
		no := r.objective(d, f)
		gi, oi := -1, -1
		for i, g := range p.Goals {
			if j := slices.IndexFunc(g.Objectives, func(o *plan.Objective) bool { return o.File == d.Path }); j >= 0 {
				gi, oi = i, j
			}
		}
		if no == nil || gi < 0 {
			return nil, false
		}
		g := p.Goals[gi]
		o := g.Objectives[oi]
		if !sameRef(&o.Ref, &no.Ref) || o.Number != no.Number || len(o.Outcomes) != len(no.Outcomes) ||
			len(o.Activities) != len(no.Activities) || !sameImages(o.Figures, no.Figures) {
			return nil, false
		}
		oldRefs = []*plan.Ref{&o.Ref}
		for _, it := range append(slices.Clone(o.Outcomes), o.Activities...) {
			oldRefs = append(oldRefs, &it.Ref)
		}
		splice = func() *plan.Plan {
			no.Ref.Backlinks = o.Ref.Backlinks
			for i, it := range no.Outcomes {
				it.Ref.Backlinks = o.Outcomes[i].Ref.Backlinks
			}
			for i, it := range no.Activities {
				it.Ref.Backlinks = o.Activities[i].Ref.Backlinks
			}
			no.Prev, no.Next = o.Prev, o.Next
			ng := *g
			ng.Objectives = slices.Clone(g.Objectives)
			ng.Objectives[oi] = no
			no.Goal = &ng
			cp := withGoal(p, gi, &ng)
			cp.Objectives = slices.Clone(p.Objectives)
			if i := slices.Index(cp.Objectives, o); i >= 0 {
				cp.Objectives[i] = no
			}
			return cp
		}
	default:
		return nil, false
	}
	if len(r.errs) > 0 || splice == nil {
		return nil, false
	}
	// Convert the document's texts, looking IDs up in the whole plan, and
	// check that it refers to exactly what it referred to before: then no
	// "Referenced from" list changes.
	conv := markdown.New(p.Pub.AllowRawHTML)
	exists := func(path string) bool {
		return load.Clean(path) && opts.Exists != nil && opts.Exists(path)
	}
	lookup := func(id string) (markdown.Target, bool) {
		t, ok := p.Refs[id]
		if !ok {
			return markdown.Target{}, false
		}
		return markdown.Target{URL: t.URL(), Title: t.Title}, true
	}
	type edge struct{ to, from string }
	now := map[edge]bool{}
	for _, w := range r.work {
		w.env.Ref, w.env.Asset = lookup, exists
		res := w.convert(conv)
		if len(res.Problems) > 0 {
			return nil, false
		}
		for _, id := range res.Refs {
			t := p.Refs[id]
			if t == nil || id == w.from.ID {
				return nil, false // Plan reports it
			}
			now[edge{id, w.from.ID}] = true
			if t.Kind == "outcome" || t.Kind == "activity" {
				if o := p.Refs["objective-"+objectiveNumber(id)]; o != nil && o.ID != w.from.ID {
					now[edge{o.ID, w.from.ID}] = true
				}
			}
		}
		w.set(res)
	}
	mine := map[string]bool{}
	for _, ref := range oldRefs {
		mine[ref.ID] = true
	}
	before := 0
	for _, t := range p.Refs {
		for _, bl := range t.Backlinks {
			if mine[bl.From.ID] {
				if !now[edge{t.ID, bl.From.ID}] {
					return nil, false
				}
				before++
			}
		}
	}
	if before != len(now) {
		return nil, false
	}
	return splice(), true
}

// findSection returns the list holding the section from file, and its
// index there (-1 when there is none).
func findSection(p *plan.Plan, file string) (*[]*plan.Section, int) {
	for _, list := range []*[]*plan.Section{&p.Front, &p.Back} {
		if i := slices.IndexFunc(*list, func(s *plan.Section) bool { return s.File == file }); i >= 0 {
			return list, i
		}
	}
	return &p.Front, -1
}

// sameRef reports whether two items have the same ID, kind, title and
// address.
func sameRef(a, b *plan.Ref) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Title == b.Title && a.Page == b.Page && a.Fragment == b.Fragment
}

// sameImages reports whether two lists of figures show the same images.
func sameImages(a, b []*plan.Figure) bool {
	return slices.EqualFunc(a, b, func(x, y *plan.Figure) bool { return x.Image == y.Image })
}

// items returns copies of list that belong to o.
func items(list []*plan.Item, o *plan.Objective) []*plan.Item {
	out := make([]*plan.Item, len(list))
	for i, it := range list {
		c := *it
		c.Objective = o
		out[i] = &c
	}
	return out
}

// withGoal returns a copy of p whose goal i is g.
func withGoal(p *plan.Plan, i int, g *plan.Goal) *plan.Plan {
	cp := *p
	cp.Goals = slices.Clone(p.Goals)
	cp.Goals[i] = g
	return &cp
}
