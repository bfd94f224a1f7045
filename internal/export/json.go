package export

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html/template"
	"strconv"

	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/plan"
)

// SchemaVersion is the version of the JSON format. Adding an optional
// field is a minor change; renaming or removing one, or changing its
// meaning, is a major change.
const SchemaVersion = "1.0"

//go:embed strategy.schema.json
var schema []byte

// Schema returns the JSON Schema (draft 2020-12) of the JSON export.
func Schema() []byte { return bytes.Clone(schema) }

// Document is the JSON export: the whole plan. Field names and meanings are
// documented in docs/data.md and constrained by strategy.schema.json.
type Document struct {
	SchemaRef     string      `json:"$schema"`
	SchemaVersion string      `json:"schema_version"`
	Publication   Publication `json:"publication"`
	Priorities    []Priority  `json:"priorities"`
	Sections      []Section   `json:"sections"`
	Goals         []Goal      `json:"goals"`
	Objectives    []Objective `json:"objectives"`
}

// Publication is the plan's identity.
type Publication struct {
	Title             string `json:"title"`
	Subtitle          string `json:"subtitle"`
	Organization      string `json:"organization"`
	Period            string `json:"period"`
	Language          string `json:"language"`
	BaseURL           string `json:"base_url"`
	PublicationNumber string `json:"publication_number"`
	PublicationDate   string `json:"publication_date"`
	DateLabel         string `json:"publication_date_label"`
	Description       string `json:"description"`
	Website           string `json:"website"`
	Vision            string `json:"vision"`
	Mission           string `json:"mission"`
	PrioritiesTitle   string `json:"priorities_title"`
}

// Link is the address of an item: its site path and its permalink.
type Link struct {
	URL       string `json:"url"`
	Permalink string `json:"permalink"`
}

// Priority is one enduring mission priority.
type Priority struct {
	ID          string `json:"id"`
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Link
}

// Body is rendered Markdown: plain text, HTML and notes.
type Body struct {
	Text      string     `json:"text"`
	HTML      string     `json:"html"`
	Footnotes []Footnote `json:"footnotes"`
}

// Footnote is one note of a body.
type Footnote struct {
	N    int    `json:"n"`
	ID   string `json:"id"`
	Text string `json:"text"`
	HTML string `json:"html"`
}

// Figure is a figure with its caption.
type Figure struct {
	ID      string `json:"id"`
	Caption string `json:"caption"`
	Credit  string `json:"credit"`
	Image   string `json:"image"`
	Alt     string `json:"alt"`
}

// Section is a page of front or back matter.
type Section struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Matter  string   `json:"matter"`
	Order   int      `json:"order"`
	Summary string   `json:"summary"`
	Figures []Figure `json:"figures"`
	Body    Body     `json:"body"`
	Link
}

// Goal is one strategic goal.
type Goal struct {
	ID         string   `json:"id"`
	Number     int      `json:"number"`
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	Statement  string   `json:"statement"`
	Intro      Body     `json:"intro"`
	Figures    []Figure `json:"figures"`
	Objectives []string `json:"objectives"`
	Link
}

// Objective is one strategic objective.
type Objective struct {
	ID               string   `json:"id"`
	Number           string   `json:"number"`
	Goal             string   `json:"goal"`
	Title            string   `json:"title"`
	Statement        string   `json:"statement"`
	StatementHTML    string   `json:"statement_html"`
	SummaryStatement string   `json:"summary_statement"`
	Outcomes         []Item   `json:"outcomes"`
	Activities       []Item   `json:"activities"`
	Figures          []Figure `json:"figures"`
	Narrative        Body     `json:"narrative"`
	Link
}

// Item is a desired outcome or a key activity.
type Item struct {
	ID     string `json:"id"`
	Number string `json:"number"` // "1.3.2"
	N      int    `json:"n"`
	Text   string `json:"text"`
	HTML   string `json:"html"`
	Link
}

