package export

import (
	"fmt"
	"strings"

	"github.com/stratpub/stratpub/internal/plan"
)

// Site paths of the data files.
const (
	JSONPath    = "data/strategy.json"
	SchemaPath  = "data/strategy.schema.json"
	CSVPath     = "data/key-activities.csv"
	StratMLPath = "data/strategy.stratml.xml"
	Part2Path   = "data/strategy.stratml-part2.xml"
)

// File is one data file.
type File struct {
	Path   string // site path
	Title  string // what people call it, for the Data page
	Format string // short format name: JSON, CSV, XML
	Lang   string // the highlighting lexer for samples: json, csv, xml
	Data   []byte
}

// Files renders every data file of p, in the order the Data page lists
// them.
func Files(p *plan.Plan) ([]File, error) {
	js, err := JSON(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", JSONPath, err)
	}
	csv, err := CSV(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CSVPath, err)
	}
	sm, err := StratML(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", StratMLPath, err)
	}
	sm2, err := StratMLPart2(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Part2Path, err)
	}
	return []File{
		{Path: JSONPath, Title: "The whole plan as JSON", Format: "JSON", Lang: "json", Data: js},
		{Path: SchemaPath, Title: "JSON Schema of the JSON file", Format: "JSON Schema", Lang: "json", Data: Schema()},
		{Path: CSVPath, Title: "Key activities as CSV", Format: "CSV", Lang: "csv", Data: csv},
		{Path: StratMLPath, Title: "StratML Part 1 (ISO 17469-1) strategic plan", Format: "XML", Lang: "xml", Data: sm},
		{Path: Part2Path, Title: "StratML Part 2 plan with desired outcomes as performance indicators", Format: "XML", Lang: "xml", Data: sm2},
	}, nil
}

// permalink returns the absolute address of a site path when the
// publication has a base URL, and the site path otherwise. Like canonical
// links, it drops a trailing index.html.
func permalink(pub *plan.Publication, u string) string {
	if pub.BaseURL == "" {
		return u
	}
	page, frag, hasFrag := strings.Cut(u, "#")
	page = strings.TrimSuffix(page, "index.html")
	if hasFrag {
		return pub.BaseURL + page + "#" + frag
	}
	return pub.BaseURL + page
}
