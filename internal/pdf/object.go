package pdf

import (
	"bytes"
	"fmt"
	"strconv"
)

// The PDF object model, as far as the post-processing needs it. An Object
// is one of: nil (null), bool, int64, Real, Name, String, Array, *Dict,
// Ref or *Stream.
type Object any

// Name is a PDF name, without its slash.
type Name string

// String is a PDF string: its bytes, escapes decoded.
type String []byte

// Real is a number with a fraction, kept as written so that re-writing a
// file does not change its numbers.
type Real string

// Array is a PDF array.
type Array []Object

// Ref is an indirect reference.
type Ref struct{ Num, Gen int }

// Dict is a PDF dictionary that keeps its keys in order, so that writing
// it is deterministic.
type Dict struct {
	keys []Name
	m    map[Name]Object
}

// NewDict returns an empty dictionary.
func NewDict() *Dict { return &Dict{m: map[Name]Object{}} }

// Get returns the value of key, or nil.
func (d *Dict) Get(key Name) Object {
	if d == nil {
		return nil
	}
	return d.m[key]
}

// Has reports whether the dictionary has key.
func (d *Dict) Has(key Name) bool {
	if d == nil {
		return false
	}
	_, ok := d.m[key]
	return ok
}

// Set sets key to v, keeping the key's place when it exists.
func (d *Dict) Set(key Name, v Object) {
	if _, ok := d.m[key]; !ok {
		d.keys = append(d.keys, key)
	}
	d.m[key] = v
}

// Del removes key.
func (d *Dict) Del(key Name) {
	if _, ok := d.m[key]; !ok {
		return
	}
	delete(d.m, key)
	for i, k := range d.keys {
		if k == key {
			d.keys = append(d.keys[:i], d.keys[i+1:]...)
			break
		}
	}
}

// Keys returns the keys in order.
func (d *Dict) Keys() []Name { return d.keys }

// Stream is a stream object: its dictionary and its data, still encoded.
type Stream struct {
	Dict *Dict
	Data []byte
}

// parser reads PDF objects from a byte slice.
type parser struct {
	b   []byte
	pos int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skip skips white space and comments.
func (p *parser) skip() {
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		switch {
		case isSpace(c):
			p.pos++
		case c == '%':
			for p.pos < len(p.b) && p.b[p.pos] != '\n' && p.b[p.pos] != '\r' {
				p.pos++
			}
		default:
			return
		}
	}
}

