package export

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/stratpub/stratpub/internal/plan"
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

// ncName matches an XML NCName made of ASCII characters, the form of
// xsd:ID values.
var ncName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9._-]*$`)

func stratml(p *plan.Plan, part2 bool) ([]byte, error) {
	pub := &p.Pub
	w := &xmlWriter{ids: map[string]bool{}}
	w.buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if part2 {
		w.open("PerformancePlanOrReport", "xmlns", Part2Namespace, "Type", "Strategic_Plan")
	} else {
		w.open("StrategicPlan", "xmlns", StratMLNamespace)
	}
	w.text("Name", pub.Title)
	w.text("Description", firstNonEmpty(pub.Description, pub.Subtitle))
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
		w.text("OtherInformation", g.Intro.Text)
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

func (w *xmlWriter) objective(pub *plan.Publication, o *plan.Objective, part2 bool) {
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
	buf   bytes.Buffer
	stack []string
	ids   map[string]bool
	err   error
}

func (w *xmlWriter) indent() {
	w.buf.WriteString(strings.Repeat("  ", len(w.stack)))
}

// open starts an element; attrs are name, value pairs.
func (w *xmlWriter) open(name string, attrs ...string) {
	w.indent()
	w.buf.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.buf.WriteString(" " + attrs[i] + `="` + escape(attrs[i+1], true) + `"`)
	}
	w.buf.WriteString(">\n")
	w.stack = append(w.stack, name)
}

func (w *xmlWriter) close() {
	name := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.indent()
	w.buf.WriteString("</" + name + ">\n")
}

// text writes an element with text content; empty text writes nothing,
// since every optional StratML element may be left out.
func (w *xmlWriter) text(name, s string) {
	if s == "" {
		return
	}
	w.indent()
	w.buf.WriteString("<" + name + ">" + escape(s, false) + "</" + name + ">\n")
}

func (w *xmlWriter) empty(name string) {
	w.indent()
	w.buf.WriteString("<" + name + "/>\n")
}

// id writes an Identifier, checking that it is a valid, unique xsd:ID.
func (w *xmlWriter) id(s string) {
	switch {
	case !ncName.MatchString(s):
		w.fail(fmt.Errorf("identifier %q is not a valid XML ID", s))
	case w.ids[s]:
		w.fail(fmt.Errorf("identifier %q is used twice", s))
	}
	w.ids[s] = true
	w.text("Identifier", s)
}

func (w *xmlWriter) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// escape escapes text for XML content or attribute values, and drops the
// characters XML 1.0 cannot hold.
func escape(s string, attr bool) string {
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
