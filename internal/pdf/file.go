package pdf

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// File is a parsed PDF file: every object in memory. It reads what
// Chromium (Skia) writes — a classic cross-reference table, no object
// streams — and writes a whole new file.
type File struct {
	Objects map[int]Object
	Trailer *Dict
}

// Parse reads a PDF file.
func Parse(data []byte) (*File, error) {
	i := bytes.LastIndex(data, []byte("startxref"))
	if i < 0 {
		return nil, errors.New("not a PDF file: no startxref")
	}
	p := &parser{b: data, pos: i + len("startxref")}
	p.skip()
	off, err := strconv.Atoi(p.word())
	if err != nil || off <= 0 || off >= len(data) {
		return nil, errors.New("bad startxref")
	}
	f := &File{Objects: map[int]Object{}}
	offsets := map[int]int{}
	for off > 0 {
		p := &parser{b: data, pos: off}
		p.skip()
		if p.word() != "xref" {
			return nil, fmt.Errorf("offset %d: no xref table (cross-reference streams are not supported)", off)
		}
		for {
			p.skip()
			w := p.word()
			if w == "trailer" {
				break
			}
			first, err1 := strconv.Atoi(w)
			p.skip()
			count, err2 := strconv.Atoi(p.word())
			if err1 != nil || err2 != nil {
				return nil, p.errorf("bad xref subsection")
			}
			for n := first; n < first+count; n++ {
				p.skip()
				o, _ := strconv.Atoi(p.word())
				p.skip()
				p.word()
				p.skip()
				kind := p.word()
				if _, seen := offsets[n]; !seen && kind == "n" {
					offsets[n] = o
				} else if !seen && kind == "f" {
					offsets[n] = -1
				}
			}
		}
		t, err := p.value()
		if err != nil {
			return nil, err
		}
		td, ok := t.(*Dict)
		if !ok {
			return nil, p.errorf("bad trailer")
		}
		if f.Trailer == nil {
			f.Trailer = td
		}
		prev, _ := td.Get("Prev").(int64)
		off = int(prev)
	}
	for n, o := range offsets {
		if o < 0 {
			continue
		}
		v, err := parseIndirect(data, o, n)
		if err != nil {
			return nil, fmt.Errorf("object %d: %w", n, err)
		}
		f.Objects[n] = v
	}
	f.Trailer.Del("Prev")
	return f, nil
}

