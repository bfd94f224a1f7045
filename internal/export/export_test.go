package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stratpub/stratpub/internal/build"
	. "github.com/stratpub/stratpub/internal/export"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/sitetest"
)

var (
	cbpOnce sync.Once
	cbpSite *build.Site
)

// cbp builds the CBP publication once for the package.
func cbp(t *testing.T) *build.Site {
	t.Helper()
	cbpOnce.Do(func() { _, cbpSite = sitetest.CBP(t) })
	if cbpSite == nil {
		t.Fatal("the CBP build failed in an earlier test")
	}
	return cbpSite
}

// siteFile returns a file of the built site.
func siteFile(t *testing.T, s *build.Site, path string) []byte {
	t.Helper()
	for _, f := range s.Files {
		if f.Path == path {
			return f.Data
		}
	}
	t.Fatalf("the site has no %s", path)
	return nil
}

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	var schema map[string]any
	if err := json.Unmarshal(Schema(), &schema); err != nil {
		t.Fatalf("strategy.schema.json: %v", err)
	}
	if schema["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v, want draft 2020-12", schema["$schema"])
	}
	return schema
}

func TestJSONValidatesAgainstSchema(t *testing.T) {
	s := cbp(t)
	schema := loadSchema(t)
	data := siteFile(t, s, JSONPath)
	if !bytes.Equal(siteFile(t, s, SchemaPath), Schema()) {
		t.Errorf("%s is not the embedded schema", SchemaPath)
	}
	doc, err := decodeAny(data)
	if err != nil {
		t.Fatal(err)
	}
	if errs := validate(schema, schema, doc, ""); len(errs) > 0 {
		t.Fatalf("%s does not validate:\n%s", JSONPath, strings.Join(errs, "\n"))
	}
}

// TestValidatorRejects is the negative control of the validator: each
// mutation of the real document must be reported.
func TestValidatorRejects(t *testing.T) {
	schema := loadSchema(t)
	data := siteFile(t, cbp(t), JSONPath)
	tests := []struct {
		name   string
		mutate func(d map[string]any)
		want   string
	}{
		{"missing required", func(d map[string]any) { delete(d["publication"].(map[string]any), "title") }, `/publication: missing required property "title"`},
		{"unknown property", func(d map[string]any) { d["extra"] = 1 }, `property "extra" is not allowed`},
		{"wrong type", func(d map[string]any) { d["goals"].([]any)[0].(map[string]any)["number"] = "1" }, "/goals/0/number: type is string, want integer"},
		{"enum", func(d map[string]any) { d["schema_version"] = "0.9" }, "/schema_version: 0.9 is not one of"},
		{"pattern", func(d map[string]any) {
			d["objectives"].([]any)[0].(map[string]any)["activities"].([]any)[0].(map[string]any)["id"] = "activity 1"
		}, `/objectives/0/activities/0/id: "activity 1" does not match`},
		{"minItems", func(d map[string]any) { d["objectives"].([]any)[1].(map[string]any)["outcomes"] = []any{} }, "/objectives/1/outcomes: 0 items, want at least 1"},
		{"item type", func(d map[string]any) { d["goals"].([]any)[0].(map[string]any)["objectives"] = []any{7.0} }, "/goals/0/objectives/0: type is integer, want string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := decodeAny(data)
			if err != nil {
				t.Fatal(err)
			}
			tt.mutate(v.(map[string]any))
			errs := validate(schema, schema, v, "")
			if !strings.Contains(strings.Join(errs, "\n"), tt.want) {
				t.Errorf("errors %q do not include %q", errs, tt.want)
			}
		})
	}
	t.Run("unsupported keyword", func(t *testing.T) {
		bad := map[string]any{"type": "string", "maxLength": 3.0}
		if errs := validate(bad, bad, "abcd", ""); len(errs) == 0 {
			t.Error("a schema keyword the validator ignores was accepted")
		}
	})
}

