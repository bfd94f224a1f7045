// Package resolve turns loaded documents into a plan.Plan: it reads the
// front matter of each document by its type, gives every item its stable ID
// and address, converts Markdown bodies (resolving ref: links and recording
// who refers to whom), and validates the whole, reporting every problem in
// one run with its position and a hint.
package resolve

import (
	"cmp"
	"fmt"
	"html/template"
	"net"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	"go.yaml.in/yaml/v3"

	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/parallel"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/spill"
)

// Options adjust resolution.
type Options struct {
	// BaseURL, when not empty, replaces the configuration's base_url.
	BaseURL string
	// Exists reports whether a file exists at a path of the publication
	// (used to check images). Nil means no file exists.
	Exists func(path string) bool
	// Cache, when set, keeps Markdown conversions between resolutions of
	// the same publication.
	Cache *Cache
	// Partial says that some documents of the publication could not be
	// read (their problems are reported by load): then what may follow
	// from their absence is not reported — a reference to an ID one of
	// them may define, an objective whose goal may be among them, a gap in
	// the numbering — since it would send the author after problems that
	// are not there.
	Partial bool
	// Release says the caller is done with the project once Plan returns
	// (a one-off build): Plan then lets go of each document's front matter
	// tree once it is read and of its text once it is converted, so that
	// a large publication is not held in memory as source, tree and HTML
	// at once. The project's documents are unusable afterwards. A Cache,
	// which keeps the texts, turns it off.
	Release bool
	// Store, with Release, is where the documents' bodies wait to be
	// converted (load.Doc.DropFront) and where their HTML goes once they
	// are (plan.Body.Keep), rather than memory; the plan's Bodies is
	// Store.
	Store *spill.Store
}

// releasing reports whether Plan lets the documents go as it reads them
// (Options.Release).
func (o *Options) releasing() bool { return o.Release && o.Cache == nil }

// Cache keeps Markdown conversions between resolutions, for a program that
// resolves a publication again and again (the preview). A conversion is
// reused when its text and settings are the same and every ID it refers to
// still has the same title and address; conversions that looked up an
// image file or reported a problem are not kept. The zero Cache is ready
// to use.
type Cache struct {
	mu      sync.Mutex
	raw     bool // the publication's allow_raw_html, which conversions depend on
	results map[convKey]cached
	made    int // texts the last Plan converted, not taken from results
}

// cached is a kept conversion with the targets of its references as they
// were.
type cached struct {
	res  markdown.Result
	deps []markdown.Target // the targets of res.Refs, in order
}

type convKey struct {
	// The text, by where its bytes are: texts are never modified once
	// loaded, so the same bytes are the same text, and the preview's
	// load.Cache keeps the same bytes for a file that did not change. A
	// text read again is a new key, and converted again. The pointer
	// keeps the bytes alive as long as the key.
	src    *byte
	n      int
	prefix string
	base   int
	inline bool
}

// Reserved are the top-level names of pages the generator writes itself;
// sections cannot use them as IDs.
var Reserved = map[string]string{
	"goals": "goal pages", "objectives": "objective pages", "summary": "the strategy summary",
	"outcomes": "the desired outcomes index", "activities": "the key activities index",
	"print": "the print edition", "data": "the open data page", "assets": "style sheets and scripts",
	"images": "images", "search": "search", "index": "the home page", "404": "the not-found page",
	"sitemap": "the sitemap", "robots": "robots.txt", "home": "the home page",
}

// Page paths of the generated pages.
const (
	HomePage       = "index.html"
	SummaryPage    = "summary/index.html"
	OutcomesPage   = "outcomes/index.html"
	ActivitiesPage = "activities/index.html"
	PrintPage      = "print/index.html"
	DataPage       = "data/index.html"
)

// pending is a piece of Markdown waiting for conversion, with where its
// result goes.
type pending struct {
	doc    *load.Doc
	src    []byte    // a body
	text   string    // a front-matter text (env.Inline)
	node   *textAt   // for text from front matter; nil for the body
	from   *plan.Ref // the item the text belongs to, for backlinks
	env    markdown.Env
	result markdown.Result
	// Where the conversion goes, one of three: a body, an objective's
	// statement, an outcome or activity.
	dst  *plan.Body
	stmt *plan.Objective
	item *plan.Item
	errs diag.List // the conversion's problems, positioned
	self diag.List // references from the item to itself
}

// source returns the text to convert, sharing its bytes: sources are
// never modified once loaded.
func (w *pending) source() string {
	if w.env.Inline {
		return w.text
	}
	return unsafe.String(unsafe.SliceData(w.src), len(w.src))
}

// deliver puts the conversion res where it belongs in the plan.
func (w *pending) deliver(res markdown.Result) {
	switch {
	case w.dst != nil:
		*w.dst = bodyOf(res, w.doc.Path)
	case w.item != nil:
		w.item.HTML, w.item.Text = template.HTML(res.HTML), markdown.TextOf(res.HTML)
	case w.stmt != nil:
		w.stmt.StatementHTML = template.HTML(res.HTML)
	}
}