// word reads a run of regular characters.
func (p *parser) word() string {
	start := p.pos
	for p.pos < len(p.b) && !isSpace(p.b[p.pos]) && !isDelim(p.b[p.pos]) {
		p.pos++
	}
	return string(p.b[start:p.pos])
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

// value reads one object. Two integers followed by R are a reference.
func (p *parser) value() (Object, error) {
	p.skip()
	if p.pos >= len(p.b) {
		return nil, p.errorf("unexpected end of data")
	}
	switch c := p.b[p.pos]; {
	case c == '/':
		p.pos++
		return Name(decodeName(p.word())), nil
	case c == '(':
		return p.literal()
	case c == '<' && p.pos+1 < len(p.b) && p.b[p.pos+1] == '<':
		return p.dict()
	case c == '<':
		return p.hex()
	case c == '[':
		p.pos++
		var a Array
		for {
			p.skip()
			if p.pos >= len(p.b) {
				return nil, p.errorf("unterminated array")
			}
			if p.b[p.pos] == ']' {
				p.pos++
				return a, nil
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	default:
		w := p.word()
		switch w {
		case "":
			return nil, p.errorf("unexpected %q", c)
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		if n, err := strconv.ParseInt(w, 10, 64); err == nil {
			// Look ahead for "G R".
			save := p.pos
			p.skip()
			g := p.word()
			if gen, err := strconv.Atoi(g); err == nil && g != "" && g[0] != '+' && g[0] != '-' {
				p.skip()
				if p.pos < len(p.b) && p.b[p.pos] == 'R' && (p.pos+1 == len(p.b) || isSpace(p.b[p.pos+1]) || isDelim(p.b[p.pos+1])) {
					p.pos++
					return Ref{int(n), gen}, nil
				}
			}
			p.pos = save
			return n, nil
		}
		if _, err := strconv.ParseFloat(w, 64); err == nil {
			return Real(w), nil
		}
		return nil, p.errorf("unexpected token %q", w)
	}
}

func (p *parser) dict() (*Dict, error) {
	p.pos += 2
	d := NewDict()
	for {
		p.skip()
		if p.pos+1 < len(p.b) && p.b[p.pos] == '>' && p.b[p.pos+1] == '>' {
			p.pos += 2
			return d, nil
		}
		k, err := p.value()
		if err != nil {
			return nil, err
		}
		name, ok := k.(Name)
		if !ok {
			return nil, p.errorf("dictionary key is not a name")
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		d.Set(name, v)
	}
}

func (p *parser) literal() (String, error) {
	p.pos++
	var out []byte
	depth := 1
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		p.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return out, nil
			}
		case '\\':
			if p.pos >= len(p.b) {
				return nil, p.errorf("unterminated string")
			}
			e := p.b[p.pos]
			p.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if p.pos < len(p.b) && p.b[p.pos] == '\n' {
					p.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for i := 0; i < 2 && p.pos < len(p.b) && p.b[p.pos] >= '0' && p.b[p.pos] <= '7'; i++ {
						v = v*8 + int(p.b[p.pos]-'0')
						p.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return nil, p.errorf("unterminated string")
}

func (p *parser) hex() (String, error) {
	p.pos++
	var out []byte
	var hi int = -1
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		p.pos++
		if c == '>' {
			if hi >= 0 {
				out = append(out, byte(hi<<4))
			}
			return out, nil
		}
		v := unhex(c)
		if v < 0 {
			continue
		}
		if hi < 0 {
			hi = v
		} else {
			out = append(out, byte(hi<<4|v))
			hi = -1
		}
	}
	return nil, p.errorf("unterminated hex string")
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func decodeName(s string) string {
	if !bytes.ContainsRune([]byte(s), '#') {
		return s
	}
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && i+2 < len(s) && unhex(s[i+1]) >= 0 && unhex(s[i+2]) >= 0 {
			out = append(out, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}

// writeObject appends the PDF syntax of v to buf.
func writeObject(buf *bytes.Buffer, v Object) {
	switch v := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(v))
	case int64:
		buf.WriteString(strconv.FormatInt(v, 10))
	case int:
		buf.WriteString(strconv.Itoa(v))
	case Real:
		buf.WriteString(string(v))
	case Name:
		writeName(buf, v)
	case String:
		writeString(buf, v)
	case Ref:
		fmt.Fprintf(buf, "%d %d R", v.Num, v.Gen)
	case Array:
		buf.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				buf.WriteByte(' ')
			}
			writeObject(buf, e)
		}
		buf.WriteByte(']')
	case *Dict:
		buf.WriteString("<<")
		for i, k := range v.keys {
			if i > 0 {
				buf.WriteByte('\n')
			}
			writeName(buf, k)
			buf.WriteByte(' ')
			writeObject(buf, v.m[k])
		}
		buf.WriteString(">>")
	case *Stream:
		v.Dict.Set("Length", int64(len(v.Data)))
		writeObject(buf, v.Dict)
		buf.WriteString("\nstream\n")
		buf.Write(v.Data)
		buf.WriteString("\nendstream")
	default:
		panic(fmt.Sprintf("pdf: cannot write %T", v))
	}
}

func writeName(buf *bytes.Buffer, n Name) {
	buf.WriteByte('/')
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c <= ' ' || c >= 0x7f || c == '#' || isDelim(c) {
			fmt.Fprintf(buf, "#%02X", c)
			continue
		}
		buf.WriteByte(c)
	}
}

func writeString(buf *bytes.Buffer, s String) {
	buf.WriteByte('(')
	for _, c := range s {
		switch c {
		case '(', ')', '\\':
			buf.WriteByte('\\')
			buf.WriteByte(c)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		default:
			buf.WriteByte(c)
		}
	}
	buf.WriteByte(')')
}
