package resolve

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/plan"
)

// Redoc returns the plan of the project p was resolved from after the
// documents docs changed, without resolving the whole project again, when
// the changes stay inside the documents' items: the same sections, goals
// and objectives with the same IDs, numbers and pages, while texts,
// titles, references, figures and the lists of desired outcomes and key
// activities may change (bodies, statements, summaries, outcomes,
// activities, captions, images; the titles of sections and objectives,
// the names of goals; the ref: links in any of them; an outcome or an
// activity added or removed). Then the documents alone are read and
// converted again, and the plan is copied only where it changes.
//
// A title is also the text of the empty links that refer to its item, and
// of the "Referenced from" lists and previous/next links that name it: when
// one changes, the documents whose texts refer to the item are read again
// with read and converted again too, and the items that list or neighbour
// it are copied with the new title. A reference added or removed changes
// the "Referenced from" list of its target, which is made again. Outcomes
// and activities are numbered by their place, so one added or removed adds
// or removes the last ID of its list.
//
// Documents may also be added (added) or deleted (deleted, the paths of
// documents gone): sections, each put in its place or taken out of the
// list of front or back sections; a goal and objectives (below). The IDs
// of an item added must be new, and only the documents read may have
// referred to an item deleted. A document renamed (deleted under one name
// and added under another, with the same id or number) is an edit like
// any other.
//
// A section whose order or matter changed is moved to its new place among
// the front or back sections, and the "Referenced from" lists it is in are
// sorted again in the new reading order.
//
// Objectives are numbered 1, 2, 3 ... in their goal, and their IDs and
// pages follow their numbers. An objective renumbered, added or deleted is
// taken when every goal's numbers still follow each other with the
// documents read: objectives that exchange numbers (two swapped, or more
// rotated, in a goal or between goals), one added with the number of
// another and those after it renumbered one more, or one deleted and those
// after it renumbered one less, or one moved from the end of a goal to the
// end of another. Each
// objective that takes a number anew takes the place of the
// objective that had it, with that objective's ID, page and "Referenced
// from" lists, as if that objective's document had been edited to say
// what it says now; its title usually changes that way, so the documents
// that refer to it are read again, as for any title. The number after the
// last of the goal, taken, adds an objective: the goal is copied with one
// more, and the objectives before and after it copied to point to it. The
// last number, left to no one, drops the objective that had it: its goal
// is copied with one less, and nothing may refer to its IDs. A goal gains
// or loses one objective at most.
//
// Goals may be added after the last, numbered one after the other, each
// with objectives numbered 1 to n (new documents, or the last objective of
// another goal moved there), or the last goals deleted with all their
// objectives; not both in one change. A goal's document deleted and one
// added with the same number (renamed, as when its folder is) is an edit
// of that goal.
//
// The caller copies the images the new plan shows (Redoc checks that they
// exist, as Plan does).
//
// ok is false when a change may reach further (a goal's number, a goal
// added elsewhere than after the last or one deleted that is not the last,
// objectives numbered with a gap or a number twice, a goal with two
// objectives more or less, an outcome or activity removed whose ID others
// refer to, an item deleted that a document not read refers to, an ID
// added twice) or when a document
// has a problem to report: then resolve the whole project with Plan, which
// reports it with its position. When ok, the result is what Plan would
// return for the changed project; p is not modified.
func Redoc(p *plan.Plan, docs, added []*load.Doc, deleted []string, read func(path string) (*load.Doc, bool), opts Options) (np *plan.Plan, ok bool) {
	x := &redoer{p: p, opts: opts, byFile: map[string]*redone{}, renamed: map[string]*plan.Goal{},
		renamedSec: map[string]*plan.Section{}, claimed: map[string]bool{},
		goalsAdded: map[int]*plan.Goal{}, goalsGone: map[int]*plan.Goal{}}
	// A goal's or a section's document renamed (deleted under one name and
	// added under another with the same number or id, as when its folder
	// is renamed) is an edit of that goal or section. A goal deleted
	// otherwise is the last; its objectives go with it (remove).
	var moved []*load.Doc
	paired := func(d *load.Doc) bool { return x.renamed[d.Path] != nil || x.renamedSec[d.Path] != nil }
	for _, path := range deleted {
		if list, i := findSection(p, path); i >= 0 {
			sec := (*list)[i]
			if j := slices.IndexFunc(added, func(d *load.Doc) bool { return !paired(d) && sectionID(d) == sec.Ref.ID }); j >= 0 {
				x.renamedSec[added[j].Path] = sec
				moved = append(moved, added[j])
			}
			continue
		}
		gi := slices.IndexFunc(p.Goals, func(g *plan.Goal) bool { return g.File == path })
		if gi < 0 {
			continue
		}
		g := p.Goals[gi]
		if j := slices.IndexFunc(added, func(d *load.Doc) bool { return !paired(d) && goalNumber(d) == g.Number }); j >= 0 {
			x.renamed[added[j].Path] = g
			moved = append(moved, added[j])
			continue
		}
		x.goalsGone[g.Number] = g
	}
	// Goals deleted are the last ones.
	for n := len(p.Goals) - len(x.goalsGone) + 1; n <= len(p.Goals); n++ {
		if x.goalsGone[n] == nil {
			return nil, false
		}
	}
	// A goal added comes before its objectives, which take their places
	// in it (place).
	var goalsFirst []*load.Doc
	for _, wantGoal := range []bool{true, false} {
		for _, d := range added {
			if !paired(d) && (goalNumber(d) >= 0) == wantGoal {
				goalsFirst = append(goalsFirst, d)
			}
		}
	}
	added = goalsFirst
	// Read each document alone; a changed title brings in the documents
	// that refer to its item.
	var queue []*load.Doc
	for _, d := range moved {
		rd, ok := x.alone(d)
		if !ok || !x.follow(rd, read, &queue) {
			return nil, false
		}
		x.byFile[d.Path] = rd
		if g := x.renamed[d.Path]; g != nil {
			x.byFile[g.File] = rd
		} else {
			x.byFile[x.renamedSec[d.Path].File] = rd
		}
		x.order = append(x.order, rd)
	}
	for _, d := range added {
		rd, ok := x.add(d)
		if !ok || !x.follow(rd, read, &queue) {
			return nil, false
		}
		x.byFile[d.Path] = rd
		x.order = append(x.order, rd)
	}
	// Goals added come after the last, one after the other.
	for n := len(p.Goals) + 1; n <= len(p.Goals)+len(x.goalsAdded); n++ {
		if x.goalsAdded[n] == nil {
			return nil, false
		}
	}
	for _, path := range deleted {
		if x.byFile[path] != nil {
			continue // a goal's or a section's document renamed
		}
		rd, ok := x.remove(path)
		if !ok {
			return nil, false
		}
		x.byFile[path] = rd
		x.order = append(x.order, rd)
	}
	queue = append(queue, docs...)
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		if x.byFile[d.Path] != nil {
			continue
		}
		rd, ok := x.alone(d)
		if !ok {
			return nil, false
		}
		x.byFile[d.Path] = rd
		x.order = append(x.order, rd)
		if !x.follow(rd, read, &queue) {
			return nil, false
		}
	}
	if !x.slots() || !x.convert() {
		return nil, false
	}
	return x.splice(), true
}