// convert converts the text with c.
func (w *pending) convert(c *markdown.Converter) markdown.Result {
	if w.env.Inline {
		return c.ConvertInline(w.text, w.env)
	}
	return c.Convert(w.src, w.env)
}

// textAt is where a front-matter text is: what positions in it need of
// its YAML node, which is not kept.
type textAt struct {
	pos     diag.Pos // of the node
	style   yaml.Style
	oneLine bool // the value is on the key's line
}

type resolver struct {
	errs    diag.List
	opts    Options
	p       *plan.Plan
	conv    *markdown.Converter
	work    []*pending
	ids     map[string]diag.Pos // where each ID was defined
	pageOf  map[string]diag.Pos // where each page path was claimed
	goalNum map[int]*plan.Goal
	// events, when not nil, records what define and claim are asked
	// instead of doing it (readDoc).
	events []event
}

// Plan builds the plan of a loaded project. The plan is nil when there are
// errors.
func Plan(proj *load.Project, opts Options) (*plan.Plan, diag.List) {
	// A document defines four or five IDs (an objective with its outcomes
	// and activities): sizing the maps for that spares growing them.
	ids := 5*len(proj.Docs) + 64
	r := &resolver{opts: opts, p: &plan.Plan{Refs: make(map[string]*plan.Ref, ids)},
		ids: make(map[string]diag.Pos, ids), pageOf: make(map[string]diag.Pos, len(proj.Docs)+16), goalNum: map[int]*plan.Goal{}}
	if proj.Config != nil && proj.Config.Meta != nil {
		r.config(proj.Config)
	}
	r.conv = markdown.New(r.p.Pub.AllowRawHTML)
	r.builtins()
	var objs []*plan.Objective
	numPos := map[*plan.Objective]diag.Pos{} // where each objective's number is
	release := opts.releasing()
	if release {
		r.p.Bodies = opts.Store
	} else {
		r.opts.Store = nil
	}
	// Each document is read on its own, on all processors; then, in
	// order, what they define is registered, which finds duplicates.
	reads := make([]docRead, len(proj.Docs))
	parallel.For(len(proj.Docs), func(i int) {
		reads[i] = readDoc(proj.Docs[i], r.opts, release)
	})
	for i := range reads {
		rd := &reads[i]
		if rd.metaErr != nil {
			// Its IDs are undefined: report nothing that may follow from
			// that, as for a document load could not read.
			r.errs = append(r.errs, rd.metaErr)
			r.opts.Partial = true
			continue
		}
		r.errs = append(r.errs, rd.errs...)
		if !r.replay(rd.events) {
			continue
		}
		r.work = append(r.work, rd.work...)
		switch {
		case rd.sec != nil && rd.sec.Matter == "back":
			r.p.Back = append(r.p.Back, rd.sec)
		case rd.sec != nil:
			r.p.Front = append(r.p.Front, rd.sec)
		case rd.goal != nil:
			r.goalNum[rd.goal.Number] = rd.goal
			r.p.Goals = append(r.p.Goals, rd.goal)
		case rd.obj != nil:
			objs = append(objs, rd.obj)
			numPos[rd.obj] = rd.numPos
		}
	}
	if release && proj.Config != nil {
		proj.Config.Meta = nil
	}
	r.arrange(objs, numPos)
	r.convert()
	if len(r.errs) > 0 {
		r.errs.Sort()
		return nil, r.errs
	}
	return r.p, nil
}

// docRead is a document read on its own (readDoc): what it makes, and what
// it asks of the plan's shared state (events), to be done in the order of
// the documents (resolver.replay).
type docRead struct {
	metaErr *diag.Error // its front matter does not parse
	errs    diag.List   // its problems read alone
	events  []event
	work    []*pending
	// What it makes, at most one: a section, a goal, or an objective with
	// where its number is.
	sec    *plan.Section
	goal   *plan.Goal
	obj    *plan.Objective
	numPos diag.Pos
}

// event is an ID a document defines (ref) or a page it claims (page), in
// the order it does.
type event struct {
	ref  *plan.Ref
	page string
	pos  diag.Pos
}

// readDoc parses the front matter of d if needed and reads it, alone. With
// release, the body waits in opts.Store and the front matter is let go once
// read.
func readDoc(d *load.Doc, opts Options, release bool) docRead {
	if e := d.ParseMeta(); e != nil {
		return docRead{metaErr: e}
	} else if release {
		d.DropFront(opts.Store)
	}
	r := readers.Get().(*resolver)
	r.opts = opts
	var rd docRead
	rd.obj, rd.numPos = r.document(d)
	if release {
		d.ReleaseMeta() // everything the plan needs of it is read
	} else if opts.Cache != nil {
		// The preview keeps the document for the next resolution, which
		// parses its front matter again: a patch reads the documents it
		// needs anew.
		d.ForgetMeta()
	}
	rd.errs, rd.events, rd.work = r.errs, slices.Clone(r.events), slices.Clone(r.work)
	switch {
	case len(r.p.Front) > 0:
		rd.sec = r.p.Front[0]
	case len(r.p.Back) > 0:
		rd.sec = r.p.Back[0]
	case len(r.p.Goals) > 0:
		rd.goal = r.p.Goals[0]
	}
	r.errs = nil
	clear(r.events[:cap(r.events)])
	clear(r.work[:cap(r.work)])
	clear(r.p.Front)
	clear(r.p.Back)
	clear(r.p.Goals)
	r.events, r.work, r.p.Front, r.p.Back, r.p.Goals = r.events[:0], r.work[:0], r.p.Front[:0], r.p.Back[:0], r.p.Goals[:0]
	r.opts = Options{}
	readers.Put(r)
	return rd
}

