// Package yamlblock parses the small, regular subset of YAML that front
// matter is written in, and returns the same tree of *yaml.Node that
// go.yaml.in/yaml/v3 would, many times faster and with a handful of
// allocations. Loading a publication spends most of its time in yaml.v3's
// general parser; most front matter needs none of its generality.
//
// Parse accepts only what it is sure of and says so: for anything else it
// returns ok false, and the caller parses the text with yaml.v3, which also
// reports the errors. The subset is
//
//   - block mappings whose keys are plain words of at most 256 bytes (an
//     ASCII letter, digit or "_", then letters, digits, "_", "-" or "."),
//     each followed by ":" and a space or the end of the line, nested by
//     indentation;
//   - block sequences ("- " items), also at the same indentation as their
//     key ("key:\n- a"), whose items are scalars or block mappings;
//   - scalars on the line of their key or "-": plain (one line, without
//     ": " or a trailing ":"), double-quoted (one line, with yaml.v3's
//     escapes) and single-quoted (one line, a doubled quote for a quote);
//   - empty values ("key:" or "-" with nothing more indented below), which
//     are null;
//   - blank lines anywhere.
//
// The text as a whole is refused if it holds a tab, a carriage return, a
// "#" (comments), a control character, a line break other than "\n"
// (U+0085, U+2028, U+2029), a byte-order mark, U+FFFD, U+FFFE, U+FFFF or
// invalid UTF-8, or a line starting with "---" or "...". A plain scalar is accepted
// only when yaml.v3's resolver gives it a tag this package can name without
// reimplementing number and date parsing: !!str, !!int for a plain decimal
// integer without leading zeros, and !!bool or !!null for exactly the
// spellings in yaml.v3's table (true, True, TRUE, false, False, FALSE, ~,
// null, Null, NULL; yaml.v3 reads "yes" and "no" as strings). Anything else
// starting with a digit, "+", "-", "." or "<" is refused, and so are values
// starting with an indicator: "[", "{", "&", "*", "!", "|", ">", "%", "@",
// "`", "?", ":" and ",".
package yamlblock

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
	"unsafe"

	"go.yaml.in/yaml/v3"
)

// The tags yaml.v3 gives the nodes this package makes.
const (
	tagStr  = "!!str"
	tagInt  = "!!int"
	tagBool = "!!bool"
	tagNull = "!!null"
	tagSeq  = "!!seq"
	tagMap  = "!!map"
)

const (
	// maxDepth bounds the nesting of blocks. yaml.v3 refuses more than
	// 10000 levels; front matter has three or four, and recursion this deep
	// costs nothing.
	maxDepth = 100
	// maxKey bounds the length of a key. yaml.v3 requires the ":" of an
	// implicit key within 1024 characters of its start.
	maxKey = 256
)

// Parse parses src, the text of one YAML document (no "---" delimiter
// lines), when it lies within the subset this package reads, and returns
// what yaml.v3 would return for it: the document's top-level node (nil when
// the document holds nothing, i.e. yaml.v3's DocumentNode has no content).
// ok is false when src is outside the subset; the caller then parses it with
// yaml.v3, which also reports errors. Parse never accepts a text yaml.v3
// rejects.
//
// The nodes of one document share one allocation, and their strings share
// one copy of src; Parse keeps no reference to src itself.
func Parse(src []byte) (n *yaml.Node, ok bool) { return ParseIn(src, nil) }

// An Arena holds the nodes of a parsed document, for a program that parses
// many documents and lets each tree go before the next (a build): ParseIn
// reuses its memory. The zero Arena is ready to use.
type Arena struct {
	nodes []yaml.Node
	ptrs  []*yaml.Node
}

// ParseIn is Parse with the nodes in a, when a is not nil: the tree it
// returns is valid until a is used again, and its strings, which share one
// copy of src, stay valid after that.
func ParseIn(src []byte, a *Arena) (n *yaml.Node, ok bool) { return parseIn(src, a, false) }