// goalNumber returns the number d gives, when it says it is a goal's
// document, or -1.
func goalNumber(d *load.Doc) int {
	if metaValue(d, "type") != "goal" {
		return -1
	}
	n, err := strconv.Atoi(metaValue(d, "number"))
	if err != nil {
		return -1
	}
	return n
}

// sectionID returns the id d gives, when it says it is a section's
// document, or "".
func sectionID(d *load.Doc) string {
	if metaValue(d, "type") != "section" {
		return ""
	}
	return metaValue(d, "id")
}

// metaValue returns the value of the front matter's key, or "".
func metaValue(d *load.Doc, key string) string {
	if d.Meta == nil || d.Meta.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(d.Meta.Content); i += 2 {
		if d.Meta.Content[i].Value == key {
			return d.Meta.Content[i+1].Value
		}
	}
	return ""
}

// follow marks rd retitled when the item of its page has a new title, and
// queues the documents that refer to that item, to be read again with
// read: their empty links show the title. false when one cannot be read,
// or the item is referred to by the configuration (a priority).
func (x *redoer) follow(rd *redone, read func(path string) (*load.Doc, bool), queue *[]*load.Doc) bool {
	// Only the page's item has a title of its own: an outcome's or an
	// activity's is its number.
	if len(rd.oldRefs) == 0 || len(rd.newRefs) == 0 || rd.oldRefs[0].Title == rd.newRefs[0].Title {
		return true
	}
	rd.retitled = true
	for _, bl := range rd.oldRefs[0].Backlinks {
		file := fileOf(x.p, bl.From)
		if file == "" {
			return false // a priority of the configuration
		}
		if x.byFile[file] == nil {
			dd, ok := read(file)
			if !ok {
				return false
			}
			*queue = append(*queue, dd)
		}
	}
	return true
}

// slots checks that the objectives read leave every goal they touch
// numbered 1, 2, 3 ... without a gap and without a number twice: each
// number vacated (by an objective renumbered or deleted) is taken by
// another objective read, but for the last of the goal when one was
// deleted; each number taken (by an objective renumbered or added) was
// vacated, but for the one after the last when one was added. That last
// objective of the goal, whose number no one takes, is then dropped: its
// IDs go, and nothing may refer to them.
func (x *redoer) slots() bool {
	vacated, taken := map[int]map[int]bool{}, map[int]map[int]bool{}
	mark := func(m map[int]map[int]bool, number string) bool {
		gn, on := objectiveNumbers(number)
		if m[gn] == nil {
			m[gn] = map[int]bool{}
		}
		if m[gn][on] {
			return false
		}
		m[gn][on] = true
		return true
	}
	for _, rd := range x.order {
		if rd.vacated != "" && !mark(vacated, rd.vacated) {
			return false
		}
		if rd.obj != nil && (rd.vacated != "" || rd.isNew) && !mark(taken, rd.obj.Number) {
			return false
		}
	}
	goals := slices.Collect(maps.Keys(vacated))
	for gn := range taken {
		if vacated[gn] == nil {
			goals = append(goals, gn)
		}
	}
	slices.Sort(goals)
	for _, gn := range goals {
		gi := slices.IndexFunc(x.p.Goals, func(g *plan.Goal) bool { return g.Number == gn })
		if gi < 0 {
			// A goal added: its objectives are all new, numbered 1 to n.
			if x.goalsAdded[gn] == nil || len(vacated[gn]) > 0 {
				return false
			}
			for n := 1; n <= len(taken[gn]); n++ {
				if !taken[gn][n] {
					return false
				}
			}
			continue
		}
		if x.goalsGone[gn] != nil {
			return false // an objective of the goal deleted renumbered, or one numbered under it
		}
		goal := x.p.Goals[gi]
		k := len(goal.Objectives)
		// The numbers kept and those taken, count in all, must be 1 to
		// count: then none is both, and none is past the end.
		kept := func(n int) bool { return n <= k && !vacated[gn][n] }
		count := k - len(vacated[gn]) + len(taken[gn])
		if count < k-1 || count > k+1 {
			return false // one objective more or less at most
		}
		for n := 1; n <= count; n++ {
			if !kept(n) && !taken[gn][n] {
				return false
			}
		}
		if count == k-1 {
			o := goal.Objectives[k-1]
			rd := &redone{r: &resolver{}, kind: "objective", deleted: o, oldRefs: itemRefs(o)}
			for _, ref := range rd.oldRefs {
				if len(ref.Backlinks) > 0 {
					return false // Plan reports the references left without a target
				}
				rd.removed = append(rd.removed, ref.ID)
			}
			x.order = append(x.order, rd)
		}
	}
	return x.goneUnreferred()
}