// readers are the resolvers readDoc reads with, reused: their slices are
// copied out of them, to the size of each document's.
var readers = sync.Pool{New: func() any {
	return &resolver{p: &plan.Plan{}, events: make([]event, 0, 16)}
}}

// replay defines the IDs and claims the pages of a document read alone,
// as reading it in the plan would have: false when its own ID or page is
// taken (the first event, or a page), and then nothing it makes is kept; a
// taken ID of one of its outcomes or activities is reported and the rest
// goes on.
func (r *resolver) replay(events []event) bool {
	for k, e := range events {
		if e.ref == nil {
			if !r.claim(e.page, e.pos) {
				return false
			}
		} else if !r.define(e.ref, e.pos) && k == 0 {
			return false
		}
	}
	return true
}

// aloneResolver returns a resolver for one document read on its own, with
// the publication pub (Redoc, Reconfig, Problems).
func aloneResolver(opts Options, pub plan.Publication) *resolver {
	return &resolver{opts: opts, p: &plan.Plan{Pub: pub, Refs: map[string]*plan.Ref{}},
		ids: map[string]diag.Pos{}, pageOf: map[string]diag.Pos{}, goalNum: map[int]*plan.Goal{}}
}

// asset reports whether a text may show the file at path
// (markdown.Env.Asset): a clean path to a file that exists.
func (o Options) asset(path string) bool {
	return load.Clean(path) && o.Exists != nil && o.Exists(path)
}

// targetOf is what a link to ref shows (markdown.Env.Ref).
func targetOf(ref *plan.Ref) markdown.Target {
	return markdown.Target{URL: ref.URL(), Title: ref.Title}
}

// document reads the front matter of d into the plan. It returns the
// objective d defines, if it is one, and where its number is.
func (r *resolver) document(d *load.Doc) (*plan.Objective, diag.Pos) {
	f := newFields(d, d.Meta, "document", &r.errs)
	typ := f.str("type", false, "objective")
	if typ == "section" || typ == "goal" || typ == "objective" {
		f.what = typ
	}
	switch typ {
	case "section":
		r.section(d, f)
	case "goal":
		r.goal(d, f)
	case "objective":
		if o := r.objective(d, f); o != nil {
			return o, f.pos("number")
		}
	case "":
		r.errs.Add(d.Pos(d.Meta), "missing \"type\" in front matter", "add \"type: section\", \"type: goal\" or \"type: objective\"")
	default:
		r.errs.Add(f.pos("type"), fmt.Sprintf("unknown document type %q", typ),
			"use one of: section, goal, objective"+suggest(typ, []string{"section", "goal", "objective"}))
	}
	return nil, diag.Pos{}
}

func suggest(s string, options []string) string {
	if c := diag.Closest(s, options, 1); len(c) > 0 {
		return fmt.Sprintf(" (did you mean %q?)", c[0])
	}
	return ""
}

