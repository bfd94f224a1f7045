// Package plan is the typed model of a strategic plan: a publication with its
// vision, mission and enduring priorities; front and back sections in reading
// order; goals; and objectives with their desired outcomes, key activities,
// figures and footnotes.
//
// A Plan is built by package resolve and is read-only afterwards: renderers
// and exporters share it across goroutines without locking.
//
// Every item that can be linked to has a Ref: a stable ID (the name authors
// use in "ref:" links), a title, the page it lives on and, for items inside a
// page, a fragment. Paths are slash-separated and relative to the site root,
// always naming a file ("goals/1/index.html"), so that relative links work
// from disk as well as from any web sub-path.
package plan

import (
	"html/template"
	"strings"
	"unsafe"

	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/spill"
)

// Plan is a whole publication, resolved and validated.
type Plan struct {
	Pub        Publication
	Front      []*Section // front matter, in reading order
	Goals      []*Goal    // by number
	Objectives []*Objective
	Back       []*Section // back matter, in reading order
	// Refs lists every linkable item by ID.
	Refs map[string]*Ref
	// Bodies is where the bodies' HTML is kept when not in memory (a
	// build of a large publication; Body.Keep), or nil. Whoever publishes
	// what it rendered from the plan checks Bodies.Err first.
	Bodies *spill.Store
}

// Publication is the plan's identity, from the configuration file.
type Publication struct {
	Title           string
	Subtitle        string
	Organization    string
	Period          string
	Language        string
	BaseURL         string // with a trailing slash, or empty
	Number          string // publication number
	Date            string // YYYY-MM-DD
	DateLabel       string // the date as printed, e.g. "December 2020"
	Description     string
	Website         string
	Vision          string
	Mission         string
	PrioritiesTitle string
	Priorities      []*Priority
	AllowRawHTML    bool
}

// Priority is one enduring mission priority.
type Priority struct {
	Ref         Ref
	Slug        string
	Title       string
	Description string
}

// Ref is the identity and address of a linkable item.
type Ref struct {
	ID       string // stable ID, e.g. "activity-1.3.2"
	Kind     string // goal, objective, outcome, activity, section, priority
	Title    string // e.g. "Key activity 1.3.2"
	Page     string // file path of the page, e.g. "objectives/1.3/index.html"
	Fragment string // element id on the page, or "" for the page itself
	// Backlinks are the places that refer to this item, in reading order.
	Backlinks []Backlink
}

// URL returns the item's address relative to the site root.
func (r *Ref) URL() string {
	if r.Fragment == "" {
		return r.Page
	}
	return r.Page + "#" + r.Fragment
}

// Backlink is one place that refers to an item.
type Backlink struct {
	From   *Ref   // the item whose text holds the reference
	Target string // the ID that was referenced (the item or one of its parts)
}

// InReadingOrder calls f for the Ref of every item of p that has a text
// of its own, in reading order: front sections, then each goal with its
// objectives, each with its outcomes and activities, then back sections.
// Backlinks are listed in this order.
func (p *Plan) InReadingOrder(f func(*Ref)) {
	for _, s := range p.Front {
		f(&s.Ref)
	}
	for _, g := range p.Goals {
		f(&g.Ref)
		for _, o := range g.Objectives {
			f(&o.Ref)
			for _, it := range o.Outcomes {
				f(&it.Ref)
			}
			for _, it := range o.Activities {
				f(&it.Ref)
			}
		}
	}
	for _, s := range p.Back {
		f(&s.Ref)
	}
}

// Body is Markdown rendered to HTML. Links to other pages of the site are
// written as href="site:PATH" and made relative by the renderer for the
// page the body appears on.
//
// A build makes each body's plain text once, as it converts it (MakeText),
// and keeps the HTML and text of a large publication's bodies in a
// temporary file rather than in memory (Keep): read them with HTML and
// Text.
type Body struct {
	html       template.HTML // when not stored
	text       string        // when made and not stored
	hasText    bool          // the text is made (MakeText)
	stored     spill.Ref     // the HTML, when stored
	storedText spill.Ref     // the text, when stored
	Headings   []Heading     // top-level headings, for "on this page" lists
	Footnotes  []*Footnote
	File       string // source file, for messages
}

// NewBody returns a body of the given HTML, with no headings or notes.
func NewBody(html template.HTML) Body { return Body{html: html} }

// HTML returns the body's HTML. It is a method, not a field, since the
// HTML may be in a Store; templates write it as a field (.Narrative.HTML).
func (b Body) HTML() template.HTML {
	if b.stored.Stored() {
		return template.HTML(b.stored.String())
	}
	return b.html
}

