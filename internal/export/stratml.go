package export

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/swar"
)

// StratML namespaces.
const (
	StratMLNamespace = "urn:ISO:std:iso:17469:tech:xsd:stratml_core"
	Part2Namespace   = "urn:ISO:std:iso:17469:tech:xsd:PerformancePlanOrReport"
)

// StratML renders the plan as a StratML Part 1 (ISO 17469-1) strategic
// plan. The schema fixes the order of elements, so the writer follows it
// element by element; docs/data.md documents the mapping.
func StratML(p *plan.Plan) ([]byte, error) { return stratml(p, false) }

// StratMLPart2 renders the plan as a StratML Part 2 document of type
// Strategic_Plan, in which each desired outcome is a qualitative
// outcome-stage performance indicator of its objective.
func StratMLPart2(p *plan.Plan) ([]byte, error) { return stratml(p, true) }

// WriteStratML writes the StratML Part 1 document of the plan to w: the
// bytes StratML returns, a part at a time. It checks the identifiers
// before it writes anything.
func WriteStratML(w io.Writer, p *plan.Plan) error { return writeStratML(w, p, false) }

// WriteStratMLPart2 writes the StratML Part 2 document of the plan to w:
// the bytes StratMLPart2 returns, a part at a time. It checks the
// identifiers before it writes anything.
func WriteStratMLPart2(w io.Writer, p *plan.Plan) error { return writeStratML(w, p, true) }

func stratml(p *plan.Plan, part2 bool) ([]byte, error) {
	if err := checkIDs(p, part2); err != nil {
		return nil, err
	}
	x := xmlWriter{out: newOut(nil, stratmlSize(p, part2))}
	x.document(p, part2)
	return x.buf, nil
}

func writeStratML(w io.Writer, p *plan.Plan, part2 bool) error {
	if err := checkIDs(p, part2); err != nil {
		return err
	}
	x := xmlWriter{out: newOut(w, 0)}
	x.document(p, part2)
	return x.flush()
}

// checkIDs checks that the identifiers the StratML document would hold
// are valid, unique xsd:IDs, in document order, and returns the first
// problem.
func checkIDs(p *plan.Plan, part2 bool) error {
	n := 1 + len(p.Goals) + len(p.Objectives)
	if part2 {
		for _, o := range p.Objectives {
			n += len(o.Outcomes)
		}
	}
	c := idChecker{ids: make(map[string]bool, n+3)}
	c.add("organization")
	if p.Pub.Vision != "" {
		c.add("vision")
	}
	if p.Pub.Mission != "" {
		c.add("mission")
	}
	for _, g := range p.Goals {
		c.add(g.Ref.ID)
		for _, o := range g.Objectives {
			c.add(o.Ref.ID)
			if part2 {
				for _, it := range o.Outcomes {
					c.add(it.Ref.ID)
				}
			}
		}
	}
	if part2 {
		c.add("administrative-information")
	}
	return c.err
}

// idChecker checks identifiers one by one and keeps the first problem.
type idChecker struct {
	ids map[string]bool
	err error
}

func (c *idChecker) add(s string) {
	switch {
	case !isNCName(s):
		c.fail(fmt.Errorf("identifier %q is not a valid XML ID", s))
	case c.ids[s]:
		c.fail(fmt.Errorf("identifier %q is used twice", s))
	}
	c.ids[s] = true
}

func (c *idChecker) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// isNCName reports whether s is an XML NCName made of ASCII characters,
// the form of xsd:ID values: ^[A-Za-z_][A-Za-z0-9._-]*$.
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case i > 0 && ('0' <= c && c <= '9' || c == '.' || c == '-'):
		default:
			return false
		}
	}
	return true
}

