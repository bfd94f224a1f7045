package pdf

import (
	"bytes"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
)

// Meta is what the post-processing writes into the PDF.
type Meta struct {
	Title    string
	Subject  string
	Author   string
	Language string
	// Date is the creation and modification date; zero leaves dates out.
	Date time.Time
	// Links gives the text of the links of the printed page, by target:
	// "#id" for links within the page, the absolute URL for others. Each
	// list is in document order.
	Links map[string][]string
	// Origin is the address the page was printed from ("http://127.0.0.1:1234/");
	// links to it are made relative, so that a PDF placed at the site root
	// links to the site.
	Origin string
}

// Report counts what the post-processing changed.
type Report struct {
	Artifacts    int // artifact sequences added
	RoleMap      int // role-map entries added
	Retyped      int // grouping figures retyped to Div
	LinkContents int // link annotations given a /Contents
}

// roleMap maps the PDF 2.0 and Chromium structure types that PDF 1.7 does
// not know to standard ones.
var roleMap = map[Name]Name{
	"Strong": "Span", "Em": "Span", "Aside": "Sect", "Sub": "Span", "Title": "H1",
	"FENote": "Note", "DocumentFragment": "Div", "Artifact": "NonStruct",
	"Mark": "Span", "Term": "Span", "Definition": "Span",
}

// Fixup makes Chromium's tagged PDF closer to PDF/UA-1: every piece of
// content is tagged or an artifact, structure types are standard or
// role-mapped, links carry an alternate description, and the catalog,
// the document information and the XMP metadata name the title and the
// language. Dates come from m.Date, never from the clock, and the /ID is
// a hash of the content, so the same input gives the same file.
func Fixup(data []byte, m Meta) ([]byte, Report, error) {
	var rep Report
	f, err := Parse(data)
	if err != nil {
		return nil, rep, err
	}
	root := f.Root()
	if root == nil {
		return nil, rep, fmt.Errorf("no catalog")
	}
	for _, pr := range f.Pages() {
		page := f.Dict(pr)
		n, err := f.artifactPage(page)
		if err != nil {
			return nil, rep, fmt.Errorf("page object %d: %w", pr.Num, err)
		}
		rep.Artifacts += n
		rep.LinkContents += f.linkContents(page, m)
	}
	rep.RoleMap, rep.Retyped = f.fixStruct(root)
	f.renumberIDs(root)

	info := f.Info()
	info.Set("Title", textString(m.Title))
	if m.Subject != "" {
		info.Set("Subject", textString(m.Subject))
	}
	if m.Author != "" {
		info.Set("Author", textString(m.Author))
	}
	info.Set("Creator", String("stratpub"))
	info.Del("CreationDate")
	info.Del("ModDate")
	if !m.Date.IsZero() {
		d := String(m.Date.UTC().Format("D:20060102150405Z"))
		info.Set("CreationDate", d)
		info.Set("ModDate", d)
	}
	if m.Language != "" {
		root.Set("Lang", textString(m.Language))
	}
	mark := NewDict()
	mark.Set("Marked", true)
	root.Set("MarkInfo", mark)
	vp := f.Dict(root.Get("ViewerPreferences"))
	if vp == nil {
		vp = NewDict()
		root.Set("ViewerPreferences", vp)
	}
	vp.Set("DisplayDocTitle", true)
	md := &Stream{Dict: NewDict(), Data: xmp(m, text(info.Get("Producer")))}
	md.Dict.Set("Type", Name("Metadata"))
	md.Dict.Set("Subtype", Name("XML"))
	root.Set("Metadata", f.Add(md))
	return f.Write(), rep, nil
}

