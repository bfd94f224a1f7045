package export

import (
	"fmt"
	"io"

	"github.com/stratpub/stratpub/internal/plan"
)

// Write writes the data file at the site path of p to w, one of Paths, a
// part at a time: the bytes Files gives for it. A build can write each
// file straight to disk with it, without holding it whole in memory.
func Write(w io.Writer, p *plan.Plan, path string) error {
	switch path {
	case JSONPath:
		return WriteJSON(w, p)
	case SchemaPath:
		_, err := w.Write(schema)
		return err
	case CSVPath:
		return WriteCSV(w, p)
	case StratMLPath:
		return WriteStratML(w, p)
	case Part2Path:
		return WriteStratMLPart2(w, p)
	}
	return fmt.Errorf("export: no data file %s", path)
}

// Check reports the first problem that would stop Write from writing one
// of the data files of p, without writing any.
func Check(p *plan.Plan) error {
	if err := checkIDs(p, false); err != nil {
		return err
	}
	return checkIDs(p, true)
}
