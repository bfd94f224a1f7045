package resolve

import (
	"maps"

	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/plan"
)

// Reconfig returns p with the configuration d (load.ReadConfig) read again,
// without resolving the documents again, when the change stays within what
// the pages show of the configuration: the publication's title, subtitle,
// organization, period, language, base URL, number, dates, description,
// website, vision and mission, the heading of the priorities, and the
// priorities: their titles and descriptions, their order, and priorities
// added or removed (a priority is known by its id). The documents never
// read those, except for the title of a priority they refer to.
//
// ok is false when the change reaches the documents: raw HTML allowed or
// not (every text is converted again), a priority that a document refers
// to removed or given another id (the reference would lose its target) or
// retitled (the empty links that show its title would change), a priority
// added with the ID of another item; or when d has a problem to report.
// Then resolve the whole project with Plan, which reports it with its
// position. When ok, the result is what Plan would return for the changed
// project; p is not modified.
func Reconfig(p *plan.Plan, d *load.Doc, opts Options) (np *plan.Plan, ok bool) {
	if d == nil || d.Meta == nil {
		return nil, false
	}
	r := aloneResolver(opts, plan.Publication{})
	r.config(d)
	pub := r.p.Pub
	if len(r.errs) > 0 || pub.AllowRawHTML != p.Pub.AllowRawHTML {
		return nil, false
	}
	c := *p
	np = &c
	before := make(map[string]*plan.Priority, len(p.Pub.Priorities))
	for _, pr := range p.Pub.Priorities {
		before[pr.Slug] = pr
	}
	refs, copied := p.Refs, false // copied before the first change
	set := func(id string, ref *plan.Ref) {
		if !copied {
			refs, copied = maps.Clone(p.Refs), true
		}
		if ref == nil {
			delete(refs, id)
		} else {
			refs[id] = ref
		}
	}
	for i, pr := range pub.Priorities {
		old := before[pr.Slug]
		delete(before, pr.Slug)
		switch {
		case old == nil:
			if p.Refs[pr.Ref.ID] != nil {
				return nil, false // another item's ID: Plan reports it
			}
			set(pr.Ref.ID, &pr.Ref)
		case pr.Title != old.Title && len(old.Ref.Backlinks) > 0:
			return nil, false
		case pr.Title == old.Title && pr.Description == old.Description:
			pub.Priorities[i] = old
		default:
			pr.Ref.Backlinks = old.Ref.Backlinks
			set(pr.Ref.ID, &pr.Ref)
		}
	}
	for _, old := range before { // removed
		if len(old.Ref.Backlinks) > 0 {
			return nil, false // Plan reports the references left without a target
		}
		set(old.Ref.ID, nil)
	}
	np.Pub = pub
	np.Refs = refs
	return np, true
}
