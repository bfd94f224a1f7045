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
// priorities' titles and descriptions. The documents never read those,
// except for the title of a priority they refer to.
//
// ok is false when the change reaches the documents or the IDs: raw HTML
// allowed or not (every text is converted again), a priority added,
// removed, moved or given another id, a priority that a document refers to
// retitled (the empty links that show its title would change); or when d
// has a problem to report. Then resolve the whole project with Plan, which
// reports it with its position. When ok, the result is what Plan would
// return for the changed project; p is not modified.
func Reconfig(p *plan.Plan, d *load.Doc, opts Options) (np *plan.Plan, ok bool) {
	if d == nil || d.Meta == nil {
		return nil, false
	}
	r := aloneResolver(opts, plan.Publication{})
	r.config(d)
	pub := r.p.Pub
	if len(r.errs) > 0 || pub.AllowRawHTML != p.Pub.AllowRawHTML || len(pub.Priorities) != len(p.Pub.Priorities) {
		return nil, false
	}
	c := *p
	np = &c
	refs, copied := p.Refs, false // copied before the first change
	for i, pr := range pub.Priorities {
		old := p.Pub.Priorities[i]
		switch {
		case pr.Slug != old.Slug:
			return nil, false
		case pr.Title != old.Title && len(old.Ref.Backlinks) > 0:
			return nil, false
		case pr.Title == old.Title && pr.Description == old.Description:
			pub.Priorities[i] = old
			continue
		}
		pr.Ref.Backlinks = old.Ref.Backlinks
		if !copied {
			refs, copied = maps.Clone(p.Refs), true
		}
		refs[pr.Ref.ID] = &pr.Ref
	}
	np.Pub = pub
	np.Refs = refs
	return np, true
}