// goneUnreferred checks that the goals deleted, if any, went with all
// their objectives, and that only the documents read referred to the items
// of the documents deleted (sections, goals and their objectives): those
// that still do are reported by convert, which finds no target.
func (x *redoer) goneUnreferred() bool {
	objectives, gone := 0, 0
	for _, g := range x.goalsGone {
		objectives += len(g.Objectives)
	}
	for _, rd := range x.order {
		if rd.gone != nil {
			gone++
		}
	}
	if gone != objectives {
		return false // an objective left without its goal: Plan reports it
	}
	read := map[string]bool{}
	for _, rd := range x.order {
		for _, ref := range rd.oldRefs {
			read[ref.ID] = true
		}
	}
	for _, rd := range x.order {
		if rd.deletedSec == nil && rd.deletedGoal == nil && rd.gone == nil {
			continue
		}
		for _, id := range rd.removed {
			for _, bl := range x.p.Refs[id].Backlinks {
				if !read[bl.From.ID] {
					return false // Plan reports the references left without a target
				}
			}
		}
	}
	return true
}

// redoer is the state of one Redoc.
type redoer struct {
	p      *plan.Plan
	opts   Options
	byFile map[string]*redone
	order  []*redone            // as read
	refs   map[string]*plan.Ref // np's Refs
	cloned bool                 // refs is not p's: titles or references changed
	mine   map[string]*redone   // the items of the documents read, by ID, before and now
	// relinked are the IDs whose "Referenced from" lists change: the
	// documents read refer to them otherwise than before.
	relinked map[string]bool
	np       *plan.Plan
	own      map[any]bool // the objects np does not share with p
	// goalsAdded are the goals of documents added, after the last one, by
	// number; goalsGone the last goals, whose documents are deleted. Not
	// both in one change.
	goalsAdded, goalsGone map[int]*plan.Goal
	// renamed maps the path of a goal's document added to the goal whose
	// document it replaces, deleted in the same change; renamedSec, the
	// path of a section's document to its section.
	renamed    map[string]*plan.Goal
	renamedSec map[string]*plan.Section
	// claimed are the IDs and pages of the items added so far (fresh).
	claimed map[string]bool
}

// redone is one document read alone, with what its items were and are.
type redone struct {
	r        *resolver // its items (r.p) and queued texts (r.work)
	kind     string
	oldRefs  []*plan.Ref     // the items it defined in p: the page's item, then outcomes and activities
	newRefs  []*plan.Ref     // the same items, read again
	retitled bool            // the page's item has a new title
	removed  []string        // the IDs it no longer defines: outcomes and activities removed, or all of a document gone
	edges    map[edge]string // its references now, with the ID of the first there (Backlink.Target)

	sec  *plan.Section // the new item, one of three
	goal *plan.Goal
	obj  *plan.Objective
	// vacated is the number the objective of a document had, when it has
	// another now or is gone; isNew says it is a new document's. Either
	// way the objective takes its number anew (see place).
	vacated string
	isNew   bool

	added       bool            // sec, goal or obj is new: a new document's, or an objective after the last of its goal
	moved       bool            // sec has another order or matter: another place in reading order
	deleted     *plan.Objective // the last objective of a goal, dropped (slots)
	deletedSec  *plan.Section   // the section of a document gone
	deletedGoal *plan.Goal      // the goal of a document gone (goalsGone)
	gone        *plan.Objective // an objective of a goal gone, gone with it
}

// add reads d, a new document, and checks that it is a section that adds
// only IDs and a page of its own, or an objective, which takes its place
// among those of its goal (place).
func (x *redoer) add(d *load.Doc) (*redone, bool) {
	r := x.resolver()
	f := newFields(d, d.Meta, "document", &r.errs)
	kind := f.str("type", false, "objective")
	if kind != "objective" && kind != "section" && kind != "goal" {
		return nil, false
	}
	f.what = kind
	if kind == "goal" {
		// After the last goal (Redoc checks that the goals added follow
		// each other).
		r.goal(d, f)
		if len(r.p.Goals) != 1 || len(r.errs) > 0 || len(x.goalsGone) > 0 {
			return nil, false
		}
		ng := r.p.Goals[0]
		if ng.Number <= len(x.p.Goals) || x.goalsAdded[ng.Number] != nil {
			return nil, false
		}
		x.goalsAdded[ng.Number] = ng
		rd := &redone{r: r, kind: kind, goal: ng, added: true, newRefs: []*plan.Ref{&ng.Ref}}
		return rd, x.fresh(rd.newRefs)
	}
	if kind == "section" {
		r.section(d, f)
		news := append(r.p.Front, r.p.Back...)
		if len(news) != 1 || len(r.errs) > 0 {
			return nil, false
		}
		ns := news[0]
		rd := &redone{r: r, kind: kind, sec: ns, added: true, newRefs: []*plan.Ref{&ns.Ref}}
		return rd, x.fresh(rd.newRefs)
	}
	no := r.objective(d, f)
	if no == nil || len(r.errs) > 0 {
		return nil, false
	}
	rd := &redone{r: r, kind: "objective", obj: no, newRefs: itemRefs(no), isNew: true}
	return rd, x.place(rd)
}