// parseIndirect reads "n g obj … endobj" at off.
func parseIndirect(data []byte, off, num int) (Object, error) {
	p := &parser{b: data, pos: off}
	p.skip()
	if n, _ := strconv.Atoi(p.word()); n != num {
		return nil, p.errorf("xref points elsewhere")
	}
	p.skip()
	p.word()
	p.skip()
	if p.word() != "obj" {
		return nil, p.errorf("no obj keyword")
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skip()
	if !bytes.HasPrefix(data[p.pos:], []byte("stream")) {
		return v, nil
	}
	d, ok := v.(*Dict)
	if !ok {
		return nil, p.errorf("stream without dictionary")
	}
	p.pos += len("stream")
	if p.pos < len(data) && data[p.pos] == '\r' {
		p.pos++
	}
	if p.pos < len(data) && data[p.pos] == '\n' {
		p.pos++
	}
	n, ok := d.Get("Length").(int64)
	if !ok || p.pos+int(n) > len(data) {
		// Chromium writes direct lengths; anything else is found by the
		// endstream keyword.
		end := bytes.Index(data[p.pos:], []byte("endstream"))
		if end < 0 {
			return nil, p.errorf("unterminated stream")
		}
		n = int64(len(bytes.TrimRight(data[p.pos:p.pos+end], "\r\n")))
	}
	return &Stream{Dict: d, Data: data[p.pos : p.pos+int(n)]}, nil
}

// Resolve follows references until it reaches a direct object.
func (f *File) Resolve(v Object) Object {
	for range 32 {
		r, ok := v.(Ref)
		if !ok {
			return v
		}
		v = f.Objects[r.Num]
	}
	return nil
}

// Dict resolves v and returns it as a dictionary (the dictionary of a
// stream too), or nil.
func (f *File) Dict(v Object) *Dict {
	switch v := f.Resolve(v).(type) {
	case *Dict:
		return v
	case *Stream:
		return v.Dict
	}
	return nil
}

// Add adds a new object and returns its reference.
func (f *File) Add(v Object) Ref {
	n := 1
	for k := range f.Objects {
		n = max(n, k+1)
	}
	f.Objects[n] = v
	return Ref{n, 0}
}

// Root returns the catalog.
func (f *File) Root() *Dict { return f.Dict(f.Trailer.Get("Root")) }

// Info returns the document information dictionary, adding one if needed.
func (f *File) Info() *Dict {
	if d := f.Dict(f.Trailer.Get("Info")); d != nil {
		return d
	}
	d := NewDict()
	f.Trailer.Set("Info", f.Add(d))
	return d
}

// Pages returns the page dictionaries' references in order.
func (f *File) Pages() []Ref {
	var out []Ref
	var walk func(r Object, depth int)
	walk = func(r Object, depth int) {
		d := f.Dict(r)
		if d == nil || depth > 64 {
			return
		}
		if t, _ := d.Get("Type").(Name); t == "Page" {
			if ref, ok := r.(Ref); ok {
				out = append(out, ref)
			}
			return
		}
		kids, _ := f.Resolve(d.Get("Kids")).(Array)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	walk(f.Root().Get("Pages"), 0)
	return out
}

// Write serialises the file as PDF 1.7. The /ID is a hash of the body, so
// the same objects always give the same bytes.
func (f *File) Write() []byte {
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	nums := make([]int, 0, len(f.Objects))
	size := 1
	for n := range f.Objects {
		nums = append(nums, n)
		size = max(size, n+1)
	}
	sort.Ints(nums)
	offsets := make([]int, size)
	for _, n := range nums {
		offsets[n] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n", n)
		writeObject(&buf, f.Objects[n])
		buf.WriteString("\nendobj\n")
	}
	sum := sha256.Sum256(buf.Bytes())
	id := String(sum[:16])
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", size)
	for n := 1; n < size; n++ {
		if _, ok := f.Objects[n]; ok {
			fmt.Fprintf(&buf, "%010d 00000 n \n", offsets[n])
		} else {
			buf.WriteString("0000000000 65535 f \n")
		}
	}
	t := NewDict()
	t.Set("Size", int64(size))
	t.Set("Root", f.Trailer.Get("Root"))
	if f.Trailer.Has("Info") {
		t.Set("Info", f.Trailer.Get("Info"))
	}
	t.Set("ID", Array{id, id})
	buf.WriteString("trailer\n")
	writeObject(&buf, t)
	fmt.Fprintf(&buf, "\nstartxref\n%d\n%%%%EOF\n", xref)
	return buf.Bytes()
}

// decode returns the decoded data of a stream (Flate or none).
func decode(s *Stream) ([]byte, error) {
	switch filter := s.Dict.Get("Filter").(type) {
	case nil:
		return s.Data, nil
	case Name:
		if filter != "FlateDecode" {
			return nil, fmt.Errorf("unsupported filter %s", filter)
		}
		r, err := zlib.NewReader(bytes.NewReader(s.Data))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(r)
	default:
		return nil, fmt.Errorf("unsupported filter %v", filter)
	}
}

// encode sets the data of a stream, Flate-compressed.
func encode(s *Stream, data []byte) {
	var buf bytes.Buffer
	w, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	w.Write(data)
	w.Close()
	s.Data = buf.Bytes()
	s.Dict.Set("Filter", Name("FlateDecode"))
	s.Dict.Del("DecodeParms")
}

// text decodes a PDF text string (UTF-16BE with BOM, or PDFDocEncoding
// taken as Latin-1).
func text(v Object) string {
	s, ok := v.(String)
	if !ok {
		return ""
	}
	if len(s) >= 2 && s[0] == 0xfe && s[1] == 0xff {
		var r []rune
		for i := 2; i+1 < len(s); i += 2 {
			c := rune(s[i])<<8 | rune(s[i+1])
			if c >= 0xd800 && c < 0xdc00 && i+3 < len(s) {
				lo := rune(s[i+2])<<8 | rune(s[i+3])
				c = (c-0xd800)<<10 + (lo - 0xdc00) + 0x10000
				i += 2
			}
			r = append(r, c)
		}
		return string(r)
	}
	r := make([]rune, len(s))
	for i, c := range s {
		r[i] = rune(c)
	}
	return string(r)
}

// textString encodes s as a PDF text string: ASCII as is, anything else
// as UTF-16BE with a byte order mark.
func textString(s string) String {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return String(s)
	}
	out := []byte{0xfe, 0xff}
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			hi, lo := 0xd800+(r>>10), 0xdc00+(r&0x3ff)
			out = append(out, byte(hi>>8), byte(hi), byte(lo>>8), byte(lo))
			continue
		}
		out = append(out, byte(r>>8), byte(r))
	}
	return out
}