func (x *xmlWriter) document(p *plan.Plan, part2 bool) {
	pub := &p.Pub
	x.pub = pub
	x.buf = append(x.buf, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)
	if part2 {
		x.open(`PerformancePlanOrReport xmlns="` + Part2Namespace + `" Type="Strategic_Plan"`)
	} else {
		x.open(`StrategicPlan xmlns="` + StratMLNamespace + `"`)
	}
	x.text("Name", pub.Title)
	x.text("Description", firstNonEmpty(pub.Description, pub.Subtitle))
	// OtherInformation: lines joined by line breaks, never empty.
	x.start("OtherInformation")
	if pub.Subtitle != "" && pub.Description != "" {
		x.buf = appendEscape(x.buf, pub.Subtitle, false)
		x.buf = append(x.buf, '\n')
	}
	x.buf = append(x.buf, "Period: "...)
	x.buf = appendEscape(x.buf, pub.Period, false)
	x.buf = append(x.buf, '.')
	if pub.Number != "" {
		x.buf = append(x.buf, '\n')
		x.buf = appendEscape(x.buf, pub.Number, false)
		x.buf = append(x.buf, '.')
	}
	if len(pub.Priorities) > 0 {
		x.buf = append(x.buf, "\nThe Value elements are the "...)
		x.buf = appendEscape(x.buf, pub.PrioritiesTitle, false)
		x.buf = append(x.buf, '.')
	}
	x.end("OtherInformation")
	x.open("StrategicPlanCore")
	x.open("Organization")
	x.text("Name", pub.Organization)
	x.text("Identifier", "organization")
	x.close("Organization")
	if pub.Vision != "" {
		x.open("Vision")
		x.text("Description", pub.Vision)
		x.text("Identifier", "vision")
		x.close("Vision")
	}
	if pub.Mission != "" {
		x.open("Mission")
		x.text("Description", pub.Mission)
		x.text("Identifier", "mission")
		x.close("Mission")
	}
	for _, pr := range pub.Priorities {
		x.open("Value")
		x.text("Name", pr.Title)
		x.text("Description", pr.Description)
		x.close("Value")
	}
	var num []byte
	for _, g := range p.Goals {
		x.open("Goal")
		x.text("Name", g.Name)
		x.text("Description", g.Statement)
		x.text("Identifier", g.Ref.ID)
		num = strconv.AppendInt(num[:0], int64(g.Number), 10)
		x.text("SequenceIndicator", str(num))
		x.text("OtherInformation", g.Intro.Text())
		for _, o := range g.Objectives {
			x.objective(o, part2)
		}
		x.close("Goal")
	}
	x.close("StrategicPlanCore")
	x.open("AdministrativeInformation")
	if part2 {
		x.text("Identifier", "administrative-information")
	}
	x.text("PublicationDate", pub.Date)
	if pub.BaseURL != "" {
		x.text("Source", pub.BaseURL)
	}
	x.close("AdministrativeInformation")
	if part2 {
		x.close("PerformancePlanOrReport")
	} else {
		x.close("StrategicPlan")
	}
}

