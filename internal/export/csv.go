package export

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/stratpub/stratpub/internal/plan"
)

// CSVHeader names the columns of the key activities CSV.
var CSVHeader = []string{
	"activity_id", "activity_number", "activity", "goal_number", "goal_name", "goal_statement",
	"objective_number", "objective_title", "objective_statement", "desired_outcomes", "permalink",
}

// bom starts the CSV so that spreadsheet programs read it as UTF-8 and not
// in the machine's legacy code page (which garbles dashes and quotes).
const bom = "\ufeff"

// CSV renders one row per key activity, in plan order: RFC 4180 (quoted
// as needed, CRLF line ends), UTF-8 with a byte-order mark. An objective
// with several desired outcomes has them in one cell, one per line.
func CSV(p *plan.Plan) ([]byte, error) {
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
