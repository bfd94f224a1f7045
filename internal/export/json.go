package export

import (
	"bytes"
	_ "embed"
	"html"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/stratpub/stratpub/internal/jsontext"
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

// JSON renders the plan as the JSON export, indented, with a final newline.
func JSON(p *plan.Plan) ([]byte, error) {
	e := jsonWriter{out: newOut(nil, jsonSize(p))}
	e.document(p)
	return e.buf, nil
}

// WriteJSON writes the JSON export of the plan to w: the bytes JSON
// returns, a part at a time.
func WriteJSON(w io.Writer, p *plan.Plan) error {
	e := jsonWriter{out: newOut(w, 0)}
	e.document(p)
	return e.flush()
}

// jsonWriter writes the JSON document of a plan by hand, field by field in
// the order of strategy.schema.json (and of the Document types the tests
// decode it into), in the layout of encoding/json with SetIndent("", "  ")
// and SetEscapeHTML(false).
type jsonWriter struct {
	out
	links
	depth   int
	first   bool   // the current object or array has no member yet
	html    []byte // an HTML field with its site links rewritten
	scratch []byte // a body read back from a file (plan.Body.TextInto)
}

const spaces = "                                                                "

func (e *jsonWriter) begin(c byte) {
	e.buf = append(e.buf, c)
	e.depth++
	e.first = true
}

func (e *jsonWriter) end(c byte) {
	e.depth--
	if !e.first {
		e.newline()
	}
	e.buf = append(e.buf, c)
	e.first = false
	e.maybeFlush()
}

func (e *jsonWriter) newline() {
	e.buf = append(e.buf, '\n')
	for n := 2 * e.depth; n > 0; n -= len(spaces) {
		e.buf = append(e.buf, spaces[:min(n, len(spaces))]...)
	}
}

// elem starts a member of an array.
func (e *jsonWriter) elem() {
	if !e.first {
		e.buf = append(e.buf, ',')
	}
	e.first = false
	e.newline()
}

// key starts a member of an object; k needs no escaping.
func (e *jsonWriter) key(k string) {
	e.elem()
	e.buf = append(e.buf, '"')
	e.buf = append(e.buf, k...)
	e.buf = append(e.buf, '"', ':', ' ')
}

func (e *jsonWriter) str(k, v string) {
	e.key(k)
	e.buf = jsontext.AppendString(e.buf, v, false)
}

func (e *jsonWriter) int(k string, n int) {
	e.key(k)
	e.buf = strconv.AppendInt(e.buf, int64(n), 10)
}

// htmlField writes HTML with its site links as permalinks (siteLinks).
func (e *jsonWriter) htmlField(k string, h template.HTML) {
	e.key(k)
	s := string(h)
	i := strings.Index(s, siteMark)
	if i < 0 {
		e.buf = jsontext.AppendString(e.buf, s, false)
		return
	}
	e.html = appendSiteLinks(e.html[:0], e.pub, s, i, &e.perm)
	e.buf = jsontext.AppendString(e.buf, str(e.html), false)
}

// link writes the url and permalink of r.
func (e *jsonWriter) link(r *plan.Ref) {
	url, perm := e.ref(r)
	e.str("url", url)
	e.str("permalink", perm)
}

func (e *jsonWriter) document(p *plan.Plan) {
	pub := &p.Pub
	e.pub = pub
	e.begin('{')
	e.str("$schema", "strategy.schema.json")
	e.str("schema_version", SchemaVersion)
	e.key("publication")
	e.begin('{')
	e.str("title", pub.Title)
	e.str("subtitle", pub.Subtitle)
	e.str("organization", pub.Organization)
	e.str("period", pub.Period)
	e.str("language", pub.Language)
	e.str("base_url", pub.BaseURL)
	e.str("publication_number", pub.Number)
	e.str("publication_date", pub.Date)
	e.str("publication_date_label", pub.DateLabel)
	e.str("description", pub.Description)
	e.str("website", pub.Website)
	e.str("vision", pub.Vision)
	e.str("mission", pub.Mission)
	e.str("priorities_title", pub.PrioritiesTitle)
	e.end('}')

	e.key("priorities")
	e.begin('[')
	for _, pr := range pub.Priorities {
		e.elem()
		e.begin('{')
		e.str("id", pr.Ref.ID)
		e.str("slug", pr.Slug)
		e.str("title", pr.Title)
		e.str("description", pr.Description)
		e.link(&pr.Ref)
		e.end('}')
	}
	e.end(']')

	e.key("sections")
	e.begin('[')
	for _, list := range [][]*plan.Section{p.Front, p.Back} {
		for _, s := range list {
			e.elem()
			e.begin('{')
			e.str("id", s.Ref.ID)
			e.str("title", s.Ref.Title)
			e.str("matter", s.Matter)
			e.int("order", s.Order)
			e.str("summary", s.Summary)
			e.figures(s.Figures)
			e.body("body", &s.Body)
			e.link(&s.Ref)
			e.end('}')
		}
	}
	e.end(']')

	e.key("goals")
	e.begin('[')
	for _, g := range p.Goals {
		e.elem()
		e.begin('{')
		e.str("id", g.Ref.ID)
		e.int("number", g.Number)
		e.str("name", g.Name)
		e.str("title", g.Ref.Title)
		e.str("statement", g.Statement)
		e.body("intro", &g.Intro)
		e.figures(g.Figures)
		e.key("objectives")
		e.begin('[')
		for _, o := range g.Objectives {
			e.elem()
			e.buf = jsontext.AppendString(e.buf, o.Ref.ID, false)
		}
		e.end(']')
		e.link(&g.Ref)
		e.end('}')
	}
	e.end(']')

	e.key("objectives")
	e.begin('[')
	for _, o := range p.Objectives {
		e.elem()
		e.begin('{')
		e.str("id", o.Ref.ID)
		e.str("number", o.Number)
		e.str("goal", o.Goal.Ref.ID)
		e.str("title", o.Title)
		e.str("statement", o.Statement)
		e.htmlField("statement_html", o.StatementHTML)
		e.str("summary_statement", o.SummaryStatement)
		e.items("outcomes", o.Outcomes)
		e.items("activities", o.Activities)
		e.figures(o.Figures)
		e.body("narrative", &o.Narrative)
		e.link(&o.Ref)
		e.end('}')
	}
	e.end(']')
	e.end('}')
	e.buf = append(e.buf, '\n')
}

func (e *jsonWriter) body(k string, b *plan.Body) {
	e.key(k)
	e.begin('{')
	// Read into the writer's buffer: a large publication's bodies are
	// read back from a file (plan.Body.TextInto), and written out at once.
	e.str("text", b.TextInto(&e.scratch))
	e.htmlField("html", b.HTMLInto(&e.scratch))
	e.key("footnotes")
	e.begin('[')
	for _, f := range b.Footnotes {
		e.elem()
		e.begin('{')
		e.int("n", f.N)
		e.str("id", f.ID)
		e.str("text", f.Text)
		e.htmlField("html", f.HTML)
		e.end('}')
	}
	e.end(']')
	e.end('}')
}

func (e *jsonWriter) figures(fs []*plan.Figure) {
	e.key("figures")
	e.begin('[')
	for _, f := range fs {
		e.elem()
		e.begin('{')
		e.str("id", f.ID)
		e.str("caption", f.Caption)
		e.str("credit", f.Credit)
		e.str("image", f.Image)
		e.str("alt", f.Alt)
		e.end('}')
	}
	e.end(']')
}

func (e *jsonWriter) items(k string, its []*plan.Item) {
	e.key(k)
	e.begin('[')
	for _, it := range its {
		e.elem()
		e.begin('{')
		e.str("id", it.Ref.ID)
		e.str("number", e.itemNumber(it))
		e.int("n", it.N)
		e.str("text", it.Text)
		e.htmlField("html", it.HTML)
		e.link(&it.Ref)
		e.end('}')
	}
	e.end(']')
}

// siteMark starts a site link in rendered HTML.
const siteMark = `="` + markdown.SitePrefix

// appendSiteLinks appends markdown.RewriteSiteLinks(s, permalink), given
// the index i of the first siteMark in s; tmp is a scratch buffer.
func appendSiteLinks(dst []byte, pub *plan.Publication, s string, i int, tmp *[]byte) []byte {
	for i >= 0 {
		dst = append(dst, s[:i+2]...)
		s = s[i+len(siteMark):]
		end := strings.IndexByte(s, '"')
		if end < 0 {
			end = len(s)
		}
		*tmp = appendPermalink((*tmp)[:0], pub, html.UnescapeString(s[:end]))
		dst = appendHTMLEscaped(dst, str(*tmp))
		s = s[end:]
		i = strings.Index(s, siteMark)
	}
	return append(dst, s...)
}

// appendHTMLEscaped appends html.EscapeString(s).
func appendHTMLEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, esc...)
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// jsonSize estimates the size of the JSON export, a little over, so that
// JSON fills one buffer: the strings with their quotes and line breaks
// escaped, plus a typical overhead per field (indentation, key and
// punctuation).
func jsonSize(p *plan.Plan) int {
	const field = 20
	pub := &p.Pub
	n := 16*field + len(pub.Title) + len(pub.Subtitle) + len(pub.Organization) + len(pub.Period) +
		len(pub.BaseURL) + len(pub.Number) + len(pub.DateLabel) + len(pub.Description) + len(pub.Website) +
		len(pub.Vision) + len(pub.Mission) + len(pub.PrioritiesTitle)
	link := func(r *plan.Ref) int {
		u := len(r.Page) + len(r.Fragment) + 1
		if pub.BaseURL != "" {
			u += len(pub.BaseURL)
		}
		return 2*u + 2*field
	}
	text := func(s string) int { return len(s) + strings.Count(s, "\n") + field }
	html := func(h template.HTML) int {
		s := string(h)
		n := len(s) + strings.Count(s, `"`) + strings.Count(s, "\n") + field
		if pub.BaseURL != "" {
			n += strings.Count(s, siteMark) * len(pub.BaseURL)
		}
		return n
	}
	body := func(b *plan.Body) int {
		// The text is made from the HTML, and is no longer than it.
		h := b.HTML()
		n := 3*field + len(h) + field + html(h)
		for _, f := range b.Footnotes {
			n += 3*field + len(f.ID) + text(f.Text) + html(f.HTML)
		}
		return n
	}
	figures := func(fs []*plan.Figure) int {
		n := field
		for _, f := range fs {
			n += 6*field + len(f.ID) + len(f.Caption) + len(f.Credit) + len(f.Image) + len(f.Alt)
		}
		return n
	}
	for _, pr := range pub.Priorities {
		n += 5*field + len(pr.Ref.ID) + len(pr.Slug) + len(pr.Title) + len(pr.Description) + link(&pr.Ref)
	}
	for _, list := range [][]*plan.Section{p.Front, p.Back} {
		for _, s := range list {
			n += 7*field + len(s.Ref.ID) + len(s.Ref.Title) + len(s.Summary) + figures(s.Figures) + body(&s.Body) + link(&s.Ref)
		}
	}
	for _, g := range p.Goals {
		n += 7*field + len(g.Ref.ID) + len(g.Name) + len(g.Ref.Title) + len(g.Statement) +
			body(&g.Intro) + figures(g.Figures) + link(&g.Ref)
		for _, o := range g.Objectives {
			n += field + len(o.Ref.ID)
		}
	}
	for _, o := range p.Objectives {
		n += 9*field + len(o.Ref.ID) + 2*len(o.Number) + len(o.Goal.Ref.ID) + len(o.Title) + len(o.Statement) +
			len(o.SummaryStatement) + html(o.StatementHTML) + figures(o.Figures) + body(&o.Narrative) + link(&o.Ref)
		for _, list := range [][]*plan.Item{o.Outcomes, o.Activities} {
			for _, it := range list {
				n += 6*field + len(it.Ref.ID) + len(o.Number) + 4 + text(it.Text) + html(it.HTML) + link(&it.Ref)
			}
		}
	}
	return n + n/32
}
