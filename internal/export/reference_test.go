package export

// The writers as they were before the hand-written encoders: encoding/json
// with SetIndent over NewDocument, encoding/csv, and the StratML writer
// that built strings per element. TestSameBytes requires the new writers
// to give the same bytes as these on every plan it tries.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"regexp"
	"strconv"
	"strings"

	"github.com/stratpub/stratpub/internal/highlight"
	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/plan"
)

// Reference writers, for the external tests.
var (
	RefJSON         = refJSON
	RefCSV          = refCSV
	RefStratML      = func(p *plan.Plan) ([]byte, error) { return refStratml(p, false) }
	RefStratMLPart2 = func(p *plan.Plan) ([]byte, error) { return refStratml(p, true) }
	RefSample       = func(f File, lines int) (template.HTML, error) {
		return highlight.HTML(f.Lang, refSampleText(f.Data, lines), highlight.Options{})
	}
)

// refJSON is the JSON writer before the hand-written encoder.
func refJSON(p *plan.Plan) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(NewDocument(p)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// refCSV is the CSV writer before the hand-written one.
func refCSV(p *plan.Plan) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(bom)
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(CSVHeader); err != nil {
		return nil, err
	}
	for _, o := range p.Objectives {
		outcomes := make([]string, len(o.Outcomes))
		for i, it := range o.Outcomes {
			outcomes[i] = it.Text
		}
		for _, a := range o.Activities {
			row := []string{
				a.Ref.ID, itemNumber(a), a.Text,
				strconv.Itoa(o.Goal.Number), o.Goal.Name, o.Goal.Statement,
				o.Number, o.Title, o.Statement, strings.Join(outcomes, "\n"),
				permalink(&p.Pub, a.Ref.URL()),
			}
			if err := w.Write(row); err != nil {
				return nil, err
			}
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

var refNCName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9._-]*$`)

func refStratml(p *plan.Plan, part2 bool) ([]byte, error) {
	pub := &p.Pub
	w := &refXMLWriter{ids: map[string]bool{}}
	w.buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if part2 {
		w.open("PerformancePlanOrReport", "xmlns", Part2Namespace, "Type", "Strategic_Plan")
	} else {
		w.open("StrategicPlan", "xmlns", StratMLNamespace)
	}
	w.text("Name", pub.Title)
	w.text("Description", refFirstNonEmpty(pub.Description, pub.Subtitle))
	var other []string
	if pub.Subtitle != "" && pub.Description != "" {
		other = append(other, pub.Subtitle)
	}
	other = append(other, "Period: "+pub.Period+".")
	if pub.Number != "" {
		other = append(other, pub.Number+".")
	}
	if len(pub.Priorities) > 0 {
		other = append(other, "The Value elements are the "+pub.PrioritiesTitle+".")
	}
	w.text("OtherInformation", strings.Join(other, "\n"))
	w.open("StrategicPlanCore")
	w.open("Organization")
	w.text("Name", pub.Organization)
	w.id("organization")
	w.close()
	if pub.Vision != "" {
		w.open("Vision")
		w.text("Description", pub.Vision)
		w.id("vision")
		w.close()
	}
	if pub.Mission != "" {
		w.open("Mission")
		w.text("Description", pub.Mission)
		w.id("mission")
		w.close()
	}
	for _, pr := range pub.Priorities {
		w.open("Value")
		w.text("Name", pr.Title)
		w.text("Description", pr.Description)
		w.close()
	}
	for _, g := range p.Goals {
		w.open("Goal")
		w.text("Name", g.Name)
		w.text("Description", g.Statement)
		w.id(g.Ref.ID)
		w.text("SequenceIndicator", fmt.Sprint(g.Number))
		w.text("OtherInformation", g.Intro.Text())
		for _, o := range g.Objectives {
			w.objective(pub, o, part2)
		}
		w.close()
	}
	w.close() // StrategicPlanCore
	w.open("AdministrativeInformation")
	if part2 {
		w.id("administrative-information")
	}
	w.text("PublicationDate", pub.Date)
	if pub.BaseURL != "" {
		w.text("Source", pub.BaseURL)
	}
	w.close()
	w.close()
	if w.err != nil {
		return nil, w.err
	}
	return w.buf.Bytes(), nil
}

func (w *refXMLWriter) objective(pub *plan.Publication, o *plan.Objective, part2 bool) {
	w.open("Objective")
	w.text("Name", o.Title)
	w.text("Description", o.Statement)
	w.id(o.Ref.ID)
	w.text("SequenceIndicator", o.Number)
	var info []string
	if !part2 {
		label := "Desired outcome:"
		if len(o.Outcomes) > 1 {
			label = "Desired outcomes:"
		}
		info = append(info, label)
		for _, it := range o.Outcomes {
			info = append(info, "- "+it.Text)
		}
	}
	info = append(info, "Key activities:")
	for _, it := range o.Activities {
		info = append(info, "- "+itemNumber(it)+" "+it.Text)
	}
	info = append(info, "Page: "+permalink(pub, o.Ref.URL()))
	w.text("OtherInformation", strings.Join(info, "\n"))
	if part2 {
		for _, it := range o.Outcomes {
			w.open("PerformanceIndicator", "ValueChainStage", "Outcome", "PerformanceIndicatorType", "Qualitative")
			w.text("SequenceIndicator", itemNumber(it))
			w.text("MeasurementDimension", "Desired outcome")
			w.empty("UnitOfMeasurement")
			w.id(it.Ref.ID)
			w.open("MeasurementInstance")
			w.open("TargetResult")
			w.text("Description", it.Text)
			w.close()
			w.close()
			w.close()
		}
	}
	w.close()
}

func refFirstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// refXMLWriter writes indented XML by hand: encoding/xml would escape the
// line breaks of multi-line text as &#xA;, which is valid but unreadable.
type refXMLWriter struct {
	buf   bytes.Buffer
	stack []string
	ids   map[string]bool
	err   error
}

func (w *refXMLWriter) indent() {
	w.buf.WriteString(strings.Repeat("  ", len(w.stack)))
}

// open starts an element; attrs are name, value pairs.
func (w *refXMLWriter) open(name string, attrs ...string) {
	w.indent()
	w.buf.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.buf.WriteString(" " + attrs[i] + `="` + refEscape(attrs[i+1], true) + `"`)
	}
	w.buf.WriteString(">\n")
	w.stack = append(w.stack, name)
}

func (w *refXMLWriter) close() {
	name := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.indent()
	w.buf.WriteString("</" + name + ">\n")
}

// text writes an element with text content; empty text writes nothing,
// since every optional StratML element may be left out.
func (w *refXMLWriter) text(name, s string) {
	if s == "" {
		return
	}
	w.indent()
	w.buf.WriteString("<" + name + ">" + refEscape(s, false) + "</" + name + ">\n")
}

func (w *refXMLWriter) empty(name string) {
	w.indent()
	w.buf.WriteString("<" + name + "/>\n")
}

// id writes an Identifier, checking that it is a valid, unique xsd:ID.
func (w *refXMLWriter) id(s string) {
	switch {
	case !refNCName.MatchString(s):
		w.fail(fmt.Errorf("identifier %q is not a valid XML ID", s))
	case w.ids[s]:
		w.fail(fmt.Errorf("identifier %q is used twice", s))
	}
	w.ids[s] = true
	w.text("Identifier", s)
}

func (w *refXMLWriter) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// escape escapes text for XML content or attribute values, and drops the
// characters XML 1.0 cannot hold.
func refEscape(s string, attr bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case attr && r == '"':
			b.WriteString("&quot;")
		case attr && (r == '\n' || r == '\t' || r == '\r'):
			fmt.Fprintf(&b, "&#x%X;", r)
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\t' || r == '\n' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000 && r <= 0x10FFFF:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// refSampleText is the text of Sample before it stopped copying whole
// files (and before it stopped adding "…" to a file of exactly that many
// lines).
func refSampleText(data []byte, lines int) string {
	text := strings.TrimPrefix(string(data), bom)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	all := strings.SplitAfterN(text, "\n", lines+1)
	if len(all) > lines && all[lines] != "" {
		all = append(all[:lines], "…\n")
	}
	return strings.Join(all, "")
}

// The JSON document as structs: what the reference encoder encodes and
// what TestJSONRoundTrip decodes the export into, strictly. Field names and
// meanings are documented in docs/data.md and constrained by
// strategy.schema.json.

// Document is the JSON export: the whole plan.
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

// NewDocument converts a plan to its JSON document. JSON and WriteJSON do
// not build it: they write the same fields in the same order by hand, and
// the tests require their bytes to equal encoding/json's encoding of it.
// A field added to the Document types must be added to jsonWriter too.
func NewDocument(p *plan.Plan) *Document {
	pub := &p.Pub
	link := func(r *plan.Ref) Link { return Link{URL: r.URL(), Permalink: permalink(pub, r.URL())} }
	h := func(s template.HTML) string { return siteLinks(pub, s) }
	body := func(b plan.Body) Body {
		out := Body{Text: b.Text(), HTML: h(b.HTML()), Footnotes: []Footnote{}}
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
