package render

import (
	"encoding/json"
	"html/template"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/plan"
)

// jsonLDTemplate is the JSON-LD as the theme wrote it before JSONLD:
// html/template's own escaping of each value in a script element. JSONLD
// must write the same bytes.
const jsonLDTemplate = `{"@context": "https://schema.org", "@type": "WebPage", "name": {{.Heading}}, "inLanguage": {{.Pub.Language}}
{{- with .Description}}, "description": {{.}}{{end}}
{{- with .Canonical}}, "url": {{.}}{{end}},
 "isPartOf": {"@type": "Report", "name": {{.Pub.Title}}
{{- with .Pub.Subtitle}}, "alternativeHeadline": {{.}}{{end}}
{{- with .Pub.Description}}, "description": {{.}}{{end}}
{{- with .Pub.Number}}, "identifier": {{.}}{{end}}
{{- with .Pub.Date}}, "datePublished": {{.}}{{end}}
{{- with .Pub.BaseURL}}, "url": {{.}}{{end}}, "inLanguage": {{.Pub.Language}},
  "author": {"@type": "Organization", "name": {{.Pub.Organization}}},
  "publisher": {"@type": "Organization", "name": {{.Pub.Organization}}}}}`

func TestJSONLDLikeTemplate(t *testing.T) {
	tmpl := template.Must(template.New("x").Parse(`<script type="application/ld+json">` + jsonLDTemplate + `</script>`))
	tricky := []string{"", "Plain", `</script><b>&'"\`, "line\u2028sep\u2029", "é — “quoted”", "\x01\x7f", "bad \xff utf-8", "{{.x}}", "<!-- -->"}
	n := 0
	for i, a := range tricky {
		for _, b := range tricky {
			pub := &plan.Publication{Title: a, Subtitle: b, Organization: a + b, Language: "en", Description: b,
				Number: a, Date: b, BaseURL: map[bool]string{true: "https://example.org/p/", false: ""}[i%2 == 0]}
			s := &Site{Pub: pub}
			pg := &Page{Site: s, Pub: pub, Heading: b, Description: a, Path: "goals/1/index.html"}
			var want strings.Builder
			if err := tmpl.Execute(&want, pg); err != nil {
				t.Fatal(err)
			}
			got := `<script type="application/ld+json">` + string(pg.JSONLD()) + `</script>`
			if got != want.String() {
				t.Errorf("Heading %q, Title %q:\n got %s\nwant %s", b, a, got, want.String())
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(pg.JSONLD()), &v); err != nil || strings.Contains(string(pg.JSONLD()), "</") {
				t.Errorf("Heading %q, Title %q: not JSON safe in a script element (%v): %s", b, a, err, pg.JSONLD())
			}
			n++
		}
	}
	if n < 50 {
		t.Fatalf("only %d cases", n)
	}
}