func (r *resolver) config(d *load.Doc) {
	f := newFields(d, d.Meta, "configuration", &r.errs)
	pub := &r.p.Pub
	pub.Title = f.str("title", true, "\"Strategy 2021–2026\"")
	pub.Subtitle = f.str("subtitle", false, "")
	pub.Organization = f.str("organization", true, "\"U.S. Customs and Border Protection\"")
	pub.Period = f.str("period", true, "\"2021–2026\"")
	pub.Language = f.str("language", true, "en")
	if pub.Language != "" && !isLanguageTag(pub.Language) {
		r.errs.Add(f.pos("language"), fmt.Sprintf("configuration: %q is not a language tag", pub.Language), "use a BCP 47 tag such as en or en-US")
	}
	pub.BaseURL = f.str("base_url", false, "https://www.example.gov/strategy/")
	if r.opts.BaseURL != "" {
		pub.BaseURL = r.opts.BaseURL
	}
	if pub.BaseURL != "" {
		u, err := url.Parse(pub.BaseURL)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			r.errs.Add(f.pos("base_url"), fmt.Sprintf("base URL %q is not an absolute http(s) URL", pub.BaseURL), "write it like https://www.example.gov/strategy/")
		case u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(pub.BaseURL, "?") ||
			(!isHostName(u.Hostname()) && net.ParseIP(u.Hostname()) == nil):
			r.errs.Add(f.pos("base_url"), fmt.Sprintf("base URL %q is not the address of a web folder", pub.BaseURL),
				"give the scheme, host name and path only, with no user, query or fragment, e.g. https://www.example.gov/strategy/")
		case u.String() != pub.BaseURL:
			r.errs.Add(f.pos("base_url"), fmt.Sprintf("base URL %q has characters that must be escaped in a URL", pub.BaseURL),
				fmt.Sprintf("write it as %s", u.String()))
		case !strings.HasSuffix(pub.BaseURL, "/"):
			pub.BaseURL += "/"
		}
	}
	pub.Number = f.str("publication_number", false, "")
	pub.Date = f.str("publication_date", true, "2020-12-01")
	if pub.Date != "" {
		if _, err := time.Parse("2006-01-02", pub.Date); err != nil || !isDate(pub.Date) {
			r.errs.Add(f.pos("publication_date"), fmt.Sprintf("configuration: publication_date %q is not a date", pub.Date), "write it as YYYY-MM-DD, e.g. 2020-12-01")
		}
	}
	pub.DateLabel = f.str("publication_date_label", false, "")
	pub.Description = f.str("description", false, "")
	pub.Website = f.str("website", false, "")
	pub.Vision = f.str("vision", false, "")
	pub.Mission = f.str("mission", false, "")
	pub.PrioritiesTitle = f.str("priorities_title", false, "")
	if pub.PrioritiesTitle == "" {
		pub.PrioritiesTitle = "Priorities"
	}
	pub.AllowRawHTML = f.boolean("allow_raw_html")
	items, _ := f.list("priorities")
	for _, it := range items {
		pf := newFields(d, it, "priority", &r.errs)
		pr := &plan.Priority{
			Slug:        pf.str("id", true, "counter-terrorism"),
			Title:       pf.str("title", true, "\"Counter Terrorism\""),
			Description: pf.str("description", false, ""),
		}
		pf.done()
		if pr.Slug == "" {
			continue
		}
		if !isSlug(pr.Slug) {
			r.errs.Add(pf.pos("id"), fmt.Sprintf("priority id %q is not valid", pr.Slug), "use lower-case letters, digits and hyphens, e.g. counter-terrorism")
			continue
		}
		pr.Ref = plan.Ref{ID: "priority-" + pr.Slug, Kind: "priority", Title: pr.Title, Page: HomePage, Fragment: "priority-" + pr.Slug}
		r.define(&pr.Ref, pf.pos("id"))
		pub.Priorities = append(pub.Priorities, pr)
	}
	f.done()
}

// builtins registers the generated pages as reference targets.
func (r *resolver) builtins() {
	for _, b := range []struct{ id, title, page string }{
		{"home", "Home", HomePage},
		{"summary", "Strategy summary", SummaryPage},
		{"outcomes", "Desired outcomes", OutcomesPage},
		{"activities", "Key activities", ActivitiesPage},
		{"print", "Print edition", PrintPage},
		{"data", "Open data", DataPage},
	} {
		ref := &plan.Ref{ID: b.id, Kind: "page", Title: b.title, Page: b.page}
		r.p.Refs[b.id] = ref
		r.ids[b.id] = diag.Pos{File: "(generated page)"}
	}
}

// define registers an ID, reporting duplicates. A resolver that records
// events (readDoc) only records it.
func (r *resolver) define(ref *plan.Ref, pos diag.Pos) bool {
	if r.events != nil {
		r.events = append(r.events, event{ref: ref, pos: pos})
		return true
	}
	if prev, dup := r.ids[ref.ID]; dup {
		where := "at " + prev.String()
		if prev.File == "(generated page)" {
			where = "by a page the generator writes"
		}
		r.errs.Add(pos, fmt.Sprintf("duplicate ID %q: already defined %s", ref.ID, where), "give each item its own ID or number")
		return false
	}
	r.ids[ref.ID] = pos
	r.p.Refs[ref.ID] = ref
	return true
}

// claim registers a page path, reporting two items that want the same URL
// (or records it, as define).
func (r *resolver) claim(page string, pos diag.Pos) bool {
	if r.events != nil {
		r.events = append(r.events, event{page: page, pos: pos})
		return true
	}
	if prev, dup := r.pageOf[page]; dup {
		r.errs.Add(pos, fmt.Sprintf("two pages want the same URL %s (the other is at %s)", page, prev), "change the id or number of one of them")
		return false
	}
	r.pageOf[page] = pos
	return true
}