// place gives rd, an objective that takes its number anew (a new
// document's, or one renumbered), its place: that of the
// objective that had the number, whose ID, page and "Referenced from" lists
// it takes as an edit of it would (oldRefs), or, for the number after the
// last of its goal, a new one (added), whose IDs and page must be new.
// slots then checks that the numbers of the goal still follow each other.
func (x *redoer) place(rd *redone) bool {
	no := rd.obj
	g, n, ok := splitObjectiveNumber(no.Number)
	gn, _ := strconv.Atoi(g)
	gi := slices.IndexFunc(x.p.Goals, func(g *plan.Goal) bool { return g.Number == gn })
	if !ok || no.Number != strconv.Itoa(gn)+"."+n {
		return false
	}
	if gi < 0 {
		// An objective of the goal added: new, like its goal (slots
		// checks that the goal's numbers follow each other).
		if x.goalsAdded[gn] == nil {
			return false
		}
		rd.added = true
		return x.fresh(rd.newRefs)
	}
	if at := objectiveNumbered(x.p, no.Number); at != nil {
		rd.oldRefs = itemRefs(at)
		return x.keepsReferred(rd)
	}
	if n != strconv.Itoa(len(x.p.Goals[gi].Objectives)+1) {
		return false
	}
	rd.added = true
	return x.fresh(rd.newRefs)
}

// keepsReferred lists in rd.removed the IDs of its items before that it no
// longer defines, and reports whether nothing refers to them. Outcomes and
// activities are numbered by their place: one added or removed adds or
// removes the last ID of its list.
func (x *redoer) keepsReferred(rd *redone) bool {
	now := map[string]bool{}
	for _, ref := range rd.newRefs {
		now[ref.ID] = true
	}
	for _, ref := range rd.oldRefs {
		if !now[ref.ID] {
			if len(ref.Backlinks) > 0 {
				return false // Plan reports the references left without a target
			}
			rd.removed = append(rd.removed, ref.ID)
		}
	}
	return true
}

// fresh reports whether the IDs of refs and the page of the first are new
// to the plan and to the items added before, and claims them.
func (x *redoer) fresh(refs []*plan.Ref) bool {
	page := "page " + refs[0].Page
	if x.claimed[page] {
		return false
	}
	for _, ref := range refs {
		if x.p.Refs[ref.ID] != nil || x.claimed[ref.ID] {
			return false
		}
	}
	for _, ref := range x.p.Refs {
		if ref.Page == refs[0].Page {
			return false
		}
	}
	x.claimed[page] = true
	for _, ref := range refs {
		x.claimed[ref.ID] = true
	}
	return true
}

// remove checks that the document at path, now gone, defined a section,
// a goal deleted (goalsGone) or one of its objectives, whose IDs go
// (nothing but the documents read may refer to them: goneUnreferred), or
// an objective of another goal, whose number it then vacates (slots).
func (x *redoer) remove(path string) (*redone, bool) {
	if list, i := findSection(x.p, path); i >= 0 {
		s := (*list)[i]
		return &redone{r: &resolver{}, kind: "section", deletedSec: s, oldRefs: []*plan.Ref{&s.Ref}, removed: []string{s.Ref.ID}}, true
	}
	if gi := slices.IndexFunc(x.p.Goals, func(g *plan.Goal) bool { return g.File == path }); gi >= 0 && x.goalsGone[x.p.Goals[gi].Number] != nil {
		g := x.p.Goals[gi]
		return &redone{r: &resolver{}, kind: "goal", deletedGoal: g, oldRefs: []*plan.Ref{&g.Ref}, removed: []string{g.Ref.ID}}, true
	}
	o := findObjective(x.p, path)
	if o == nil {
		return nil, false
	}
	if x.goalsGone[o.Goal.Number] != nil {
		rd := &redone{r: &resolver{}, kind: "objective", gone: o, oldRefs: itemRefs(o)}
		for _, ref := range rd.oldRefs {
			rd.removed = append(rd.removed, ref.ID)
		}
		return rd, true
	}
	// Its number is given up: the objectives after it take theirs
	// (slots), and the last place of the goal is dropped (a goal may be
	// left without objectives, as Plan allows).
	return &redone{r: &resolver{}, kind: "objective", vacated: o.Number}, true
}

// resolver returns a resolver for one document read alone, with the
// publication of x's plan.
func (x *redoer) resolver() *resolver {
	return aloneResolver(x.opts, x.p.Pub)
}

// edge is a reference from the item From to the ID To.
type edge struct{ to, from string }

// alone reads d alone and checks that its items keep their IDs, numbers,
// and pages.
func (x *redoer) alone(d *load.Doc) (*redone, bool) {
	p := x.p
	r := x.resolver()
	rd := &redone{r: r}
	f := newFields(d, d.Meta, "document", &r.errs)
	rd.kind = f.str("type", false, "objective")
	f.what = rd.kind
	switch rd.kind {
	case "section":
		r.section(d, f)
		list, i := findSection(p, d.Path)
		if sec := x.renamedSec[d.Path]; sec != nil {
			list, i = findSection(p, sec.File)
		}
		news := append(r.p.Front, r.p.Back...)
		if i < 0 || len(news) != 1 {
			return nil, false
		}
		s, ns := (*list)[i], news[0]
		rd.sec, rd.oldRefs, rd.newRefs = ns, []*plan.Ref{&s.Ref}, []*plan.Ref{&ns.Ref}
		rd.moved = s.Matter != ns.Matter || s.Order != ns.Order
	case "goal":
		r.goal(d, f)
		gi := slices.IndexFunc(p.Goals, func(g *plan.Goal) bool { return g.File == d.Path })
		if g := x.renamed[d.Path]; g != nil {
			gi = slices.Index(p.Goals, g)
		}
		if gi < 0 || len(r.p.Goals) != 1 {
			return nil, false
		}
		g, ng := p.Goals[gi], r.p.Goals[0]
		if g.Number != ng.Number {
			return nil, false
		}
		rd.goal, rd.oldRefs, rd.newRefs = ng, []*plan.Ref{&g.Ref}, []*plan.Ref{&ng.Ref}
	case "objective":
		no := r.objective(d, f)
		o := findObjective(p, d.Path)
		if no == nil || o == nil {
			return nil, false
		}
		rd.obj, rd.newRefs = no, itemRefs(no)
		if o.Number != no.Number {
			// Renumbered: it takes the place of the objective that had
			// its new number (slots checks that the goal's numbers still
			// follow each other).
			rd.vacated = o.Number
			if !x.place(rd) {
				return nil, false
			}
		} else if rd.oldRefs = itemRefs(o); !x.keepsReferred(rd) {
			return nil, false
		}
	default:
		return nil, false
	}
	if len(r.errs) > 0 {
		return nil, false
	}
	if len(rd.oldRefs) > 0 && !sameAddress(rd.oldRefs[0], rd.newRefs[0]) {
		return nil, false
	}
	return rd, true
}