// NewDocument converts a plan to its JSON document.
func NewDocument(p *plan.Plan) *Document {
	pub := &p.Pub
	link := func(r *plan.Ref) Link { return Link{URL: r.URL(), Permalink: permalink(pub, r.URL())} }
	h := func(s template.HTML) string { return siteLinks(pub, s) }
	body := func(b plan.Body) Body {
		out := Body{Text: b.Text, HTML: h(b.HTML), Footnotes: []Footnote{}}
		for _, f := range b.Footnotes {
			out.Footnotes = append(out.Footnotes, Footnote{N: f.N, ID: f.ID, Text: f.Text, HTML: h(f.HTML)})
		}
		return out
	}
	figures := func(fs []*plan.Figure) []Figure {
		out := []Figure{}
		for _, f := range fs {
			out = append(out, Figure{ID: f.ID, Caption: f.Caption, Credit: f.Credit, Image: f.Image, Alt: f.Alt})
		}
		return out
	}
	items := func(its []*plan.Item) []Item {
		out := []Item{}
		for _, it := range its {
			out = append(out, Item{ID: it.Ref.ID, Number: itemNumber(it), N: it.N, Text: it.Text, HTML: h(it.HTML), Link: link(&it.Ref)})
		}
		return out
	}
	d := &Document{
		SchemaRef:     "strategy.schema.json",
		SchemaVersion: SchemaVersion,
		Publication: Publication{
			Title: pub.Title, Subtitle: pub.Subtitle, Organization: pub.Organization, Period: pub.Period,
			Language: pub.Language, BaseURL: pub.BaseURL, PublicationNumber: pub.Number,
			PublicationDate: pub.Date, DateLabel: pub.DateLabel, Description: pub.Description,
			Website: pub.Website, Vision: pub.Vision, Mission: pub.Mission, PrioritiesTitle: pub.PrioritiesTitle,
		},
		Priorities: []Priority{}, Sections: []Section{}, Goals: []Goal{}, Objectives: []Objective{},
	}
	for _, pr := range pub.Priorities {
		d.Priorities = append(d.Priorities, Priority{ID: pr.Ref.ID, Slug: pr.Slug, Title: pr.Title, Description: pr.Description, Link: link(&pr.Ref)})
	}
	for _, s := range append(append([]*plan.Section{}, p.Front...), p.Back...) {
		d.Sections = append(d.Sections, Section{ID: s.Ref.ID, Title: s.Ref.Title, Matter: s.Matter, Order: s.Order,
			Summary: s.Summary, Figures: figures(s.Figures), Body: body(s.Body), Link: link(&s.Ref)})
	}
	for _, g := range p.Goals {
		goal := Goal{ID: g.Ref.ID, Number: g.Number, Name: g.Name, Title: g.Ref.Title, Statement: g.Statement,
			Intro: body(g.Intro), Figures: figures(g.Figures), Objectives: []string{}, Link: link(&g.Ref)}
		for _, o := range g.Objectives {
			goal.Objectives = append(goal.Objectives, o.Ref.ID)
		}
		d.Goals = append(d.Goals, goal)
	}
	for _, o := range p.Objectives {
		d.Objectives = append(d.Objectives, Objective{
			ID: o.Ref.ID, Number: o.Number, Goal: o.Goal.Ref.ID, Title: o.Title, Statement: o.Statement,
			StatementHTML: h(o.StatementHTML), SummaryStatement: o.SummaryStatement,
			Outcomes: items(o.Outcomes), Activities: items(o.Activities),
			Figures: figures(o.Figures), Narrative: body(o.Narrative), Link: link(&o.Ref),
		})
	}
	return d
}

// itemNumber is an outcome's or activity's number: its objective's number
// and its position ("1.3.2").
func itemNumber(it *plan.Item) string {
	return it.Objective.Number + "." + strconv.Itoa(it.N)
}

// siteLinks rewrites the internal site: links of rendered HTML to
// permalinks, which data consumers can follow.
func siteLinks(pub *plan.Publication, h template.HTML) string {
	return markdown.RewriteSiteLinks(string(h), func(p string) string { return permalink(pub, p) })
}

// JSON renders the plan as the JSON export, indented, with a final newline.
func JSON(p *plan.Plan) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(NewDocument(p)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
