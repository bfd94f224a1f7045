package pdf

import (
	"bytes"
	"sort"
)

// instr is one content-stream instruction: its operands and operator,
// as a span of the stream.
type instr struct {
	start, end int
	op         string
	name       Name // the last name operand, e.g. /Artifact of BMC
}

// tokenize splits a content stream into instructions. Inline images
// (BI … ID data EI) become one instruction with the operator BI.
func tokenize(b []byte) ([]instr, error) {
	p := &parser{b: b}
	var out []instr
	start := -1
	var last Name
	for {
		p.skip()
		if p.pos >= len(b) {
			return out, nil
		}
		if start < 0 {
			start = p.pos
		}
		c := b[p.pos]
		if c == '/' || c == '(' || c == '<' || c == '[' || c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			if n, ok := v.(Name); ok {
				last = n
			}
			continue
		}
		op := p.word()
		if op == "" {
			return nil, p.errorf("unexpected %q in content stream", c)
		}
		if op == "BI" {
			end := inlineImageEnd(b, p.pos)
			if end < 0 {
				return nil, p.errorf("unterminated inline image")
			}
			p.pos = end
		}
		out = append(out, instr{start: start, end: p.pos, op: op, name: last})
		start, last = -1, ""
	}
}

// inlineImageEnd returns the offset after the EI that ends an inline
// image whose BI ends at pos, or -1.
func inlineImageEnd(b []byte, pos int) int {
	id := bytes.Index(b[pos:], []byte("ID"))
	if id < 0 {
		return -1
	}
	for i := pos + id + 3; i+2 <= len(b); i++ {
		if b[i] == 'E' && b[i+1] == 'I' && isSpace(b[i-1]) && (i+2 == len(b) || isSpace(b[i+2])) {
			return i + 2
		}
	}
	return -1
}

var (
	pathConstruct = map[string]bool{"m": true, "l": true, "c": true, "v": true, "y": true, "h": true, "re": true}
	pathPaint     = map[string]bool{"f": true, "F": true, "f*": true, "S": true, "s": true, "B": true, "B*": true, "b": true, "b*": true}
	textShow      = map[string]bool{"Tj": true, "TJ": true, "'": true, `"`: true}
)

// artifacts wraps every graphics object that lies outside any
// marked-content sequence in /Artifact BMC … EMC, and returns the new
// stream and the number of sequences added. Chromium leaves CSS margin
// boxes (running headers, page numbers), ::before/::after text and some
// borders outside the structure; PDF/UA wants all content either tagged
// or marked as an artifact.
func artifacts(b []byte) ([]byte, int, error) {
	ins, err := tokenize(b)
	if err != nil {
		return nil, 0, err
	}
	type insert struct {
		at   int
		open bool
	}
	var marks []insert
	wrap := func(i, j int) {
		marks = append(marks, insert{ins[i].start, true}, insert{ins[j].end, false})
	}
	isMC := func(op string) bool { return op == "BDC" || op == "BMC" }
	depth := 0
	for i := 0; i < len(ins); i++ {
		op := ins[i].op
		switch {
		case isMC(op):
			depth++
			continue
		case op == "EMC":
			depth = max(0, depth-1)
			continue
		case depth > 0:
			continue
		}
		switch {
		case op == "BT":
			j, plain, shows := i, true, false
			for j < len(ins) && ins[j].op != "ET" {
				plain = plain && !isMC(ins[j].op) && ins[j].op != "EMC"
				shows = shows || textShow[ins[j].op]
				j++
			}
			if j < len(ins) && plain && shows {
				wrap(i, j)
				i = j
			}
			// Otherwise the text-showing operators at depth 0 are
			// wrapped one by one as the loop reaches them.
		case textShow[op]:
			wrap(i, i)
		case pathConstruct[op]:
			j := i
			for j < len(ins) && (pathConstruct[ins[j].op] || ins[j].op == "W" || ins[j].op == "W*") {
				j++
			}
			if j < len(ins) && pathPaint[ins[j].op] {
				wrap(i, j)
			}
			i = j
		case op == "Do" || op == "sh" || op == "BI":
			wrap(i, i)
		}
	}
	if len(marks) == 0 {
		return b, 0, nil
	}
	sort.SliceStable(marks, func(a, c int) bool { return marks[a].at < marks[c].at })
	var out bytes.Buffer
	prev := 0
	for _, m := range marks {
		out.Write(b[prev:m.at])
		prev = m.at
		if m.open {
			out.WriteString("/Artifact BMC\n")
		} else {
			out.WriteString("\nEMC")
		}
	}
	out.Write(b[prev:])
	return out.Bytes(), len(marks) / 2, nil
}