func (r *resolver) figures(d *load.Doc, f *fields, owner string) []*plan.Figure {
	items, _ := f.list("figures")
	var out []*plan.Figure
	for i, it := range items {
		ff := newFields(d, it, "figure", &r.errs)
		fig := &plan.Figure{
			ID:      owner + "figure-" + strconv.Itoa(i+1),
			Caption: ff.str("caption", false, ""),
			Credit:  ff.str("credit", false, ""),
			Image:   ff.str("image", false, ""),
			Alt:     ff.str("alt", false, ""),
		}
		if fig.Caption == "" && fig.Credit == "" {
			r.errs.Add(ff.doc.Pos(it), "figure has neither a caption nor a credit",
				"add caption: saying what the image shows, and credit: who made it")
		}
		if fig.Image != "" {
			switch {
			case !load.Clean(fig.Image) || strings.Contains(fig.Image, ":"):
				r.errs.Add(ff.pos("image"), fmt.Sprintf("figure image %q is not a path inside the publication", fig.Image), "use a relative path such as images/photo.jpg")
			case r.opts.Exists == nil || !r.opts.Exists(fig.Image):
				r.errs.Add(ff.pos("image"), fmt.Sprintf("figure image %q not found", fig.Image), "check the file name, or leave image empty to show the caption alone")
			}
			if fig.Alt == "" {
				r.errs.Add(ff.pos("image"), "figure has an image but no alt text", "add alt: describing what the image shows (not the caption again)")
			}
		} else if fig.Alt != "" {
			r.errs.Add(ff.pos("alt"), "figure has alt text but no image", "remove alt, or add the image")
		}
		ff.done()
		out = append(out, fig)
	}
	return out
}

func (r *resolver) section(d *load.Doc, f *fields) {
	s := &plan.Section{File: d.Path}
	id := f.str("id", true, "foreword")
	title := f.str("title", true, "\"Foreword\"")
	s.Matter = f.str("matter", true, "front")
	order, _ := f.integer("order", true, "10")
	s.Order = order
	s.Summary = f.str("summary", false, "")
	if s.Matter != "" && s.Matter != "front" && s.Matter != "back" {
		r.errs.Add(f.pos("matter"), fmt.Sprintf("section: matter must be front or back, found %q", s.Matter), "front sections come before the goals, back sections after them")
	}
	s.Figures = r.figures(d, f, id+"-")
	f.done()
	if id == "" {
		return
	}
	if !isSlug(id) {
		r.errs.Add(f.pos("id"), fmt.Sprintf("section id %q is not valid", id), "use lower-case letters, digits and hyphens, e.g. executive-summary")
		return
	}
	if what, ok := Reserved[id]; ok {
		r.errs.Add(f.pos("id"), fmt.Sprintf("two pages want the same URL %s/: section id %q is used by %s", id, id, what), "choose another id")
		return
	}
	s.Ref = plan.Ref{ID: id, Kind: "section", Title: title, Page: id + "/index.html"}
	if !r.define(&s.Ref, f.pos("id")) || !r.claim(s.Ref.Page, f.pos("id")) {
		return
	}
	r.body(d, &s.Ref, 1, id+"-", &s.Body)
	if s.Matter == "back" {
		r.p.Back = append(r.p.Back, s)
	} else {
		r.p.Front = append(r.p.Front, s)
	}
}

func (r *resolver) goal(d *load.Doc, f *fields) {
	g := &plan.Goal{File: d.Path}
	n, ok := f.integer("number", true, "1")
	g.Name = f.str("name", true, "MISSION")
	g.Statement = f.str("statement", true, "\"Protect the American people.\"")
	g.Figures = r.figures(d, f, "goal-"+strconv.Itoa(n)+"-")
	f.done()
	if !ok {
		return
	}
	if n < 1 {
		r.errs.Add(f.pos("number"), fmt.Sprintf("goal number %d must be 1 or more", n), "number goals 1, 2, 3 ...")
		return
	}
	g.Number = n
	ns := strconv.Itoa(n)
	g.Ref = plan.Ref{ID: "goal-" + ns, Kind: "goal", Title: "Goal " + ns + ": " + g.Name, Page: "goals/" + ns + "/index.html"}
	if !r.define(&g.Ref, f.pos("number")) {
		return
	}
	if r.events == nil { // Plan registers it after replay
		r.goalNum[n] = g
	}
	r.p.Goals = append(r.p.Goals, g)
	r.body(d, &g.Ref, 1, g.Ref.ID+"-", &g.Intro)
}

