package export

import (
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/swar"
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
	c := csvWriter{out: newOut(nil, csvSize(p))}
	c.file(p)
	return c.buf, nil
}

// WriteCSV writes the key activities CSV of the plan to w: the bytes CSV
// returns, a part at a time.
func WriteCSV(w io.Writer, p *plan.Plan) error {
	c := csvWriter{out: newOut(w, 0)}
	c.file(p)
	return c.flush()
}

// csvWriter writes CSV as encoding/csv does with UseCRLF.
type csvWriter struct {
	out
	links
	outcomes []byte
}

func (c *csvWriter) file(p *plan.Plan) {
	c.pub = &p.Pub
	c.buf = append(c.buf, bom...)
	for i, h := range CSVHeader {
		c.field(i, h)
	}
	c.buf = append(c.buf, '\r', '\n')
	var goal []byte
	for _, o := range p.Objectives {
		// The desired outcomes, one per line.
		var outcomes string
		if len(o.Outcomes) == 1 {
			outcomes = o.Outcomes[0].Text
		} else {
			c.outcomes = c.outcomes[:0]
			for i, it := range o.Outcomes {
				if i > 0 {
					c.outcomes = append(c.outcomes, '\n')
				}
				c.outcomes = append(c.outcomes, it.Text...)
			}
			outcomes = str(c.outcomes)
		}
		goal = strconv.AppendInt(goal[:0], int64(o.Goal.Number), 10)
		for _, a := range o.Activities {
			c.field(0, a.Ref.ID)
			c.field(1, c.itemNumber(a))
			c.field(2, a.Text)
			c.field(3, str(goal))
			c.field(4, o.Goal.Name)
			c.field(5, o.Goal.Statement)
			c.field(6, o.Number)
			c.field(7, o.Title)
			c.field(8, o.Statement)
			c.field(9, outcomes)
			c.field(10, c.permalink(&a.Ref))
			c.buf = append(c.buf, '\r', '\n')
			c.maybeFlush()
		}
	}
}

// field writes the n-th field of a record.
func (c *csvWriter) field(n int, s string) {
	if n > 0 {
		c.buf = append(c.buf, ',')
	}
	if !csvNeedsQuotes(s) {
		c.buf = append(c.buf, s...)
		return
	}
	c.buf = append(c.buf, '"')
	for len(s) > 0 {
		i := strings.IndexAny(s, "\"\r\n")
		if i < 0 {
			i = len(s)
		}
		c.buf = append(c.buf, s[:i]...)
		s = s[i:]
		if len(s) > 0 {
			switch s[0] {
			case '"':
				c.buf = append(c.buf, '"', '"')
			case '\n':
				c.buf = append(c.buf, '\r', '\n')
			}
			s = s[1:]
		}
	}
	c.buf = append(c.buf, '"')
}

// csvNeedsQuotes is encoding/csv's rule for a comma separator.
func csvNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` {
		return true
	}
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := swar.Load(s, i)
		if (swar.Equal(x, '\n')|swar.Equal(x, '\r')|swar.Equal(x, '"')|swar.Equal(x, ','))&swar.High != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		switch s[i] {
		case '\n', '\r', '"', ',':
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// csvSize estimates the size of the CSV export, a little over, so that
// CSV fills one buffer.
func csvSize(p *plan.Plan) int {
	n := 256
	for _, o := range p.Objectives {
		outcomes := 0
		for _, it := range o.Outcomes {
			outcomes += len(it.Text) + 2
		}
		row := 40 + len(o.Goal.Name) + len(o.Goal.Statement) + len(o.Number) + len(o.Title) +
			len(o.Statement) + outcomes + len(o.Ref.Page) + len(p.Pub.BaseURL)
		for _, a := range o.Activities {
			n += row + 2*len(a.Ref.ID) + len(o.Number) + len(a.Text)
		}
	}
	return n + n/32
}