// parseIn is ParseIn; with shared, the strings of the tree are cut from
// src itself, which the caller never modifies, rather than from a copy.
func parseIn(src []byte, a *Arena, shared bool) (n *yaml.Node, ok bool) {
	if !check(src) {
		return nil, false
	}
	bound := bound(src)
	// Every node but the root is in one Content slice, and the children
	// of the blocks being parsed are never more than all nodes: one
	// allocation holds both.
	var nodes []yaml.Node
	var ptrs []*yaml.Node
	if a != nil {
		if cap(a.nodes) < bound {
			a.nodes = make([]yaml.Node, 0, max(bound, 2*cap(a.nodes)))
			a.ptrs = make([]*yaml.Node, 2*cap(a.nodes))
		}
		nodes, ptrs = a.nodes[:0], a.ptrs[:2*bound]
	} else {
		nodes, ptrs = make([]yaml.Node, 0, bound), make([]*yaml.Node, 2*bound)
	}
	var text string
	if shared && len(src) > 0 {
		text = unsafe.String(&src[0], len(src))
	} else {
		text = string(src)
	}
	p := parser{
		s:     text,
		nodes: nodes,
		ptrs:  ptrs[:0:bound],
		kids:  ptrs[bound:bound],
	}
	if !p.next() {
		return nil, false
	}
	if p.eof {
		return nil, true
	}
	root, ok := p.block(p.ls + p.ind)
	if !ok || !p.eof {
		return nil, false
	}
	return root, true
}

// SecondDocument is the message of Document's error for a text that holds
// a second YAML document.
const SecondDocument = "a second YAML document starts here (a line beginning with ---)"

// Document parses src, the text of one YAML document, into its top-level
// node, or nil when it holds nothing: with Parse when src lies within the
// subset, otherwise with yaml.v3, which also reports every error. A line
// such as "--- x" starts a second YAML document, which yaml.v3 would
// ignore without a word: it is an error here.
func Document(src []byte) (*yaml.Node, error) { return DocumentIn(src, nil) }

// DocumentIn is Document with the nodes in a when Parse reads src (see
// ParseIn); a may be nil.
func DocumentIn(src []byte, a *Arena) (*yaml.Node, error) { return documentIn(src, a, false) }

// DocumentShared is DocumentIn for a src that its caller keeps and never
// modifies: when Parse reads it, the strings of the tree are cut from src
// itself, so that parsing the same bytes again gives the same strings, at
// the same addresses (yaml.v3 copies them).
func DocumentShared(src []byte, a *Arena) (*yaml.Node, error) { return documentIn(src, a, true) }

func documentIn(src []byte, a *Arena, shared bool) (*yaml.Node, error) {
	if n, ok := parseIn(src, a, shared); ok {
		return n, nil
	}
	return decodeV3(src)
}

// decodeV3 is Document with yaml.v3 alone.
func decodeV3(src []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, err
	default:
		return nil, fmt.Errorf("yaml: line %d: %s", max(extra.Line, 1), SecondDocument)
	}
	if n.Kind == 0 || len(n.Content) == 0 {
		return nil, nil
	}
	return n.Content[0], nil
}

// check reports whether src holds only characters Parse reads anywhere (see
// the package comment). It tests eight bytes at a time, and looks at them
// one by one only when one of them is a control character (which includes
// "\n"), "#", DEL or not ASCII.
func check(src []byte) bool {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	for i := 0; i < len(src); {
		for i+8 <= len(src) {
			x := binary.LittleEndian.Uint64(src[i:])
			// A bit of high is set for a byte below 0x20, a byte equal to
			// '#' or 0x7f, or a byte that is not ASCII; there may be false
			// positives after a true one, never a false negative.
			below := (x - ones*0x20) &^ x
			hash := x ^ ones*'#'
			del := x ^ ones*0x7f
			if (below|(hash-ones)&^hash|(del-ones)&^del|x)&high != 0 {
				break
			}
			i += 8
		}
		for end := min(i+8, len(src)); i < end; {
			c := src[i]
			if c < utf8.RuneSelf {
				if c < 0x20 && c != '\n' || c == '#' || c == 0x7f {
					return false
				}
				i++
				continue
			}
			r, size := utf8.DecodeRune(src[i:])
			// yaml.v3 refuses invalid UTF-8 and the C1 controls, and reads
			// U+0085, U+2028 and U+2029 as line breaks; U+FEFF, U+FFFE and
			// U+FFFF are refused for simplicity, and so is U+FFFD, which
			// cannot be told from invalid UTF-8 here.
			if r == utf8.RuneError || r < 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0xfffe || r == 0xffff {
				return false
			}
			i += size
		}
	}
	return true
}

// bound returns an upper bound of the number of nodes of the document src:
// the root, then two (key and value) for each key, which takes a line and a
// ":", and one for each sequence item, which takes a line and a "-".
func bound(src []byte) int {
	lines := bytes.Count(src, []byte("\n")) + 1
	return 1 + 2*min(bytes.Count(src, []byte(":")), lines) + min(bytes.Count(src, []byte("-")), lines)
}