func (r *resolver) objective(d *load.Doc, f *fields) *plan.Objective {
	o := &plan.Objective{File: d.Path}
	num := f.str("number", true, "\"1.1\"")
	goalKey, hasGoal := f.integer("goal", false, "1")
	o.Title = f.str("title", true, "\"Counter Network\"")
	o.Statement = f.str("statement", true, "\"What the objective sets out to do.\"")
	o.SummaryStatement = f.str("summary_statement", false, "")
	outcomes := f.strings("outcomes", true, "\"The desired outcome.\"")
	activities := f.strings("activities", true, "\"A key activity.\"")
	o.Figures = r.figures(d, f, "objective-"+num+"-")
	f.done()
	goalNum, _, ok := splitObjectiveNumber(num)
	if num != "" && !ok {
		r.errs.Add(f.pos("number"), fmt.Sprintf("objective number %q is not GOAL.N", num), "write it in quotes as goal number, dot, position, e.g. number: \"1.3\"")
		return nil
	}
	if !ok {
		return nil
	}
	o.Number = num
	gn, _ := strconv.Atoi(goalNum)
	if hasGoal && goalKey != gn {
		r.errs.Add(f.pos("goal"), fmt.Sprintf("objective %s is numbered under goal %d but says goal: %d", num, gn, goalKey),
			fmt.Sprintf("renumber it %d.N, or set goal: %d", goalKey, gn))
	}
	o.Ref = plan.Ref{ID: "objective-" + num, Kind: "objective", Title: "Objective " + num + ": " + o.Title, Page: "objectives/" + num + "/index.html"}
	if !r.define(&o.Ref, f.pos("number")) {
		return nil
	}
	stmt, _ := f.val("statement")
	r.inline(d, stmt, o.Statement, pending{from: &o.Ref, stmt: o})
	items := func(kind, title string, texts []string, key string) []*plan.Item {
		var out []*plan.Item
		var nodes []*yaml.Node
		if v, _ := f.val(key); v != nil && v.Kind == yaml.SequenceNode {
			nodes = v.Content
		}
		for i, t := range texts {
			it := &plan.Item{N: i + 1, Objective: o, Text: t}
			n := num + "." + strconv.Itoa(i+1)
			id := kind + "-" + n
			it.Ref = plan.Ref{ID: id, Kind: kind, Title: title + " " + n, Page: o.Ref.Page, Fragment: id}
			r.define(&it.Ref, f.pos(key))
			var node *yaml.Node
			for _, n := range nodes { // the node holding this text
				if strings.TrimSpace(n.Value) == t {
					node = n
					break
				}
			}
			r.inline(d, node, t, pending{from: &it.Ref, item: it})
			out = append(out, it)
		}
		return out
	}
	o.Outcomes = items("outcome", "Desired outcome", outcomes, "outcomes")
	o.Activities = items("activity", "Key activity", activities, "activities")
	r.body(d, &o.Ref, 2, o.Ref.ID+"-", &o.Narrative)
	return o
}

// arrange orders everything, attaches objectives to goals and checks
// numbering; numPos is where each objective's number is written.
func (r *resolver) arrange(objs []*plan.Objective, numPos map[*plan.Objective]diag.Pos) {
	p := r.p
	sortSections := func(s []*plan.Section) {
		sort.SliceStable(s, func(i, j int) bool {
			if s[i].Order != s[j].Order {
				return s[i].Order < s[j].Order
			}
			return s[i].Ref.ID < s[j].Ref.ID
		})
	}
	sortSections(p.Front)
	sortSections(p.Back)
	sort.Slice(p.Goals, func(i, j int) bool { return p.Goals[i].Number < p.Goals[j].Number })
	for i, g := range p.Goals {
		if g.Number != i+1 {
			if !r.opts.Partial {
				r.errs.Add(diag.Pos{File: g.File}, fmt.Sprintf("goal numbers skip %d: found goal %d", i+1, g.Number), fmt.Sprintf("number goals 1, 2, 3 ... without gaps (add goal %d or renumber)", i+1))
			}
			break
		}
	}
	// By goal, then position: each objective's numbers, read once.
	type key struct {
		goal, n  int
		goalText string // as written
	}
	keys := make(map[*plan.Objective]key, len(objs))
	for _, o := range objs {
		g, n, _ := splitObjectiveNumber(o.Number)
		gn, _ := strconv.Atoi(g)
		nn, _ := strconv.Atoi(n)
		keys[o] = key{gn, nn, g}
	}
	sort.Slice(objs, func(i, j int) bool {
		a, b := keys[objs[i]], keys[objs[j]]
		if a.goal != b.goal {
			return a.goal < b.goal
		}
		return a.n < b.n
	})
	var goalNums []string
	for _, g := range p.Goals {
		goalNums = append(goalNums, strconv.Itoa(g.Number))
	}
	for _, o := range objs {
		gn := keys[o].goal
		g := r.goalNum[gn]
		if g == nil {
			hint := "create goal " + keys[o].goalText + " first, or renumber the objective under an existing goal"
			if len(goalNums) > 0 {
				hint += " (goals: " + strings.Join(goalNums, ", ") + ")"
			}
			if !r.opts.Partial {
				r.errs.Add(numPos[o], fmt.Sprintf("objective %s is numbered under goal %d, which does not exist", o.Number, gn), hint)
			}
			continue
		}
		n := keys[o].n
		if n != len(g.Objectives)+1 && !r.opts.Partial {
			r.errs.Add(numPos[o], fmt.Sprintf("objective numbers under goal %d skip %d.%d: found %s", gn, gn, len(g.Objectives)+1, o.Number),
				"number the objectives of a goal 1, 2, 3 ... without gaps")
		}
		o.Goal = g
		g.Objectives = append(g.Objectives, o)
		if !r.claim(o.Ref.Page, diag.Pos{File: o.File}) {
			continue
		}
		p.Objectives = append(p.Objectives, o)
	}
	for i, o := range p.Objectives {
		if i > 0 {
			o.Prev = p.Objectives[i-1]
		}
		if i+1 < len(p.Objectives) {
			o.Next = p.Objectives[i+1]
		}
	}
}