func (x *xmlWriter) objective(o *plan.Objective, part2 bool) {
	x.open("Objective")
	x.text("Name", o.Title)
	x.text("Description", o.Statement)
	x.text("Identifier", o.Ref.ID)
	x.text("SequenceIndicator", o.Number)
	x.start("OtherInformation")
	if !part2 {
		if len(o.Outcomes) > 1 {
			x.buf = append(x.buf, "Desired outcomes:"...)
		} else {
			x.buf = append(x.buf, "Desired outcome:"...)
		}
		for _, it := range o.Outcomes {
			x.buf = append(x.buf, "\n- "...)
			x.buf = appendEscape(x.buf, it.Text, false)
		}
		x.buf = append(x.buf, '\n')
	}
	x.buf = append(x.buf, "Key activities:"...)
	for _, it := range o.Activities {
		x.buf = append(x.buf, "\n- "...)
		x.buf = appendEscape(x.buf, x.itemNumber(it), false)
		x.buf = append(x.buf, ' ')
		x.buf = appendEscape(x.buf, it.Text, false)
	}
	x.buf = append(x.buf, "\nPage: "...)
	x.buf = appendEscape(x.buf, x.permalink(&o.Ref), false)
	x.end("OtherInformation")
	if part2 {
		for _, it := range o.Outcomes {
			x.open(`PerformanceIndicator ValueChainStage="Outcome" PerformanceIndicatorType="Qualitative"`)
			x.text("SequenceIndicator", x.itemNumber(it))
			x.text("MeasurementDimension", "Desired outcome")
			x.indent()
			x.buf = append(x.buf, "<UnitOfMeasurement/>\n"...)
			x.text("Identifier", it.Ref.ID)
			x.open("MeasurementInstance")
			x.open("TargetResult")
			x.text("Description", it.Text)
			x.close("TargetResult")
			x.close("MeasurementInstance")
			x.close("PerformanceIndicator")
		}
	}
	x.close("Objective")
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// xmlWriter writes indented XML by hand: encoding/xml would escape the
// line breaks of multi-line text as &#xA;, which is valid but unreadable.
type xmlWriter struct {
	out
	links
	depth int
}

func (x *xmlWriter) indent() {
	for n := 2 * x.depth; n > 0; n -= len(spaces) {
		x.buf = append(x.buf, spaces[:min(n, len(spaces))]...)
	}
}

// open starts an element; tag is its name and attributes, written as
// they are.
func (x *xmlWriter) open(tag string) {
	x.indent()
	x.buf = append(x.buf, '<')
	x.buf = append(x.buf, tag...)
	x.buf = append(x.buf, '>', '\n')
	x.depth++
}

func (x *xmlWriter) close(name string) {
	x.depth--
	x.indent()
	x.buf = append(x.buf, '<', '/')
	x.buf = append(x.buf, name...)
	x.buf = append(x.buf, '>', '\n')
	x.maybeFlush()
}

// start starts an element with text content, written after it; end ends
// it.
func (x *xmlWriter) start(name string) {
	x.indent()
	x.buf = append(x.buf, '<')
	x.buf = append(x.buf, name...)
	x.buf = append(x.buf, '>')
}

func (x *xmlWriter) end(name string) {
	x.buf = append(x.buf, '<', '/')
	x.buf = append(x.buf, name...)
	x.buf = append(x.buf, '>', '\n')
}

// text writes an element with text content; empty text writes nothing,
// since every optional StratML element may be left out.
func (x *xmlWriter) text(name, s string) {
	if s == "" {
		return
	}
	x.start(name)
	x.buf = appendEscape(x.buf, s, false)
	x.end(name)
}

// xmlPlain marks the bytes that stand for themselves in XML text content
// (xmlPlain[b]&1) and in attribute values (xmlPlain[b]&2).
var xmlPlain = func() (t [256]uint8) {
	for b := 0x20; b < 0x80; b++ {
		switch b {
		case '&', '<', '>':
		case '"':
			t[b] = 1
		default:
			t[b] = 3
		}
	}
	t['\n'], t['\t'] = 1, 1
	return t
}()

// xmlPlain8 reports whether eight bytes are all printable ASCII other
// than & < >, which stand for themselves in text content.
func xmlPlain8(x uint64) bool {
	return (swar.Below(x, 0x20)|swar.Equal(x, '&')|swar.Equal(x, '<')|swar.Equal(x, '>')|x)&swar.High == 0
}

// appendEscape appends s escaped for XML content or attribute values,
// without the characters XML 1.0 cannot hold; invalid UTF-8 becomes
// U+FFFD.
func appendEscape(dst []byte, s string, attr bool) []byte {
	mask := uint8(1)
	if attr {
		mask = 2
	}
	start := 0
	for i := 0; i < len(s); {
		// Skip printable ASCII but & < > eight bytes at a time (in
		// attributes, the loop below checks the quote).
		for !attr && i+8 <= len(s) && xmlPlain8(swar.Load(s, i)) {
			i += 8
		}
		if i == len(s) {
			break
		}
		b := s[i]
		if xmlPlain[b]&mask != 0 {
			i++
			continue
		}
		if b >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\uFFFD"...)
			case r <= 0xD7FF || 0xE000 <= r && r <= 0xFFFD || r >= 0x10000:
				i += size
				continue
			default: // U+FFFE, U+FFFF
				dst = append(dst, s[start:i]...)
			}
			i += size
			start = i
			continue
		}
		dst = append(dst, s[start:i]...)
		switch {
		case b == '&':
			dst = append(dst, "&amp;"...)
		case b == '<':
			dst = append(dst, "&lt;"...)
		case b == '>':
			dst = append(dst, "&gt;"...)
		case b == '"': // in an attribute
			dst = append(dst, "&quot;"...)
		case b == '\n' || b == '\t' || b == '\r': // in an attribute, or \r
			dst = append(dst, '&', '#', 'x', "0123456789ABCDEF"[b], ';')
		}
		i++
		start = i
	}
	return append(dst, s[start:]...)
}

// stratmlSize estimates the size of a StratML export, a little over, so
// that it fills one buffer: the text, and for each element its name twice
// and its indentation.
func stratmlSize(p *plan.Plan, part2 bool) int {
	pub := &p.Pub
	n := 1024 + len(pub.Title) + 2*len(pub.Description) + 2*len(pub.Subtitle) + len(pub.Period) + len(pub.Number) +
		len(pub.PrioritiesTitle) + len(pub.Organization) + len(pub.Vision) + len(pub.Mission) + len(pub.Date) + len(pub.BaseURL)
	for _, pr := range pub.Priorities {
		n += 64 + len(pr.Title) + len(pr.Description)
	}
	for _, g := range p.Goals {
		n += 160 + len(g.Name) + len(g.Statement) + 2*len(g.Ref.ID) + g.Intro.Len() // the text is no longer than its HTML
	}
	for _, o := range p.Objectives {
		n += 240 + len(o.Title) + len(o.Statement) + len(o.Ref.ID) + len(o.Number) + len(o.Ref.Page) + len(pub.BaseURL)
		for _, it := range o.Activities {
			n += 8 + len(o.Number) + len(it.Text)
		}
		for _, it := range o.Outcomes {
			if part2 {
				n += 480 + len(o.Number) + len(it.Ref.ID) + len(it.Text)
			} else {
				n += 3 + len(it.Text)
			}
		}
	}
	return n + n/16
}
