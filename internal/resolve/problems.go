package resolve

import (
	"slices"
	"sync"

	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/plan"
)

// Problems returns the problems that the documents docs, changed since p
// was resolved, show on their own: what reading each one alone finds
// (missing, unknown or mistyped keys, bad values, images not found), and
// what converting its texts finds (unknown references, with the closest
// IDs; references from an item to itself), worded and positioned as Plan
// words and positions them. The texts may refer to the IDs of p and of the
// documents themselves.
//
// Plan, on the whole project, may find more: problems between documents
// (numbering, references to an ID a document no longer defines). Problems
// returns nil when a document defines an ID another one defines, which
// Plan reports with what follows from it. A program that resolves again
// after each edit (the preview) can show these problems first, in
// milliseconds, while Plan runs.
func Problems(p *plan.Plan, docs []*load.Doc, opts Options) diag.List {
	opts.Partial, opts.Cache, opts.Store, opts.Release = false, nil, nil, false
	rs := make([]*resolver, len(docs))
	own := map[string]*plan.Ref{} // the IDs the documents define now
	gone := map[string]bool{}     // the IDs they defined before
	for _, d := range docs {
		for _, ref := range definedBy(p, d.Path) {
			gone[ref.ID] = true
		}
	}
	for i, d := range docs {
		r := aloneResolver(opts, p.Pub)
		if d.Meta != nil {
			r.document(d)
		}
		for id, ref := range r.p.Refs {
			// An ID another document defines, or two of these define, is
			// a problem between documents: Plan reports it, and what
			// follows from it, and not what these would find.
			if old := p.Refs[id]; own[id] != nil || old != nil && fileOf(p, old) != d.Path {
				return nil
			}
			own[id] = ref
		}
		rs[i] = r
	}
	lookup := func(id string) (markdown.Target, bool) {
		t, ok := own[id]
		if !ok && !gone[id] {
			t, ok = p.Refs[id]
		}
		if !ok {
			return markdown.Target{}, false
		}
		return targetOf(t), true
	}
	exists := opts.asset
	allIDs := sync.OnceValue(func() []string {
		ids := make([]string, 0, len(p.Refs)+len(own))
		for id := range p.Refs {
			if !gone[id] && own[id] == nil {
				ids = append(ids, id)
			}
		}
		for id := range own {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		return ids
	})
	conv := markdown.New(p.Pub.AllowRawHTML)
	var errs diag.List
	for _, r := range rs {
		errs = append(errs, r.errs...)
		for _, w := range r.work {
			w.env.Ref, w.env.Asset = lookup, exists
			w.result = w.convert(conv)
			r.place(w, allIDs)
			errs = append(errs, w.errs...)
			errs = append(errs, w.self...)
		}
	}
	errs.Sort()
	return errs
}

// definedBy returns the items the document at file defines in p.
func definedBy(p *plan.Plan, file string) []*plan.Ref {
	if list, i := findSection(p, file); i >= 0 {
		return []*plan.Ref{&(*list)[i].Ref}
	}
	for _, g := range p.Goals {
		if g.File == file {
			return []*plan.Ref{&g.Ref}
		}
	}
	if o := findObjective(p, file); o != nil {
		return itemRefs(o)
	}
	return nil
}