// Len returns the length of the body's HTML, without reading it.
func (b Body) Len() int {
	if b.stored.Stored() {
		return b.stored.Len()
	}
	return len(b.html)
}

// SetHTML replaces the body's HTML (in memory), and forgets its text.
func (b *Body) SetHTML(h template.HTML) {
	*b = Body{html: h, Headings: b.Headings, Footnotes: b.Footnotes, File: b.File}
}

// MakeText makes the body's plain text now, for Text to return: a build
// asks for each text two or three times (the search index, the open
// data, descriptions), and makes it once this way, in parallel, as it
// converts the bodies. Call it before b is shared.
func (b *Body) MakeText() {
	if !b.hasText {
		b.text, b.hasText = markdown.TextOf(string(b.HTML())), true
	}
}

// Keep moves the body's HTML, and its text if made, to s, unless s leaves
// them in memory (spill.Store.Put). Call it before b is shared.
func (b *Body) Keep(s *spill.Store) {
	if r, ok := s.Put(string(b.html)); ok {
		b.html, b.stored = "", r
	}
	if r, ok := s.Put(b.text); ok {
		b.text, b.storedText = "", r
	}
}

// Text returns the plain text of the body, for search, descriptions and
// the open data: what a reader sees of its HTML (markdown.TextOf). Unless
// made with MakeText, it is made from the HTML each time it is asked for:
// the preview, which holds its plans in memory, would otherwise hold all
// its texts twice.
func (b Body) Text() string {
	switch {
	case b.storedText.Stored():
		return b.storedText.String()
	case b.hasText:
		return b.text
	}
	return markdown.TextOf(string(b.HTML()))
}

// TextInto is Text for a reader that uses the text at once and keeps
// nothing of it: a stored text is read into *buf (see spill.Ref.Into),
// and is valid until *buf is used again.
func (b Body) TextInto(buf *[]byte) string {
	if b.storedText.Stored() {
		t := b.storedText.Into(buf)
		return unsafe.String(unsafe.SliceData(t), len(t))
	}
	return b.Text()
}

// HTMLInto is HTML for a reader that uses the HTML at once and keeps
// nothing of it, as TextInto.
func (b Body) HTMLInto(buf *[]byte) template.HTML {
	if b.stored.Stored() {
		h := b.stored.Into(buf)
		return template.HTML(unsafe.String(unsafe.SliceData(h), len(h)))
	}
	return b.html
}

// Excerpt returns Excerpt(b.Text(), max), making only the start of the
// text when it is not made.
func (b Body) Excerpt(max int) string {
	if b.hasText {
		return Excerpt(b.Text(), max)
	}
	return Excerpt(markdown.TextPrefix(string(b.HTML()), max), max)
}

// Heading is a top-level heading of a body: its element id and text.
type Heading struct {
	ID   string
	Text string
}

// Footnote is one footnote of a body, rendered as an endnote.
type Footnote struct {
	N    int
	ID   string // element id of the note
	Back string // element id of the first reference to it
	HTML template.HTML
	Text string
}

// Figure is a photograph or illustration with its caption. Image is empty
// when no image is available; the caption is still shown.
type Figure struct {
	ID      string
	Caption string
	Credit  string
	Image   string // path under the site root, or ""
	Alt     string
}

// Section is a page of front or back matter.
type Section struct {
	Ref     Ref
	Matter  string // "front" or "back"
	Order   int
	Summary string
	Figures []*Figure
	Body    Body
	File    string
}

// Goal is one strategic goal.
type Goal struct {
	Ref        Ref
	Number     int
	Name       string // short name, e.g. "MISSION"
	Statement  string
	Intro      Body
	Figures    []*Figure
	Objectives []*Objective
	File       string
}

// Objective is one strategic objective.
type Objective struct {
	Ref       Ref
	Number    string // "1.3"
	Goal      *Goal
	Title     string
	Statement string
	// SummaryStatement is how a printed summary table worded the statement,
	// when it differs; kept as data, never displayed.
	SummaryStatement string
	StatementHTML    template.HTML
	Outcomes         []*Item
	Activities       []*Item
	Figures          []*Figure
	Narrative        Body
	Prev, Next       *Objective
	File             string
}

// Item is a desired outcome or a key activity of an objective.
type Item struct {
	Ref       Ref
	N         int // 1-based position in its list
	HTML      template.HTML
	Text      string
	Objective *Objective
}

// Excerpt returns the start of text, at most max bytes, cut at a space
// with "…" when text is longer: the short descriptions of pages and search
// results.
func Excerpt(text string, max int) string {
	if len(text) <= max {
		return text
	}
	cut := strings.LastIndexByte(text[:max], ' ')
	if cut < 0 {
		cut = max
	}
	return text[:cut] + "…"
}