// artifactPage marks the untagged content of a page as artifacts.
func (f *File) artifactPage(page *Dict) (int, error) {
	var parts []Object
	switch c := page.Get("Contents").(type) {
	case Array:
		parts = c
	case nil:
		return 0, nil
	default:
		parts = Array{c}
	}
	var all []byte
	for _, p := range parts {
		s, ok := f.Resolve(p).(*Stream)
		if !ok {
			continue
		}
		b, err := decode(s)
		if err != nil {
			return 0, err
		}
		all = append(append(all, b...), '\n')
	}
	out, n, err := artifacts(all)
	if err != nil || n == 0 {
		return 0, err
	}
	s := &Stream{Dict: NewDict()}
	encode(s, out)
	if r, ok := parts[0].(Ref); ok && len(parts) == 1 {
		f.Objects[r.Num] = s
	} else {
		page.Set("Contents", f.Add(s))
	}
	return n, nil
}

// linkContents gives each link annotation of a page without /Contents the
// text of its link, and makes links to the print server relative.
func (f *File) linkContents(page *Dict, m Meta) int {
	annots, _ := f.Resolve(page.Get("Annots")).(Array)
	n := 0
	for _, a := range annots {
		d := f.Dict(a)
		if d == nil || d.Get("Subtype") != Name("Link") {
			continue
		}
		key, uriDict := "", (*Dict)(nil)
		switch dest := f.Resolve(d.Get("Dest")).(type) {
		case Name:
			key = "#" + string(dest)
		case String:
			key = "#" + string(dest)
		}
		if act := f.Dict(d.Get("A")); act != nil && act.Get("S") == Name("URI") {
			if u, ok := f.Resolve(act.Get("URI")).(String); ok {
				key, uriDict = string(u), act
			}
		}
		if uriDict != nil && m.Origin != "" && strings.HasPrefix(key, m.Origin) {
			uriDict.Set("URI", String(strings.TrimPrefix(key, m.Origin)))
		}
		if d.Has("Contents") {
			continue
		}
		label := pickLabel(m.Links, key)
		if label == "" {
			label = strings.TrimPrefix(key, "#")
		}
		if label == "" {
			label = "Link"
		}
		d.Set("Contents", textString(label))
		n++
	}
	return n
}

// pickLabel returns the text of the next link to key, consuming it so that
// several links to one target get their own texts in order; the last
// text stays for annotations that a link split over lines produced.
func pickLabel(links map[string][]string, key string) string {
	l := links[key]
	if len(l) == 0 {
		return ""
	}
	if len(l) > 1 {
		links[key] = l[1:]
	}
	return l[0]
}

// fixStruct adds a role map for non-standard structure types and retypes
// to Div a Figure without /Alt that only groups other elements.
func (f *File) fixStruct(root *Dict) (added, retyped int) {
	st := f.Dict(root.Get("StructTreeRoot"))
	if st == nil {
		return 0, 0
	}
	used := map[Name]bool{}
	seen := map[int]bool{}
	var walk func(k Object, depth int)
	walk = func(k Object, depth int) {
		if depth > 256 {
			return
		}
		if r, ok := k.(Ref); ok {
			if seen[r.Num] {
				return
			}
			seen[r.Num] = true
		}
		switch v := f.Resolve(k).(type) {
		case Array:
			for _, e := range v {
				walk(e, depth+1)
			}
		case *Dict:
			s, ok := v.Get("S").(Name)
			if !ok {
				return
			}
			used[s] = true
			kids := v.Get("K")
			if s == "Figure" && !v.Has("Alt") && onlyGroups(f, kids) {
				v.Set("S", Name("Div"))
				retyped++
			}
			walk(kids, depth+1)
		}
	}
	walk(st.Get("K"), 0)
	rm := f.Dict(st.Get("RoleMap"))
	if rm == nil {
		rm = NewDict()
		st.Set("RoleMap", rm)
	}
	for s := range used {
		if to, ok := roleMap[s]; ok && !rm.Has(s) {
			rm.Set(s, to)
			added++
		}
	}
	sortDict(rm)
	return added, retyped
}