func bodyOf(res markdown.Result, file string) plan.Body {
	b := plan.NewBody(template.HTML(res.HTML))
	b.File = file
	for _, h := range res.Headings {
		b.Headings = append(b.Headings, plan.Heading{ID: h.ID, Text: h.Text})
	}
	for _, fn := range res.Footnotes {
		b.Footnotes = append(b.Footnotes, &plan.Footnote{N: fn.N, ID: fn.ID, Back: fn.Back, HTML: template.HTML(fn.HTML), Text: fn.Text})
	}
	return b
}

// body queues the Markdown body of d for conversion into dst.
func (r *resolver) body(d *load.Doc, from *plan.Ref, base int, prefix string, dst *plan.Body) {
	r.work = append(r.work, &pending{doc: d, src: d.Body, from: from, dst: dst,
		env: markdown.Env{IDPrefix: prefix, HeadingBase: base}})
}

// inline queues a front-matter text for conversion as inline Markdown,
// or converts it now when it holds no Markdown (most statements, outcomes
// and activities): then it can refer to nothing, and its conversion
// needs nothing of the rest of the plan.
// to says where the text is from and where its conversion goes.
func (r *resolver) inline(d *load.Doc, node *yaml.Node, s string, to pending) {
	to.doc = d
	if res, ok := markdown.Plain(s); ok {
		to.deliver(res)
		return
	}
	w := new(pending)
	*w = to
	if node != nil {
		w.node = &textAt{pos: d.Pos(node), style: node.Style,
			oneLine: !strings.Contains(node.Value, "\n") && node.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0}
	}
	w.text, w.env = s, markdown.Env{Inline: true}
	r.work = append(r.work, w)
}

// convert converts every queued text in parallel, then records references
// and problems in document order.
func (r *resolver) convert() {
	refs := r.p.Refs
	lookup := func(id string) (markdown.Target, bool) {
		t, ok := refs[id]
		if !ok {
			return markdown.Target{}, false
		}
		return targetOf(t), true
	}
	exists := r.opts.asset
	// Every ID, sorted, to suggest the closest to an unknown one.
	allIDs := sync.OnceValue(func() []string {
		ids := make([]string, 0, len(refs))
		for id := range refs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		return ids
	})

	// A conversion of an earlier resolution holds for this one when every
	// ID it refers to has the same title and address.
	cache := r.opts.Cache
	var old map[convKey]cached
	if cache != nil {
		cache.mu.Lock()
		defer cache.mu.Unlock()
		if cache.raw == r.p.Pub.AllowRawHTML {
			old = cache.results
		}
	}
	valid := func(c cached) bool {
		for i, id := range c.res.Refs {
			if t, ok := lookup(id); !ok || t != c.deps[i] {
				return false
			}
		}
		return true
	}
	// convertOne converts one queued text, or takes an earlier conversion
	// of it; it reports whether the result may be kept for the next
	// resolution.
	var made atomic.Int64
	convertOne := func(w *pending, key *convKey, reused *[]markdown.Target) bool {
		if cache != nil {
			src := w.source()
			*key = convKey{unsafe.StringData(src), len(src), w.env.IDPrefix, w.env.HeadingBase, w.env.Inline}
			if c, ok := old[*key]; ok && valid(c) {
				w.result, *reused = c.res, c.deps
				return true
			}
		}
		usedAsset := false
		w.env.Ref = lookup
		w.env.Asset = func(p string) bool { usedAsset = true; return exists(p) }
		w.result = w.convert(r.conv)
		made.Add(1)
		return !usedAsset && len(w.result.Problems) == 0
	}
	keep := make([]bool, len(r.work))
	keys := make([]convKey, len(r.work))
	var deps [][]markdown.Target // of conversions taken from the Cache, which still hold
	if cache != nil {
		deps = make([][]markdown.Target, len(r.work))
	}
	release := r.opts.releasing()
	parallel.For(len(r.work), func(i int) {
		w := r.work[i]
		var buf *[]byte
		if w.src == nil && !w.env.Inline && release {
			// The body waited in the Store (DropFront): it is read into
			// a buffer used again once it is converted.
			buf = sources.Get().(*[]byte)
			if w.doc.RestoreBodyInto(buf) {
				w.src = w.doc.Body
			}
		}
		var reused *[]markdown.Target
		if deps != nil {
			reused = &deps[i]
		}
		keep[i] = convertOne(w, &keys[i], reused)
		// Problems are positioned as the texts are converted, so that a
		// document's text can go as soon as it is (Options.Release).
		r.place(w, allIDs)
		if release && w.node == nil && !w.env.Inline {
			w.doc.Src, w.doc.Body, w.src = nil, nil, nil
		}
		if buf != nil {
			sources.Put(buf) // nothing made from the body refers to its bytes
		}
		if release && w.dst != nil {
			// The body is made now, with its plain text, and moved to
			// the store if there is one, so that a large publication's
			// bodies are not all in memory at once. (Each goes to its
			// own place in the plan, which nothing reads yet.)
			b := bodyOf(w.result, w.doc.Path)
			b.MakeText()
			b.Keep(r.opts.Store)
			*w.dst = b
			w.result.HTML = ""
		}
	})
	if cache != nil {
		cache.raw = r.p.Pub.AllowRawHTML
		cache.made = int(made.Load())
		cache.results = make(map[convKey]cached, len(r.work))
		for i, w := range r.work {
			if keep[i] {
				c := cached{res: w.result, deps: deps[i]}
				if c.deps == nil && len(w.result.Refs) > 0 { // converted now
					c.deps = make([]markdown.Target, len(w.result.Refs))
					for j, id := range w.result.Refs {
						c.deps[j], _ = lookup(id)
					}
				}
				cache.results[keys[i]] = c
			}
		}
	}

	for _, w := range r.work {
		r.errs = append(r.errs, w.errs...)
		if !release || w.dst == nil {
			w.deliver(w.result)
		}
	}
	// Backlinks, in reading order of the referring items; each referring
	// item once per target, however many of its texts or links point there.
	type edge struct{ to, from *plan.Ref }
	linked := map[edge]bool{}
	add := func(to *plan.Ref, bl plan.Backlink) {
		if e := (edge{to, bl.From}); !linked[e] {
			linked[e] = true
			to.Backlinks = append(to.Backlinks, bl)
		}
	}
	for _, w := range r.ordered() {
		r.errs = append(r.errs, w.self...)
		seen := map[string]bool{}
		for _, id := range w.result.Refs {
			t := refs[id]
			if t == nil || seen[id] {
				continue
			}
			seen[id] = true
			if t == w.from {
				continue // reported by place
			}
			bl := plan.Backlink{From: w.from, Target: id}
			add(t, bl)
			if t.Kind == "outcome" || t.Kind == "activity" {
				// The objective page lists references to its parts too.
				if o := refs["objective-"+objectiveNumber(id)]; o != nil && o != w.from {
					add(o, bl)
				}
			}
		}
	}
}