// parser reads the document line by line. Every method that returns a node
// leaves the parser on the first non-blank line after that node (or at the
// end of the text), so that its caller decides by the indentation of that
// line whether its own block goes on.
type parser struct {
	s string

	// The current line: it spans s[ls:le], its first non-space byte is at
	// ls+ind, and it is line number line (1-based). eof is set when there
	// is no further non-blank line.
	ls, le, ind, line int
	eof               bool

	nl     int // offset of the line after the current one
	lineNo int // number of the line that starts at nl, less one

	depth int
	nodes []yaml.Node  // the nodes, allocated from here in order
	ptrs  []*yaml.Node // the Content slices, cut from here
	kids  []*yaml.Node // the children of the blocks being parsed
	buf   []byte       // the value of a quoted scalar with escapes
}

// next moves to the next non-blank line. It reports false for a line that
// starts with a document marker ("---" or "...").
func (p *parser) next() bool {
	for p.nl <= len(p.s) {
		ls := p.nl
		le := strings.IndexByte(p.s[ls:], '\n')
		if le < 0 {
			le = len(p.s)
		} else {
			le += ls
		}
		p.nl = le + 1
		p.lineNo++
		i := ls
		for i < le && p.s[i] == ' ' {
			i++
		}
		if i == le {
			continue
		}
		if i == ls && le-ls >= 3 && (p.s[ls:ls+3] == "---" || p.s[ls:ls+3] == "...") {
			return false
		}
		p.ls, p.le, p.ind, p.line = ls, le, i-ls, p.lineNo
		return true
	}
	p.eof = true
	return true
}

// node allocates a node at column col (0-based, in bytes; everything this
// package reads before a node on its line is ASCII, so bytes are runes) of
// line line.
func (p *parser) node(kind yaml.Kind, style yaml.Style, tag, value string, line, col int) *yaml.Node {
	if len(p.nodes) == cap(p.nodes) {
		// The bound Parse allocates for should make this unreachable;
		// stay correct if it is not.
		p.nodes = make([]yaml.Node, 0, 16)
	}
	p.nodes = p.nodes[:len(p.nodes)+1]
	n := &p.nodes[len(p.nodes)-1]
	*n = yaml.Node{Kind: kind, Style: style, Tag: tag, Value: value, Line: line, Column: col + 1} // an Arena's may be used
	return n
}

// content returns the children gathered since base, and forgets them.
func (p *parser) content(base int) []*yaml.Node {
	k := len(p.kids) - base
	if cap(p.ptrs)-len(p.ptrs) < k {
		p.ptrs = make([]*yaml.Node, 0, max(k, 16))
	}
	i := len(p.ptrs)
	p.ptrs = append(p.ptrs, p.kids[base:]...)
	p.kids = p.kids[:base]
	// A full slice expression, so that appending to one node's Content
	// cannot overwrite another's.
	return p.ptrs[i:len(p.ptrs):len(p.ptrs)]
}

// isEntry reports whether the current line holds a sequence entry ("-"
// then a space or the end of the line) at offset at.
func (p *parser) isEntry(at int) bool {
	return p.s[at] == '-' && (at+1 == p.le || p.s[at+1] == ' ')
}

// block parses the block mapping or sequence that starts at offset at of
// the current line.
func (p *parser) block(at int) (*yaml.Node, bool) {
	if p.isEntry(at) {
		return p.sequence(at)
	}
	return p.mapping(at)
}

// sequence parses the block sequence whose first "-" is at offset at of the
// current line. It ends at a line less indented, or one as indented that
// is not an entry (the next key of a mapping that holds the sequence at its
// own indentation).
func (p *parser) sequence(at int) (*yaml.Node, bool) {
	if p.depth++; p.depth > maxDepth {
		return nil, false
	}
	col := at - p.ls
	n := p.node(yaml.SequenceNode, 0, tagSeq, "", p.line, col)
	base := len(p.kids)
	for {
		q := at + 1
		for q < p.le && p.s[q] == ' ' {
			q++
		}
		var item *yaml.Node
		if q == p.le {
			// An empty item is null, placed just after its "-".
			line := p.line
			if !p.next() || !p.eof && p.ind > col {
				return nil, false
			}
			item = p.node(yaml.ScalarNode, 0, tagNull, "", line, col+1)
		} else {
			var ok bool
			if item, ok = p.item(q); !ok {
				return nil, false
			}
		}
		p.kids = append(p.kids, item)
		if p.eof || p.ind < col {
			break
		}
		if p.ind > col {
			return nil, false
		}
		at = p.ls + p.ind
		if !p.isEntry(at) {
			break
		}
	}
	n.Content = p.content(base)
	p.depth--
	return n, true
}