// onlyGroups reports whether the kids of a structure element are all
// structure elements: no content of its own. Chromium makes a Figure of a
// <figure> element, which holds the Figure of its <img> (with the alt
// text) and a Caption, or only a Caption when the figure has no image;
// such a Figure is a group, not a graphic, and needs no /Alt.
func onlyGroups(f *File, kids Object) bool {
	list, ok := f.Resolve(kids).(Array)
	if !ok {
		list = Array{kids}
	}
	for _, k := range list {
		d, ok := f.Resolve(k).(*Dict)
		if !ok || !d.Has("S") {
			return false // a marked-content id or reference: content
		}
	}
	return len(list) > 0
}

// sortDict orders keys by name, so output does not depend on map order.
func sortDict(d *Dict) {
	keys := append([]Name(nil), d.keys...)
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	d.keys = keys
}

// xmp returns the XMP metadata packet.
func xmp(m Meta, producer string) []byte {
	esc := html.EscapeString
	var b bytes.Buffer
	b.WriteString("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:format>application/pdf</dc:format>
`)
	fmt.Fprintf(&b, "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n", esc(m.Title))
	if m.Language != "" {
		fmt.Fprintf(&b, "   <dc:language><rdf:Bag><rdf:li>%s</rdf:li></rdf:Bag></dc:language>\n", esc(m.Language))
	}
	if m.Subject != "" {
		fmt.Fprintf(&b, "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description>\n", esc(m.Subject))
	}
	if m.Author != "" {
		fmt.Fprintf(&b, "   <dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>\n", esc(m.Author))
	}
	if !m.Date.IsZero() {
		d := m.Date.UTC().Format("2006-01-02T15:04:05Z")
		fmt.Fprintf(&b, "   <xmp:CreateDate>%s</xmp:CreateDate>\n   <xmp:ModifyDate>%s</xmp:ModifyDate>\n   <xmp:MetadataDate>%s</xmp:MetadataDate>\n", d, d, d)
	}
	b.WriteString("   <xmp:CreatorTool>stratpub</xmp:CreatorTool>\n")
	if producer != "" {
		fmt.Fprintf(&b, "   <pdf:Producer>%s</pdf:Producer>\n", esc(producer))
	}
	b.WriteString(`   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`)
	return b.Bytes()
}

// renumberIDs renames the structure element IDs. Chromium names them after
// DOM node numbers, which grow with every page loaded in a tab, so two
// prints of one page in one browser would differ. The new names keep the
// order of the old, so the ID tree stays sorted; every string equal to an
// old ID (the elements' /ID, table cells' /Headers, the ID tree's
// /Limits) is renamed.
func (f *File) renumberIDs(root *Dict) {
	st := f.Dict(root.Get("StructTreeRoot"))
	if st == nil || !st.Has("IDTree") {
		return
	}
	var names []string
	var walk func(n Object, depth int)
	walk = func(n Object, depth int) {
		d := f.Dict(n)
		if d == nil || depth > 32 {
			return
		}
		list, _ := f.Resolve(d.Get("Names")).(Array)
		for i := 0; i+1 < len(list); i += 2 {
			if s, ok := f.Resolve(list[i]).(String); ok {
				names = append(names, string(s))
			}
		}
		kids, _ := f.Resolve(d.Get("Kids")).(Array)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	walk(st.Get("IDTree"), 0)
	if len(names) == 0 {
		return
	}
	slices.Sort(names)
	rename := make(map[string]String, len(names))
	for i, n := range names {
		rename[n] = String(fmt.Sprintf("id%08d", i+1))
	}
	var fix func(v Object) Object
	fix = func(v Object) Object {
		switch v := v.(type) {
		case String:
			if to, ok := rename[string(v)]; ok {
				return to
			}
		case Array:
			for i := range v {
				v[i] = fix(v[i])
			}
		case *Dict:
			for _, k := range v.keys {
				v.m[k] = fix(v.m[k])
			}
		case *Stream:
			fix(v.Dict)
		}
		return v
	}
	for n, v := range f.Objects {
		f.Objects[n] = fix(v)
	}
}
