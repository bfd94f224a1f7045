package export

import (
	"errors"
	"fmt"
	"strings"
	"sync"

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

// Paths returns the site paths of the files Files makes, in its order.
func Paths() []string {
	return []string{JSONPath, SchemaPath, CSVPath, StratMLPath, Part2Path}
}

// Files renders every data file of p, in the order the Data page lists
// them, each whole in memory; Write streams one of them instead.
func Files(p *plan.Plan) ([]File, error) {
	// The writers only read the plan: run them side by side.
	writers := []struct {
		path string
		fn   func(*plan.Plan) ([]byte, error)
	}{{JSONPath, JSON}, {CSVPath, CSV}, {StratMLPath, StratML}, {Part2Path, StratMLPart2}}
	data := make([][]byte, len(writers))
	errs := make([]error, len(writers))
	var wg sync.WaitGroup
	for i, w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data[i], errs[i] = w.fn(p)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("%s: %w", w.path, errs[i])
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	files := List()
	files[0].Data, files[2].Data, files[3].Data, files[4].Data = data[0], data[1], data[2], data[3]
	return files, nil
}

// List describes the files Files makes, in its order, without making
// them: Data is empty, but for the schema, which is always the same.
func List() []File {
	return []File{
		{Path: JSONPath, Title: "The whole plan as JSON", Format: "JSON", Lang: "json"},
		{Path: SchemaPath, Title: "JSON Schema of the JSON file", Format: "JSON Schema", Lang: "json", Data: Schema()},
		{Path: CSVPath, Title: "Key activities as CSV", Format: "CSV", Lang: "csv"},
		{Path: StratMLPath, Title: "StratML Part 1 (ISO 17469-1) strategic plan", Format: "XML", Lang: "xml"},
		{Path: Part2Path, Title: "StratML Part 2 plan with desired outcomes as performance indicators", Format: "XML", Lang: "xml"},
	}
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