// item parses the sequence item that starts at offset at of the current
// line: a block mapping if the line holds a key there, otherwise a scalar.
func (p *parser) item(at int) (*yaml.Node, bool) {
	if isKeyStart(p.s[at]) {
		k := at + 1
		for k < p.le && isKeyByte(p.s[k]) {
			k++
		}
		if k < p.le && p.s[k] == ':' && (k+1 == p.le || p.s[k+1] == ' ') {
			return p.mapping(at)
		}
	}
	n, ok := p.scalar(at)
	if !ok || !p.next() {
		return nil, false
	}
	return n, true
}

// mapping parses the block mapping whose first key is at offset at of the
// current line. It ends at a line less indented.
func (p *parser) mapping(at int) (*yaml.Node, bool) {
	if p.depth++; p.depth > maxDepth {
		return nil, false
	}
	col := at - p.ls
	n := p.node(yaml.MappingNode, 0, tagMap, "", p.line, col)
	base := len(p.kids)
	for {
		if !isKeyStart(p.s[at]) {
			return nil, false
		}
		k := at + 1
		for k < p.le && isKeyByte(p.s[k]) {
			k++
		}
		if k-at > maxKey || k == p.le || p.s[k] != ':' || k+1 < p.le && p.s[k+1] != ' ' {
			return nil, false
		}
		tag, ok := resolve(p.s[at:k])
		if !ok {
			return nil, false
		}
		key := p.node(yaml.ScalarNode, 0, tag, p.s[at:k], p.line, col)
		v := k + 1
		for v < p.le && p.s[v] == ' ' {
			v++
		}
		var value *yaml.Node
		if v == p.le {
			// yaml.v3 places an empty value just after the ":".
			line, vcol := p.line, k+1-p.ls
			if !p.next() {
				return nil, false
			}
			switch {
			case p.eof || p.ind < col || p.ind == col && !p.isEntry(p.ls+p.ind):
				value = p.node(yaml.ScalarNode, 0, tagNull, "", line, vcol)
			case p.ind == col:
				value, ok = p.sequence(p.ls + p.ind)
			default:
				value, ok = p.block(p.ls + p.ind)
			}
		} else {
			value, ok = p.scalar(v)
			ok = ok && p.next()
		}
		if !ok {
			return nil, false
		}
		p.kids = append(p.kids, key, value)
		if p.eof || p.ind < col {
			break
		}
		if p.ind > col {
			return nil, false
		}
		at = p.ls + p.ind
	}
	n.Content = p.content(base)
	p.depth--
	return n, true
}

// isKeyStart reports whether c may start a key.
func isKeyStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// isKeyByte reports whether c may follow the first byte of a key.
func isKeyByte(c byte) bool {
	return isKeyStart(c) || c == '-' || c == '.'
}

// scalar parses the scalar that starts at offset at of the current line and
// ends with it. It does not move to the next line.
func (p *parser) scalar(at int) (*yaml.Node, bool) {
	switch p.s[at] {
	case '"':
		return p.doubleQuoted(at)
	case '\'':
		return p.singleQuoted(at)
	case '-', '?', ':', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '%', '@', '`':
		return nil, false
	}
	for i := at; ; i++ {
		k := strings.IndexByte(p.s[i:p.le], ':')
		if k < 0 {
			break
		}
		i += k
		if i+1 == p.le || p.s[i+1] == ' ' {
			return nil, false
		}
	}
	e := p.le
	for p.s[e-1] == ' ' {
		e--
	}
	tag, ok := resolve(p.s[at:e])
	if !ok {
		return nil, false
	}
	return p.node(yaml.ScalarNode, 0, tag, p.s[at:e], p.line, at-p.ls), true
}

// resolve returns the tag yaml.v3 gives the plain scalar s (not empty), or
// false when that could be other than !!str, a plain decimal !!int or one
// of the !!bool and !!null spellings of yaml.v3's table.
func resolve(s string) (tag string, ok bool) {
	switch c := s[0]; {
	case '0' <= c && c <= '9':
		// yaml.v3 tries a timestamp, then strconv.ParseInt with base 0,
		// then more. A decimal without leading zeros that fits in 18
		// digits is an int whichever way it is read.
		if len(s) > 18 || c == '0' && len(s) > 1 {
			return "", false
		}
		for i := 1; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return "", false
			}
		}
		return tagInt, true
	case c == '+' || c == '-' || c == '.' || c == '<':
		return "", false
	case strings.IndexByte("yYnNtTfFoO~", c) >= 0:
		switch s {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return tagBool, true
		case "~", "null", "Null", "NULL":
			return tagNull, true
		}
	}
	return tagStr, true
}

