package pdf

// Entry is one entry of a document outline (bookmark).
type Entry struct {
	Title string
	Depth int // 0 for top-level entries
	Page  int // 1-based; 0 when the destination is unknown
}

// pageIndex maps page object numbers to 1-based page numbers.
func (f *File) pageIndex() map[int]int {
	idx := map[int]int{}
	for i, r := range f.Pages() {
		idx[r.Num] = i + 1
	}
	return idx
}

// Destinations returns the 1-based page of every named destination.
// Chromium names a destination after the element id a link points to.
func (f *File) Destinations() map[string]int {
	idx := f.pageIndex()
	out := map[string]int{}
	add := func(name string, v Object) {
		if p := f.destPage(v, idx); p > 0 {
			out[name] = p
		}
	}
	root := f.Root()
	if d := f.Dict(root.Get("Dests")); d != nil {
		for _, k := range d.Keys() {
			add(string(k), d.Get(k))
		}
	}
	// PDF 1.2 and later may use a name tree instead.
	var walk func(n Object, depth int)
	walk = func(n Object, depth int) {
		d := f.Dict(n)
		if d == nil || depth > 32 {
			return
		}
		names, _ := f.Resolve(d.Get("Names")).(Array)
		for i := 0; i+1 < len(names); i += 2 {
			if s, ok := f.Resolve(names[i]).(String); ok {
				add(string(s), names[i+1])
			}
		}
		kids, _ := f.Resolve(d.Get("Kids")).(Array)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	if names := f.Dict(root.Get("Names")); names != nil {
		walk(names.Get("Dests"), 0)
	}
	return out
}

// destPage returns the page of an explicit destination ([page /XYZ …]),
// of a dictionary holding one under /D, or 0.
func (f *File) destPage(v Object, idx map[int]int) int {
	switch d := f.Resolve(v).(type) {
	case Array:
		if len(d) > 0 {
			if r, ok := d[0].(Ref); ok {
				return idx[r.Num]
			}
		}
	case *Dict:
		return f.destPage(d.Get("D"), idx)
	}
	return 0
}

// Outline returns the document outline in reading order.
func (f *File) Outline() []Entry {
	idx := f.pageIndex()
	named := f.Destinations()
	var out []Entry
	seen := map[int]bool{}
	var walk func(first Object, depth int)
	walk = func(first Object, depth int) {
		for it := first; it != nil; {
			r, ok := it.(Ref)
			if !ok || seen[r.Num] || depth > 32 {
				return
			}
			seen[r.Num] = true
			d := f.Dict(r)
			if d == nil {
				return
			}
			e := Entry{Title: text(f.Resolve(d.Get("Title"))), Depth: depth}
			dest := d.Get("Dest")
			if a := f.Dict(d.Get("A")); dest == nil && a != nil {
				dest = a.Get("D")
			}
			switch v := f.Resolve(dest).(type) {
			case Name:
				e.Page = named[string(v)]
			case String:
				e.Page = named[string(v)]
			default:
				e.Page = f.destPage(v, idx)
			}
			out = append(out, e)
			walk(d.Get("First"), depth+1)
			it = d.Get("Next")
		}
	}
	if o := f.Dict(f.Root().Get("Outlines")); o != nil {
		walk(o.Get("First"), 0)
	}
	return out
}