// TestJSONRoundTrip decodes the JSON file strictly and compares it with the
// plan, field by field.
func TestJSONRoundTrip(t *testing.T) {
	s := cbp(t)
	p := s.Plan
	dec := json.NewDecoder(bytes.NewReader(siteFile(t, s, JSONPath)))
	dec.DisallowUnknownFields()
	var d Document
	if err := dec.Decode(&d); err != nil {
		t.Fatal(err)
	}
	eq := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	eq("schema_version", d.SchemaVersion, SchemaVersion)
	eq("title", d.Publication.Title, p.Pub.Title)
	eq("organization", d.Publication.Organization, p.Pub.Organization)
	eq("date", d.Publication.PublicationDate, p.Pub.Date)
	eq("mission", d.Publication.Mission, p.Pub.Mission)
	eq("vision", d.Publication.Vision, p.Pub.Vision)
	if len(d.Priorities) != len(p.Pub.Priorities) {
		t.Fatalf("%d priorities, want %d", len(d.Priorities), len(p.Pub.Priorities))
	}
	for i, pr := range p.Pub.Priorities {
		eq("priority id", d.Priorities[i].ID, pr.Ref.ID)
		eq("priority title", d.Priorities[i].Title, pr.Title)
		eq("priority description", d.Priorities[i].Description, pr.Description)
	}
	sections := append(append([]*plan.Section{}, p.Front...), p.Back...)
	if len(d.Sections) != len(sections) {
		t.Fatalf("%d sections, want %d", len(d.Sections), len(sections))
	}
	for i, sec := range sections {
		got := d.Sections[i]
		eq("section id", got.ID, sec.Ref.ID)
		eq("section url", got.URL, sec.Ref.Page)
		eq("section matter", got.Matter, sec.Matter)
		eq("section text", got.Body.Text, sec.Body.Text())
		if len(got.Figures) != len(sec.Figures) || len(got.Body.Footnotes) != len(sec.Body.Footnotes) {
			t.Errorf("section %s: figures or footnotes differ", sec.Ref.ID)
		}
	}
	if len(d.Goals) != len(p.Goals) || len(d.Objectives) != len(p.Objectives) {
		t.Fatalf("%d goals and %d objectives, want %d and %d", len(d.Goals), len(d.Objectives), len(p.Goals), len(p.Objectives))
	}
	for i, g := range p.Goals {
		got := d.Goals[i]
		eq("goal id", got.ID, g.Ref.ID)
		eq("goal name", got.Name, g.Name)
		eq("goal statement", got.Statement, g.Statement)
		eq("goal url", got.URL, g.Ref.Page)
		eq("goal intro", got.Intro.Text, g.Intro.Text())
		if len(got.Objectives) != len(g.Objectives) {
			t.Errorf("goal %d lists %d objectives, want %d", g.Number, len(got.Objectives), len(g.Objectives))
		}
	}
	byID := map[string]Objective{}
	for _, o := range d.Objectives {
		byID[o.ID] = o
	}
	for _, o := range p.Objectives {
		got, ok := byID[o.Ref.ID]
		if !ok {
			t.Errorf("objective %s is missing", o.Ref.ID)
			continue
		}
		eq("objective number", got.Number, o.Number)
		eq("objective goal", got.Goal, o.Goal.Ref.ID)
		eq("objective title", got.Title, o.Title)
		eq("objective statement", got.Statement, o.Statement)
		eq("objective summary statement", got.SummaryStatement, o.SummaryStatement)
		eq("objective url", got.URL, "objectives/"+o.Number+"/index.html")
		eq("objective narrative", got.Narrative.Text, o.Narrative.Text())
		if len(got.Narrative.Footnotes) != len(o.Narrative.Footnotes) {
			t.Errorf("objective %s: %d footnotes, want %d", o.Number, len(got.Narrative.Footnotes), len(o.Narrative.Footnotes))
		}
		for j, f := range o.Narrative.Footnotes {
			if j < len(got.Narrative.Footnotes) {
				eq("footnote text", got.Narrative.Footnotes[j].Text, f.Text)
			}
		}
		check := func(kind string, got []Item, want []*plan.Item) {
			if len(got) != len(want) {
				t.Errorf("objective %s: %d %s, want %d", o.Number, len(got), kind, len(want))
				return
			}
			for j, it := range want {
				eq(kind+" id", got[j].ID, it.Ref.ID)
				eq(kind+" text", got[j].Text, it.Text)
				eq(kind+" url", got[j].URL, o.Ref.Page+"#"+it.Ref.ID)
				eq(kind+" permalink", got[j].Permalink, got[j].URL) // no base URL
			}
		}
		check("outcomes", got.Outcomes, o.Outcomes)
		check("activities", got.Activities, o.Activities)
		if strings.Contains(got.Narrative.HTML, "site:") {
			t.Errorf("objective %s: internal site: links in the HTML", o.Number)
		}
	}
}