// sources are the buffers bodies are read back into from a Store.
var sources = sync.Pool{New: func() any { return new([]byte) }}

// place positions the problems of one converted text (w.errs), and the
// references from its item to itself (w.self): a reference is a link, so
// A→B→A is fine, but a link from an item to itself leads nowhere (its
// empty text would be the title of the page the reader is on).
func (r *resolver) place(w *pending, allIDs func() []string) {
	for _, pr := range w.result.Problems {
		pos := r.textPos(w, pr.Off)
		if pr.Ref != "" && r.opts.Partial {
			continue // the ID may be defined by a document that could not be read
		}
		if pr.Ref != "" || pr.Msg == "" { // an empty Ref is "ref:" with no ID
			hint := "check the ID; IDs look like goal-1, objective-1.3, outcome-1.3.1, activity-1.3.2 or a section's id"
			if c := diag.Closest(pr.Ref, allIDs(), 3); len(c) > 0 {
				hint = "did you mean " + quoteJoin(c) + "?"
			}
			w.errs.Add(pos, fmt.Sprintf("unknown reference %q", "ref:"+pr.Ref), hint)
			continue
		}
		w.errs.Add(pos, pr.Msg, pr.Hint)
	}
	for i, id := range w.result.Refs {
		if r.p.Refs[id] != w.from || slices.Contains(w.result.Refs[:i], id) {
			continue
		}
		src := w.source()
		off := max(strings.Index(src, "(ref:"+id+")"), 0)
		if i := strings.LastIndexByte(src[:off], '['); i >= 0 {
			off = i
		}
		w.self.Add(r.textPos(w, off), fmt.Sprintf("%q refers to itself", "ref:"+id),
			"link to another part of the plan, or remove the link")
	}
}

// ordered returns the queued conversions in reading order of the plan.
func (r *resolver) ordered() []*pending {
	rank := make(map[*plan.Ref]int, len(r.p.Refs))
	r.p.InReadingOrder(func(ref *plan.Ref) { rank[ref] = len(rank) })
	type ranked struct {
		rank int
		w    *pending
	}
	in := make([]ranked, 0, len(r.work))
	for _, w := range r.work {
		if k, ok := rank[w.from]; ok {
			in = append(in, ranked{k, w})
		}
	}
	slices.SortStableFunc(in, func(a, b ranked) int { return cmp.Compare(a.rank, b.rank) })
	out := make([]*pending, len(in))
	for i, x := range in {
		out[i] = x.w
	}
	return out
}

func objectiveNumber(id string) string {
	// outcome-1.3.2 / activity-1.3.2 -> 1.3
	_, rest, _ := strings.Cut(id, "-")
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		return rest[:i]
	}
	return rest
}

// textPos converts an offset in a queued text to a file position.
func (r *resolver) textPos(w *pending, off int) diag.Pos {
	if w.node == nil && w.env.Inline {
		return diag.Pos{File: w.doc.Path}
	}
	if w.node == nil {
		return w.doc.BodyPos(off)
	}
	pos := w.node.pos
	if w.node.oneLine {
		pos.Col += utf8.RuneCountInString(w.text[:min(max(off, 0), len(w.text))])
		if w.node.style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			pos.Col++
		}
	}
	return pos
}

func quoteJoin(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}