// singleQuoted parses the single-quoted scalar whose quote is at offset at
// of the current line; it must end on that line, with nothing but spaces
// after it.
func (p *parser) singleQuoted(at int) (*yaml.Node, bool) {
	s := p.s
	escaped := false
	i := at + 1
	for ; ; i++ {
		if i >= p.le {
			return nil, false
		}
		if s[i] == '\'' {
			if i+1 < p.le && s[i+1] == '\'' {
				escaped = true
				i++
				continue
			}
			break
		}
	}
	if !p.restBlank(i + 1) {
		return nil, false
	}
	value := s[at+1 : i]
	if escaped {
		value = strings.ReplaceAll(value, "''", "'")
	}
	return p.node(yaml.ScalarNode, yaml.SingleQuotedStyle, tagStr, value, p.line, at-p.ls), true
}

// restBlank reports whether the current line holds only spaces from offset
// i on.
func (p *parser) restBlank(i int) bool {
	for ; i < p.le; i++ {
		if p.s[i] != ' ' {
			return false
		}
	}
	return true
}

// simpleEscapes maps the character after a backslash to what it stands
// for in a double-quoted scalar, as yaml.v3 reads it; "" marks the
// characters that introduce a hexadecimal code or are not escapes.
var simpleEscapes = [utf8.RuneSelf]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", 'n': "\n", 'v': "\v", 'f': "\f",
	'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"", '\'': "'", '\\': "\\",
	'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

// doubleQuoted parses the double-quoted scalar whose quote is at offset at
// of the current line; it must end on that line, with nothing but spaces
// after it.
func (p *parser) doubleQuoted(at int) (*yaml.Node, bool) {
	s := p.s
	j := strings.IndexByte(s[at+1:p.le], '"')
	if j < 0 {
		return nil, false
	}
	i := at + 1 + j
	var value string
	if k := strings.IndexByte(s[at+1:i], '\\'); k < 0 {
		value = s[at+1 : i]
	} else {
		// The quote found may be escaped: read again from the first
		// backslash.
		i = at + 1 + k
		b := append(p.buf[:0], s[at+1:i]...)
		for {
			if i >= p.le {
				return nil, false
			}
			c := s[i]
			if c == '"' {
				break
			}
			if c != '\\' {
				b = append(b, c)
				i++
				continue
			}
			if i+1 >= p.le {
				// A backslash at the end of the line escapes the line
				// break: a scalar on more than one line.
				return nil, false
			}
			e := s[i+1]
			i += 2
			size := 0
			switch e {
			case 'x':
				size = 2
			case 'u':
				size = 4
			case 'U':
				size = 8
			default:
				if e >= utf8.RuneSelf || simpleEscapes[e] == "" {
					return nil, false
				}
				b = append(b, simpleEscapes[e]...)
				continue
			}
			if i+size > p.le {
				return nil, false
			}
			// Eight hexadecimal digits overflow a rune (int32), not a
			// uint32.
			var r uint32
			for _, h := range []byte(s[i : i+size]) {
				d, ok := hexDigit(h)
				if !ok {
					return nil, false
				}
				r = r<<4 | d
			}
			i += size
			// yaml.v3 refuses surrogates and values above U+10FFFF, and
			// encodes the rest as UTF-8, which utf8 agrees with.
			if 0xd800 <= r && r <= 0xdfff || r > utf8.MaxRune {
				return nil, false
			}
			b = utf8.AppendRune(b, rune(r))
		}
		p.buf = b
		value = string(b)
	}
	if !p.restBlank(i + 1) {
		return nil, false
	}
	return p.node(yaml.ScalarNode, yaml.DoubleQuotedStyle, tagStr, value, p.line, at-p.ls), true
}

// hexDigit returns the value of the hexadecimal digit c.
func hexDigit(c byte) (uint32, bool) {
	switch {
	case '0' <= c && c <= '9':
		return uint32(c - '0'), true
	case 'a' <= c && c <= 'f':
		return uint32(c - 'a' + 10), true
	case 'A' <= c && c <= 'F':
		return uint32(c - 'A' + 10), true
	}
	return 0, false
}