func TestCSV(t *testing.T) {
	s := cbp(t)
	data := siteFile(t, s, CSVPath)
	rest, ok := bytes.CutPrefix(data, []byte("\ufeff"))
	if !ok {
		t.Error("the CSV does not start with a UTF-8 byte-order mark")
	}
	if !bytes.Contains(rest, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(rest, []byte("\r\n"), nil), []byte("\n\"")) {
		t.Error("records do not end with CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(CSVHeader, ",") {
		t.Errorf("header = %q", rows[0])
	}
	var want []*plan.Item
	for _, o := range s.Plan.Objectives {
		want = append(want, o.Activities...)
	}
	if len(rows)-1 != len(want) {
		t.Fatalf("%d rows, want one per key activity (%d)", len(rows)-1, len(want))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, a := range want {
		row := rows[i+1]
		if row[col["activity_id"]] != a.Ref.ID || row[col["activity"]] != a.Text ||
			row[col["objective_number"]] != a.Objective.Number || row[col["goal_name"]] != a.Objective.Goal.Name ||
			row[col["permalink"]] != a.Ref.URL() {
			t.Errorf("row %d = %q, want activity %s", i+1, row, a.Ref.ID)
		}
		if !strings.Contains(row[col["desired_outcomes"]], a.Objective.Outcomes[0].Text) {
			t.Errorf("row %d: desired outcomes %q", i+1, row[col["desired_outcomes"]])
		}
	}
}

var xmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// stratmlSchema returns the path of a StratML schema under ../shared, or
// skips the test loudly when ../shared is absent.
func stratmlSchema(t *testing.T, name string) string {
	t.Helper()
	shared := filepath.Join(sitetest.RepoRoot(t), "..", "shared")
	if _, err := os.Stat(shared); errors.Is(err, os.ErrNotExist) {
		t.Skip("SKIPPING StratML schema validation: ../shared (the StratML schemas) is absent")
	}
	p := filepath.Join(shared, "stratml", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("../shared is present but the schema is not: %v", err)
	}
	return p
}

// xmllint validates data against an XSD and returns its output.
func xmllint(t *testing.T, xsd string, data []byte) (string, error) {
	t.Helper()
	exe, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("STRATPUB_BROWSER_TESTS") == "1" {
			t.Fatal("xmllint is missing (install libxml2-utils)")
		}
		t.Skip("SKIPPING StratML validation: xmllint is missing (install libxml2-utils)")
	}
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exe, "--noout", "--nonet", "--schema", xsd, f).CombinedOutput()
	return string(out), err
}

func TestStratMLValidates(t *testing.T) {
	s := cbp(t)
	for _, tt := range []struct{ path, xsd, root string }{
		{StratMLPath, "StrategicPlanISOVersion20140401.xsd", `<StrategicPlan xmlns="` + StratMLNamespace + `">`},
		{Part2Path, "PerformancePlanOrReport20160216.xsd", `<PerformancePlanOrReport xmlns="` + Part2Namespace + `" Type="Strategic_Plan">`},
	} {
		t.Run(tt.path, func(t *testing.T) {
			xsd := stratmlSchema(t, tt.xsd)
			data := siteFile(t, s, tt.path)
			if !bytes.Contains(data, []byte(tt.root)) {
				t.Errorf("no root element %s", tt.root)
			}
			if out, err := xmllint(t, xsd, data); err != nil {
				t.Fatalf("xmllint: %v\n%s", err, out)
			}
			// Every objective and its key activities are there.
			for _, o := range s.Plan.Objectives {
				if !bytes.Contains(data, []byte("<Identifier>"+o.Ref.ID+"</Identifier>")) {
					t.Errorf("objective %s is missing", o.Ref.ID)
				}
				for _, a := range o.Activities {
					if !bytes.Contains(data, []byte(xmlText.Replace(a.Text))) {
						t.Errorf("key activity %s is missing", a.Ref.ID)
					}
				}
			}
			ids := regexp.MustCompile(`<Identifier>([^<]*)</Identifier>`).FindAllSubmatch(data, -1)
			seen := map[string]bool{}
			for _, m := range ids {
				if seen[string(m[1])] {
					t.Errorf("identifier %s is used twice", m[1])
				}
				seen[string(m[1])] = true
			}
		})
	}
}

// TestStratMLNegative proves that the validation can fail: elements out of
// schema order, an identifier that is not an XML ID and a bad date are
// each rejected. (xmllint does not report duplicate identifiers in element
// content, so TestStratMLValidates checks uniqueness itself.)
func TestStratMLNegative(t *testing.T) {
	xsd := stratmlSchema(t, "StrategicPlanISOVersion20140401.xsd")
	good, err := StratML(cbp(t).Plan)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, old, new string }{
		{"order", "<Name>" + cbp(t).Plan.Pub.Title + "</Name>\n", ""},
		{"identifier not an XML ID", "<Identifier>goal-2</Identifier>", "<Identifier>2 goal</Identifier>"},
		{"date", "<PublicationDate>" + cbp(t).Plan.Pub.Date, "<PublicationDate>December 2020"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(string(good), tt.old, tt.new, 1)
			if bad == string(good) {
				t.Fatalf("the mutation %q did not apply", tt.old)
			}
			if out, err := xmllint(t, xsd, []byte(bad)); err == nil {
				t.Errorf("xmllint accepted an invalid document:\n%s", out)
			}
		})
	}
}

// TestDeterministic renders every data file twice and requires the same
// bytes.
func TestDeterministic(t *testing.T) {
	p := cbp(t).Plan
	a, err := Files(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Files(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("%s differs between two runs", a[i].Path)
		}
	}
}