// convert converts the texts of every document read, looking IDs up in
// the plan with the new titles, and finds the targets whose "Referenced
// from" lists change (x.relinked): those the documents refer to otherwise
// than before.
func (x *redoer) convert() bool {
	p := x.p
	x.refs = p.Refs
	// The documents' items as they are now, under the titles and IDs
	// they have now, are what the texts' links find.
	for _, rd := range x.order {
		if rd.retitled || len(rd.newRefs) != len(rd.oldRefs) { // a title, or the list of items (IDs by place)
			x.cloneRefs()
			break
		}
	}
	conv := markdown.New(p.Pub.AllowRawHTML)
	exists := x.opts.asset
	lookup := func(id string) (markdown.Target, bool) {
		t, ok := x.refs[id]
		if !ok {
			return markdown.Target{}, false
		}
		return targetOf(t), true
	}
	mine := map[string]*redone{} // the items of the documents read, by ID, before and now
	x.mine = mine
	for _, rd := range x.order {
		for _, ref := range append(slices.Clip(rd.oldRefs), rd.newRefs...) {
			mine[ref.ID] = rd
		}
		// A referring item is listed once per target, with the first of
		// its references there, as Plan lists it.
		rd.edges = map[edge]string{}
		link := func(to, from, target string) {
			if _, ok := rd.edges[edge{to, from}]; !ok {
				rd.edges[edge{to, from}] = target
			}
		}
		for _, w := range rd.r.work {
			w.env.Ref, w.env.Asset = lookup, exists
			res := w.convert(conv)
			if len(res.Problems) > 0 {
				return false
			}
			for _, id := range res.Refs {
				t := x.refs[id]
				if t == nil || id == w.from.ID {
					return false // Plan reports it
				}
				link(id, w.from.ID, id)
				if t.Kind == "outcome" || t.Kind == "activity" {
					if o := x.refs["objective-"+objectiveNumber(id)]; o != nil && o.ID != w.from.ID {
						link(o.ID, w.from.ID, id)
					}
				}
			}
			w.deliver(res)
		}
	}
	// The backlinks from the items of the documents read, before: where
	// they differ from the references now, the lists of their targets are
	// made again (see splice).
	before := map[edge]string{}
	for _, t := range p.Refs {
		for _, bl := range t.Backlinks {
			if mine[bl.From.ID] != nil {
				before[edge{t.ID, bl.From.ID}] = bl.Target
			}
		}
	}
	x.relinked = map[string]bool{}
	for _, rd := range x.order {
		for e, target := range rd.edges {
			if was, ok := before[e]; !ok || was != target {
				x.relinked[e.to] = true // a reference added, or its first changed
			}
		}
	}
	for e := range before {
		if _, ok := mine[e.from].edges[e]; !ok {
			x.relinked[e.to] = true // a reference removed
		}
	}
	for _, rd := range x.order {
		if rd.moved {
			for e := range rd.edges {
				x.relinked[e.to] = true // listed in another place in reading order
			}
		}
	}
	if len(x.relinked) > 0 {
		x.cloneRefs()
	}
	// Items gone (a goal deleted with its objectives, which referred to
	// each other) have no lists to make.
	maps.DeleteFunc(x.relinked, func(id string, _ bool) bool { return x.refs[id] == nil })
	return true
}

// cloneRefs gives np Refs of its own, with the items of the documents
// read as they are now.
func (x *redoer) cloneRefs() {
	if x.cloned {
		return
	}
	x.cloned = true
	x.refs = maps.Clone(x.p.Refs)
	for _, rd := range x.order {
		for _, id := range rd.removed {
			delete(x.refs, id)
		}
		for _, ref := range rd.newRefs {
			x.refs[ref.ID] = ref
		}
	}
}

// splice returns a copy of p with the items read again in place of the
// old ones. A goal is copied with its objectives and their outcomes and
// activities, so that within it every way to an item leads to the same
// object. Everything one step from a changed title is copied: the Refs,
// the "Referenced from" lists and the previous and next objectives.
// Objects of p stay reachable from the copy where they show what their
// new versions show (a neighbour's neighbour in another goal, the item a
// backlink comes from); a template that follows two such steps across
// goals (.Next.Next.Title) may show an old title.
func (x *redoer) splice() *plan.Plan {
	p := x.p
	cp := *p
	x.np = &cp
	np := x.np
	np.Refs = x.refs
	np.Front, np.Back = slices.Clone(p.Front), slices.Clone(p.Back)
	np.Goals, np.Objectives = slices.Clone(p.Goals), slices.Clone(p.Objectives)
	x.own = map[any]bool{}
	retitled := map[string]*plan.Ref{}
	// Goals first: a goal copies its objectives, which a document read
	// again may then replace.
	for _, rd := range x.order {
		if ng := rd.goal; ng != nil {
			if rd.added {
				continue // below, in order
			}
			gi := slices.IndexFunc(np.Goals, func(g *plan.Goal) bool { return g.Number == ng.Number })
			ng.Ref.Backlinks = np.Goals[gi].Ref.Backlinks
			x.adoptGoal(gi, ng)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(x.goalsAdded)) {
		ng := x.goalsAdded[n]
		np.Goals = append(np.Goals, ng) // after the last
		x.own[ng] = true
		x.setRefs(&ng.Ref)
	}
	for _, rd := range x.order {
		switch {
		case rd.goal != nil || rd.gone != nil:
			// A goal edited or added (above), an objective gone with its
			// goal (below).
		case rd.deletedGoal != nil:
			x.dropGoal(rd.deletedGoal.Number)
		case rd.added && rd.sec != nil:
			x.insertSection(rd.sec)
		case rd.added:
			x.insert(rd.obj)
		case rd.deletedSec != nil:
			list, i := findSection(np, rd.deletedSec.File)
			*list = slices.Delete(*list, i, i+1)
		case rd.deleted != nil:
			x.drop(rd)
		case rd.obj != nil:
			no := rd.obj
			gi, oi, idx := x.locate(no.Number)
			g := x.ownGoal(gi)
			o := g.Objectives[oi]
			// The items keep their backlinks by ID: an item added has
			// none, and one removed had none (see alone).
			was := map[string]*plan.Ref{}
			for _, ref := range itemRefs(o) {
				was[ref.ID] = ref
			}
			for _, ref := range itemRefs(no) {
				if old := was[ref.ID]; old != nil {
					ref.Backlinks = old.Backlinks
				}
			}
			no.Goal = g
			g.Objectives[oi] = no
			np.Objectives[idx] = no
			x.own[no] = true
			x.setRefs(itemRefs(no)...)
			if x.cloned {
				for _, id := range rd.removed {
					delete(x.refs, id) // put back by the copy of its goal
				}
			}
		case rd.sec != nil:
			ns := rd.sec
			list, i := sectionWithID(np, ns.Ref.ID) // its file may be another (renamed)
			ns.Ref.Backlinks = (*list)[i].Ref.Backlinks
			if rd.moved {
				*list = slices.Delete(*list, i, i+1)
				x.insertSection(ns)
				break
			}
			(*list)[i] = ns
			x.own[ns] = true
			x.setRefs(&ns.Ref)
		}
		if rd.retitled {
			retitled[rd.newRefs[0].ID] = rd.newRefs[0]
		}
	}
	// The "Referenced from" lists of what the documents read refer to
	// otherwise than before: their entries from other items stay, theirs
	// are made anew, all in reading order.
	if len(x.relinked) > 0 {
		newRef := map[string]*plan.Ref{}
		for _, rd := range x.order {
			for _, ref := range rd.newRefs {
				newRef[ref.ID] = ref
			}
		}
		lists := map[string][]plan.Backlink{}
		wanted := map[string]bool{}
		for _, id := range slices.Sorted(maps.Keys(x.relinked)) {
			t := x.ownRef(id)
			var list []plan.Backlink
			for _, bl := range t.Backlinks {
				if x.mine[bl.From.ID] == nil {
					list = append(list, bl)
					wanted[bl.From.ID] = true
				}
			}
			lists[id] = list
		}
		for _, rd := range x.order {
			for e, target := range rd.edges {
				if x.relinked[e.to] {
					lists[e.to] = append(lists[e.to], plan.Backlink{From: newRef[e.from], Target: target})
					wanted[e.from] = true
				}
			}
		}
		rank := readingOrder(np, wanted)
		for id, list := range lists {
			slices.SortStableFunc(list, func(a, b plan.Backlink) int { return rank[a.From.ID] - rank[b.From.ID] })
			if len(list) == 0 {
				list = nil
			}
			x.refs[id].Backlinks = list
		}
	}
	// The "Referenced from" lists that name a retitled item.
	for _, rd := range x.order {
		var to []string
		for e := range rd.edges {
			if retitled[e.from] != nil {
				to = append(to, e.to)
			}
		}
		slices.Sort(to)
		for _, id := range slices.Compact(to) {
			t := x.ownRef(id)
			t.Backlinks = slices.Clone(t.Backlinks)
			for i, bl := range t.Backlinks {
				if nr := retitled[bl.From.ID]; nr != nil {
					t.Backlinks[i].From = nr
				}
			}
		}
	}
	// The objectives before and after a retitled goal or objective name it.
	for idx := 0; idx < len(np.Objectives); idx++ {
		o := np.Objectives[idx]
		if retitled[o.Ref.ID] == nil && retitled[o.Goal.Ref.ID] == nil {
			continue
		}
		if idx > 0 {
			x.ownObjective(np.Objectives[idx-1])
		}
		if idx+1 < len(np.Objectives) {
			x.ownObjective(np.Objectives[idx+1])
		}
	}
	// The IDs of a goal deleted and its objectives are gone for good,
	// whatever copied them on the way.
	if x.cloned && len(x.goalsGone) > 0 {
		for _, rd := range x.order {
			if rd.deletedGoal != nil || rd.gone != nil {
				for _, id := range rd.removed {
					delete(x.refs, id)
				}
			}
		}
	}
	// Every objective copied points to its neighbours in np.
	for idx, o := range np.Objectives {
		if !x.own[o] {
			continue
		}
		o.Prev, o.Next = nil, nil
		if idx > 0 {
			o.Prev = np.Objectives[idx-1]
		}
		if idx+1 < len(np.Objectives) {
			o.Next = np.Objectives[idx+1]
		}
	}
	return np
}

// insert adds the new objective no in its place in a copy of its goal
// (after the last, or among those of a goal added), and copies its
// neighbours.
func (x *redoer) insert(no *plan.Objective) {
	np := x.np
	gn, n := objectiveNumbers(no.Number)
	gi := slices.IndexFunc(np.Goals, func(g *plan.Goal) bool { return g.Number == gn })
	goal := x.ownGoal(gi)
	no.Goal = goal
	oi, _ := slices.BinarySearchFunc(goal.Objectives, n, func(o *plan.Objective, n int) int {
		_, on := objectiveNumbers(o.Number)
		return on - n
	})
	goal.Objectives = slices.Insert(goal.Objectives, oi, no)
	idx, _ := slices.BinarySearchFunc(np.Objectives, [2]int{gn, n}, func(o *plan.Objective, key [2]int) int {
		og, on := objectiveNumbers(o.Number)
		if og != key[0] {
			return og - key[0]
		}
		return on - key[1]
	})
	np.Objectives = slices.Insert(np.Objectives, idx, no)
	x.own[no] = true
	x.setRefs(itemRefs(no)...)
	x.neighbours(idx, idx+1)
}

// insertSection puts the new section ns in its place among the front or
// back sections: by order, then ID, as Plan sorts them.
func (x *redoer) insertSection(ns *plan.Section) {
	list := &x.np.Front
	if ns.Matter == "back" {
		list = &x.np.Back
	}
	i, _ := slices.BinarySearchFunc(*list, ns, func(s, ns *plan.Section) int {
		if s.Order != ns.Order {
			return s.Order - ns.Order
		}
		return strings.Compare(s.Ref.ID, ns.Ref.ID)
	})
	*list = slices.Insert(*list, i, ns)
	x.own[ns] = true
	x.setRefs(&ns.Ref)
}

// drop removes the objective of rd, gone, from a copy of its goal, and
// copies the objectives that were its neighbours.
func (x *redoer) drop(rd *redone) {
	np := x.np
	gi, oi, idx := x.locate(rd.deleted.Number)
	goal := x.ownGoal(gi)
	goal.Objectives = slices.Delete(goal.Objectives, oi, oi+1)
	np.Objectives = slices.Delete(np.Objectives, idx, idx+1)
	for _, id := range rd.removed {
		delete(x.refs, id) // put back by the copy of its goal
	}
	x.neighbours(idx, idx)
}

// dropGoal removes goal gn, the last, and its objectives from np, and
// copies the objective before them.
func (x *redoer) dropGoal(gn int) {
	np := x.np
	np.Goals = slices.DeleteFunc(np.Goals, func(g *plan.Goal) bool { return g.Number == gn })
	idx := slices.IndexFunc(np.Objectives, func(o *plan.Objective) bool { return o.Goal.Number == gn })
	if idx < 0 {
		return
	}
	np.Objectives = slices.DeleteFunc(np.Objectives, func(o *plan.Objective) bool { return o.Goal.Number == gn })
	x.neighbours(idx, idx)
}

// objectiveNumbers returns the numbers of the goal and of the objective in
// it of an objective number "G.N".
func objectiveNumbers(number string) (goal, n int) {
	g, on, _ := splitObjectiveNumber(number)
	goal, _ = strconv.Atoi(g)
	n, _ = strconv.Atoi(on)
	return goal, n
}

// neighbours copies the objectives before index before and at index
// after of np.Objectives, when there are such.
func (x *redoer) neighbours(before, after int) {
	np := x.np
	if before > 0 {
		x.ownObjective(np.Objectives[before-1])
	}
	if after < len(np.Objectives) {
		x.ownObjective(np.Objectives[after])
	}
}

// setRefs makes refs the Refs of their IDs in np, when np has Refs of its
// own (titles changed).
func (x *redoer) setRefs(refs ...*plan.Ref) {
	if !x.cloned {
		return
	}
	for _, ref := range refs {
		x.refs[ref.ID] = ref
	}
}

// locate returns where the objective numbered number is in np: its
// goal's index, its index in that goal and its index in np.Objectives. An
// objective is found by number, not by file: while the documents read
// take their places, two objects of np may come from the same file (one
// renumbered, and the one whose place it took, not yet replaced), but a
// number is always one objective's.
func (x *redoer) locate(number string) (gi, oi, idx int) {
	np := x.np
	idx = slices.IndexFunc(np.Objectives, func(o *plan.Objective) bool { return o.Number == number })
	for i, g := range np.Goals {
		if j := slices.IndexFunc(g.Objectives, func(o *plan.Objective) bool { return o.Number == number }); j >= 0 {
			return i, j, idx
		}
	}
	return -1, -1, idx
}

// adoptGoal makes ng goal gi of np, with copies of the objectives of the
// goal it replaces (and of their outcomes and activities) that belong to
// it.
func (x *redoer) adoptGoal(gi int, ng *plan.Goal) {
	np := x.np
	old := np.Goals[gi].Objectives
	ng.Objectives = make([]*plan.Objective, len(old))
	np.Goals[gi] = ng
	x.own[ng] = true
	x.setRefs(&ng.Ref)
	for i, o := range old {
		no := *o
		no.Goal = ng
		no.Outcomes, no.Activities = items(o.Outcomes, &no), items(o.Activities, &no)
		ng.Objectives[i] = &no
		if idx := slices.Index(np.Objectives, o); idx >= 0 {
			np.Objectives[idx] = &no
		}
		x.own[&no] = true
		x.setRefs(itemRefs(&no)...)
	}
}

// ownGoal returns np's own copy of its goal gi, making it when needed.
func (x *redoer) ownGoal(gi int) *plan.Goal {
	g := x.np.Goals[gi]
	if !x.own[g] {
		ng := *g
		g = &ng
		x.adoptGoal(gi, g)
	}
	return g
}

// ownObjective returns np's own copy of the objective o.
func (x *redoer) ownObjective(o *plan.Objective) *plan.Objective {
	if x.own[o] {
		return o
	}
	gi, oi, _ := x.locate(o.Number)
	return x.ownGoal(gi).Objectives[oi]
}

// ownRef returns the Ref of the item id in an object of np's own, copying
// the object (and what holds it) when needed. Called only once titles
// changed, when np has Refs of its own.
func (x *redoer) ownRef(id string) *plan.Ref {
	np := x.np
	t := x.refs[id]
	var ref *plan.Ref
	switch t.Kind {
	case "section":
		if list, i := sectionWithID(np, id); i >= 0 {
			s := (*list)[i]
			if !x.own[s] {
				ns := *s
				s = &ns
				(*list)[i] = s
				x.own[s] = true
			}
			ref = &s.Ref
		}
	case "goal":
		gi := slices.IndexFunc(np.Goals, func(g *plan.Goal) bool { return g.Ref.ID == id })
		ref = &x.ownGoal(gi).Ref
	case "objective", "outcome", "activity":
		num := strings.TrimPrefix(id, "objective-")
		if t.Kind != "objective" {
			num = objectiveNumber(id)
		}
		idx := slices.IndexFunc(np.Objectives, func(o *plan.Objective) bool { return o.Number == num })
		o := x.ownObjective(np.Objectives[idx])
		ref = &o.Ref
		if t.Kind != "objective" {
			list := o.Outcomes
			if t.Kind == "activity" {
				list = o.Activities
			}
			ref = &list[slices.IndexFunc(list, func(it *plan.Item) bool { return it.Ref.ID == id })].Ref
		}
	case "priority":
		np.Pub.Priorities = slices.Clone(np.Pub.Priorities)
		i := slices.IndexFunc(np.Pub.Priorities, func(pr *plan.Priority) bool { return pr.Ref.ID == id })
		pr := *np.Pub.Priorities[i]
		np.Pub.Priorities[i] = &pr
		ref = &pr.Ref
	}
	if ref == nil { // a generated page, known only by its ID
		c := *t
		ref = &c
	}
	x.refs[id] = ref
	return ref
}

// readingOrder returns the place in reading order of the items of p
// whose IDs are wanted: the order of the lists of backlinks.
func readingOrder(p *plan.Plan, wanted map[string]bool) map[string]int {
	rank := make(map[string]int, len(wanted))
	n := 0
	p.InReadingOrder(func(ref *plan.Ref) {
		if wanted[ref.ID] {
			rank[ref.ID] = n
		}
		n++
	})
	return rank
}

// findSection returns the list holding the section from file, and its
// index there (-1 when there is none).
func findSection(p *plan.Plan, file string) (*[]*plan.Section, int) {
	return sectionWhere(p, func(s *plan.Section) bool { return s.File == file })
}

// sectionWithID is findSection for the section id.
func sectionWithID(p *plan.Plan, id string) (*[]*plan.Section, int) {
	return sectionWhere(p, func(s *plan.Section) bool { return s.Ref.ID == id })
}

// sectionWhere returns the list holding the first section that match
// reports, and its index there (-1 when there is none).
func sectionWhere(p *plan.Plan, match func(*plan.Section) bool) (*[]*plan.Section, int) {
	for _, list := range []*[]*plan.Section{&p.Front, &p.Back} {
		if i := slices.IndexFunc(*list, match); i >= 0 {
			return list, i
		}
	}
	return &p.Front, -1
}

// objectiveNumbered returns the objective of p numbered number, or nil.
func objectiveNumbered(p *plan.Plan, number string) *plan.Objective {
	for _, o := range p.Objectives {
		if o.Number == number {
			return o
		}
	}
	return nil
}

// findObjective returns the objective from file, or nil.
func findObjective(p *plan.Plan, file string) *plan.Objective {
	for _, g := range p.Goals {
		if j := slices.IndexFunc(g.Objectives, func(o *plan.Objective) bool { return o.File == file }); j >= 0 {
			return g.Objectives[j]
		}
	}
	return nil
}

// fileOf returns the document that defines the item ref, or "" when a
// document does not (a priority, defined by the configuration).
func fileOf(p *plan.Plan, ref *plan.Ref) string {
	switch ref.Kind {
	case "section":
		for _, s := range append(slices.Clip(p.Front), p.Back...) {
			if s.Ref.ID == ref.ID {
				return s.File
			}
		}
	case "goal":
		for _, g := range p.Goals {
			if g.Ref.ID == ref.ID {
				return g.File
			}
		}
	case "objective", "outcome", "activity":
		num := strings.TrimPrefix(ref.ID, "objective-")
		if ref.Kind != "objective" {
			num = objectiveNumber(ref.ID)
		}
		for _, o := range p.Objectives {
			if o.Number == num {
				return o.File
			}
		}
	}
	return ""
}

// itemRefs returns the Refs of o, its outcomes and its activities.
func itemRefs(o *plan.Objective) []*plan.Ref {
	refs := make([]*plan.Ref, 0, 1+len(o.Outcomes)+len(o.Activities))
	refs = append(refs, &o.Ref)
	for _, it := range o.Outcomes {
		refs = append(refs, &it.Ref)
	}
	for _, it := range o.Activities {
		refs = append(refs, &it.Ref)
	}
	return refs
}

// sameAddress reports whether two items have the same ID, kind and
// address.
func sameAddress(a, b *plan.Ref) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Page == b.Page && a.Fragment == b.Fragment
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
