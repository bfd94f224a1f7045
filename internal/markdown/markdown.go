// Package markdown converts the Markdown bodies of a publication to HTML with
// goldmark, and is the only package that knows goldmark.
//
// Conversion resolves what a body points at while walking its syntax tree:
// "ref:ID" links become links to the item (an empty link text gets the
// item's title), image paths are checked and made site paths, headings get
// ids, and footnotes are lifted out of the body so that pages can render
// them as endnotes. It also checks, with positions, the accessibility
// mistakes an author can make in Markdown.
//
// Links to other parts of the site are written as href="site:PATH"; the page
// renderer makes them relative to the page that shows the body.
package markdown

import (
	"bufio"
	"bytes"
	"fmt"
	"html"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// SitePrefix marks a link to a path of the site in rendered HTML.
const SitePrefix = "site:"

// RefScheme is the link scheme of cross-references.
const RefScheme = "ref:"

// Converter converts Markdown to HTML. It is safe for concurrent use.
type Converter struct {
	md       goldmark.Markdown
	allowRaw bool
}

// New returns a Converter. Raw HTML in Markdown is shown as text unless
// allowRaw is set; then it is sanitized by Sanitize.
func New(allowRaw bool) *Converter {
	c := &Converter{allowRaw: allowRaw}
	c.md = goldmark.New(
		// Table cells are aligned by class (see walker.table), not by a
		// style attribute, which a strict Content-Security-Policy refuses.
		goldmark.WithExtensions(extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
			extension.Strikethrough),
		goldmark.WithParserOptions(
			parser.WithBlockParsers(util.Prioritized(extension.NewFootnoteBlockParser(), 999)),
			parser.WithInlineParsers(util.Prioritized(extension.NewFootnoteParser(), 101)),
			parser.WithASTTransformers(util.Prioritized(extension.NewFootnoteASTTransformer(), 999)),
		),
		goldmark.WithRendererOptions(
			ghtml.WithUnsafe(), // raw HTML is handled by our own node renderer
			renderer.WithNodeRenderers(util.Prioritized(&nodeRenderer{allowRaw: allowRaw}, 100)),
		),
	)
	return c
}

// Target is what a cross-reference resolves to.
type Target struct {
	URL   string // site path with fragment, e.g. "objectives/1.3/index.html#activity-1.3.2"
	Title string
}

// Env is what a conversion needs from its caller.
type Env struct {
	// IDPrefix makes the ids of headings and footnotes unique on a page that
	// shows several bodies; for example "objective-1.3-".
	IDPrefix string
	// Ref resolves a cross-reference ID. ok is false for an unknown ID.
	Ref func(id string) (t Target, ok bool)
	// Asset reports whether a file exists at a site path (for images).
	Asset func(path string) bool
	// Inline converts a single paragraph and returns its content without
	// the <p> element.
	Inline bool
	// HeadingBase is the level of the page heading the body sits under:
	// body headings must start at HeadingBase+1 and not skip levels.
	HeadingBase int
}

// Problem is something wrong in the Markdown, at byte Off of the source.
type Problem struct {
	Off  int
	Msg  string
	Hint string
	// Ref is set for an unknown cross-reference: the ID that was not found.
	Ref string
}

// Heading is a top-level heading of a body.
type Heading struct {
	ID   string
	Text string
}

// Footnote is a footnote lifted out of a body.
type Footnote struct {
	N    int
	ID   string // id of the note
	Back string // id of the first reference to it
	HTML string // the note's content, inline
	Text string
}

// Result is a converted body. Its plain text is TextOf(HTML).
type Result struct {
	HTML      string
	Headings  []Heading // the body's top-level headings, for "on this page"
	Footnotes []Footnote
	Refs      []string // IDs referenced, in order of appearance
	Problems  []Problem
}

// Convert converts src.
func (c *Converter) Convert(src []byte, env Env) Result {
	if env.Inline {
		if res, ok := plainInline(string(src)); ok {
			return res
		}
	}
	return c.convert(src, env)
}

// ConvertInline converts s as Convert does with env.Inline set. A text
// with no Markdown in it, the common case, is converted without a copy:
// the result's HTML and Text are s itself when they equal it.
func (c *Converter) ConvertInline(s string, env Env) Result {
	env.Inline = true
	if res, ok := plainInline(s); ok {
		return res
	}
	return c.convert([]byte(s), env)
}

// Plain converts s as ConvertInline does when s holds no Markdown at all,
// and reports whether it does: then the conversion needs no Converter and
// no Env, and has no references and no problems.
func Plain(s string) (Result, bool) { return plainInline(s) }

// convert converts src with goldmark.
func (c *Converter) convert(src []byte, env Env) Result {
	var res Result
	doc := c.md.Parser().Parse(text.NewReader(src))
	doc.SetAttributeString("idprefix", []byte(env.IDPrefix))
	w := walker{src: src, env: env, res: &res}
	w.walk(doc)
	// goldmark wraps a writer that is not buffered in a new 4 KiB
	// bufio.Writer on every Render; one pooled writer serves them all.
	bw := bufWriters.Get().(*bufio.Writer)
	defer bufWriters.Put(bw)
	render := func(dst *bytes.Buffer, n ast.Node) {
		bw.Reset(dst)
		_ = c.md.Renderer().Render(bw, src, n)
		_ = bw.Flush()
	}
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/4)
	if fl := w.footnotes; fl != nil {
		for fn := fl.FirstChild(); fn != nil; fn = fn.NextSibling() {
			f := fn.(*east.Footnote)
			var nb bytes.Buffer
			for ch := f.FirstChild(); ch != nil; ch = ch.NextSibling() {
				if p, ok := ch.(*ast.Paragraph); ok {
					for in := p.FirstChild(); in != nil; in = in.NextSibling() {
						if _, back := in.(*east.FootnoteBacklink); back {
							continue
						}
						render(&nb, in)
					}
					continue
				}
				render(&nb, ch)
			}
			id := env.IDPrefix + "fn-" + strconv.Itoa(f.Index)
			h := strings.TrimSpace(nb.String())
			res.Footnotes = append(res.Footnotes, Footnote{
				N: f.Index, ID: id, Back: env.IDPrefix + "fnref-" + strconv.Itoa(f.Index),
				// The text a reader sees, as a body's (TextOf).
				HTML: h, Text: TextOf(h),
			})
		}
		fl.Parent().RemoveChild(fl.Parent(), fl)
	}
	if env.Inline {
		// Render the inline content of the single paragraph.
		for b := doc.FirstChild(); b != nil; b = b.NextSibling() {
			if p, ok := b.(*ast.Paragraph); ok {
				for in := p.FirstChild(); in != nil; in = in.NextSibling() {
					render(&buf, in)
				}
			} else {
				render(&buf, b)
			}
		}
	} else {
		render(&buf, doc)
	}
	res.HTML = string(bytes.TrimSpace(buf.Bytes()))
	return res
}

// plainInline converts an inline text that holds no Markdown at all, the
// common case for statements, desired outcomes and key activities, without
// parsing it: its HTML is the text with quotes escaped, as goldmark makes
// it. It reports false for anything else: a character Markdown or HTML gives a
// meaning to anywhere in a line, a line break, a control character,
// leading or trailing space, or a first character other than a letter
// (which could start a list, heading, quote or code block).
func plainInline(src string) (Result, bool) {
	if len(src) == 0 || src[len(src)-1] == ' ' {
		return Result{}, false
	}
	r, _ := utf8.DecodeRuneInString(src)
	if !unicode.IsLetter(r) {
		return Result{}, false
	}
	quotes := 0
	for i := 0; i < len(src); {
		c := src[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError || !unicode.IsPrint(r) && r != ' ' {
				return Result{}, false
			}
			i += size
			continue
		}
		if !plainByte[c] {
			return Result{}, false
		}
		if c == '"' {
			quotes++
		}
		i++
	}
	res := Result{HTML: src}
	if quotes > 0 {
		res.HTML = strings.ReplaceAll(src, `"`, "&quot;")
	}
	return res, true
}

// plainByte marks the ASCII characters plainInline passes through: letters,
// digits, the space and punctuation that means nothing to Markdown inside
// a line of text.
var plainByte = func() (t [utf8.RuneSelf]bool) {
	for c := byte(' '); c < 0x7f; c++ {
		t[c] = true
	}
	for _, c := range []byte("\\`*_[]<>&!~|#") {
		t[c] = false
	}
	return t
}()

// bufWriters are the buffered writers Convert renders through.
var bufWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4096) }}

// collapseSpace returns s with every run of white space (unicode.IsSpace)
// replaced by one space, and none at either end: what
// strings.Join(strings.Fields(s), " ") returns, without a string per word,
// and s itself when that is s.
func collapseSpace(s string) string {
	if collapsed(s) {
		return s
	}
	buf := textBufs.Get().(*[]byte)
	t := textWriter{b: (*buf)[:0]}
	t.collapse(s)
	out := string(t.b)
	*buf = t.b
	textBufs.Put(buf)
	return out
}

// collapsed reports whether collapseSpace(s) is s: s has no white space
// but single spaces between other characters.
func collapsed(s string) bool {
	return s == "" || single(s) && s[0] != ' ' && s[len(s)-1] != ' '
}

// asciiSpace marks the ASCII characters unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

type walker struct {
	src       []byte
	env       Env
	res       *Result
	footnotes *east.FootnoteList
	lastLevel int
	ids       map[string]int
	cursor    int
}

func (w *walker) problem(off int, msg, hint string) {
	w.res.Problems = append(w.res.Problems, Problem{Off: off, Msg: msg, Hint: hint})
}

var vagueLinks = map[string]bool{"here": true, "click here": true, "more": true, "read more": true, "link": true, "this link": true, "this": true}

// MaxDepth is the deepest nesting of Markdown elements (quotes in quotes,
// lists in lists, emphasis in emphasis) a body may have. Deeper nesting is
// never meaningful in a plan, and browsers flatten it anyway.
const MaxDepth = 32

func (w *walker) walk(doc ast.Node) {
	depth := 0
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			depth--
			return ast.WalkContinue, nil
		}
		depth++
		if depth > MaxDepth+1 { // +1: the document node
			w.problem(blockOffset(n), fmt.Sprintf("the Markdown is nested more than %d levels deep", MaxDepth),
				"flatten it: fewer quotes in quotes, lists in lists or emphasis in emphasis")
			depth--
			return ast.WalkSkipChildren, nil
		}
		switch n := n.(type) {
		case *east.FootnoteList:
			w.footnotes = n
			// Footnotes hold links too: check and resolve them, without
			// adding their text to the body's.
			fw := walker{src: w.src, env: w.env, res: w.res, ids: w.ids}
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				fw.walk(c)
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			if u := string(n.URL(w.src)); n.AutoLinkType == ast.AutoLinkURL && !SafeURL(u) {
				w.problem(max(bytes.Index(w.src, []byte("<"+u)), 0), "link to "+strconv.Quote(u)+" is not allowed", safeLinkHint)
			}
		case *ast.Heading:
			w.heading(n)
		case *ast.Link:
			w.link(n)
		case *ast.Image:
			w.image(n)
		case *east.Table:
			w.table(n)
		}
		return ast.WalkContinue, nil
	})
}

func (w *walker) heading(n *ast.Heading) {
	// Point at the start of the heading's line, where its # marks are.
	off := blockOffset(n)
	if i := bytes.LastIndexByte(w.src[:min(off, len(w.src))], '\n'); i >= 0 {
		off = i + 1
	} else {
		off = 0
	}
	base := w.env.HeadingBase
	if w.env.Inline {
		w.problem(off, "a heading is not allowed here", "use plain text; headings belong in the Markdown body")
		return
	}
	switch {
	case n.Level <= base:
		w.problem(off, fmt.Sprintf("heading level %d is not allowed in the body: the page title is level %d", n.Level, base),
			fmt.Sprintf("start body headings at level %d (%s)", base+1, strings.Repeat("#", base+1)))
	case w.lastLevel == 0 && n.Level > base+1:
		w.problem(off, fmt.Sprintf("heading level skipped: the first heading is level %d, expected %d", n.Level, base+1),
			fmt.Sprintf("use %s for the first heading", strings.Repeat("#", base+1)))
	case w.lastLevel > 0 && n.Level > w.lastLevel+1:
		w.problem(off, fmt.Sprintf("heading level skipped: level %d follows level %d", n.Level, w.lastLevel),
			fmt.Sprintf("use %s, or add the missing level in between", strings.Repeat("#", w.lastLevel+1)))
	}
	w.lastLevel = n.Level
	slug := Slug(plain(n, w.src))
	if slug == "" {
		slug = "section"
	}
	if w.ids == nil {
		w.ids = map[string]int{}
	}
	id := w.env.IDPrefix + slug
	if k := w.ids[id]; k > 0 {
		w.ids[id] = k + 1
		id += "-" + strconv.Itoa(k+1)
	} else {
		w.ids[id] = 1
	}
	n.SetAttributeString("id", []byte(id))
	if n.Level == base+1 {
		w.res.Headings = append(w.res.Headings, Heading{ID: id, Text: collapseSpace(plain(n, w.src))})
	}
	if strings.TrimSpace(plain(n, w.src)) == "" {
		w.problem(off, "empty heading", "write the heading's text or delete the line")
	}
}

func (w *walker) link(n *ast.Link) {
	dest := string(n.Destination)
	off := w.inlineOffset(n, dest)
	label := strings.TrimSpace(plain(n, w.src))
	if id, ok := strings.CutPrefix(dest, RefScheme); ok {
		w.res.Refs = append(w.res.Refs, id)
		t, found := Target{}, false
		if w.env.Ref != nil {
			t, found = w.env.Ref(id)
		}
		if !found {
			w.res.Problems = append(w.res.Problems, Problem{Off: off, Ref: id})
			return
		}
		n.Destination = []byte(SitePrefix + t.URL)
		if label == "" && !hasImage(n) {
			// The walk visits the new child and adds its text.
			n.AppendChild(n, ast.NewString([]byte(t.Title)))
		}
		return
	}
	if !SafeURL(html.UnescapeString(dest)) { // goldmark decodes entities when it renders
		w.problem(off, "link to "+strconv.Quote(dest)+" is not allowed", safeLinkHint)
		n.Destination = nil
		return
	}
	if label == "" && !hasImage(n) {
		w.problem(off, "empty link text", "write the link's text between the brackets: [text]("+dest+")")
	} else if vagueLinks[strings.ToLower(strings.Trim(label, ".!: "))] {
		w.problem(off, fmt.Sprintf("link text %q does not say where the link goes", label),
			"use words that make sense out of context, such as the title of the page linked to")
	}
}

const safeLinkHint = "link with http:, https:, mailto: or tel:, a relative path, or ref:ID for a part of the plan; scripts and data: URLs never reach the site"

func hasImage(n ast.Node) bool {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if _, ok := c.(*ast.Image); ok {
			return true
		}
	}
	return false
}

func (w *walker) image(n *ast.Image) {
	dest := string(n.Destination)
	off := w.inlineOffset(n, dest)
	if strings.TrimSpace(plain(n, w.src)) == "" {
		w.problem(off, "image without alt text", "describe the image between the brackets: ![what the image shows]("+dest+")")
	}
	if strings.Contains(dest, ":") || strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "//") {
		w.problem(off, "image "+strconv.Quote(dest)+" is not a file of the publication", "put the image under images/ and use its path, e.g. images/photo.jpg; a publication makes no third-party requests")
		return
	}
	if w.env.Asset != nil && !w.env.Asset(dest) {
		w.problem(off, "image file "+strconv.Quote(dest)+" not found", "check the path; images are relative to the publication folder, e.g. images/photo.jpg")
		return
	}
	n.Destination = []byte(SitePrefix + dest)
}

func (w *walker) table(n *east.Table) {
	h, ok := n.FirstChild().(*east.TableHeader)
	if !ok || strings.TrimSpace(plain(h, w.src)) == "" {
		// Report the start of the table's first line, not its first cell.
		off := blockOffset(n)
		for off > 0 && w.src[off-1] != '\n' {
			off--
		}
		w.problem(off, "table without a header row", "give the table a header row naming each column")
	}
	// A column aligned with ":" in the delimiter row gets the class
	// align-left, align-center or align-right (site.css aligns them).
	for row := n.FirstChild(); row != nil; row = row.NextSibling() {
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			if cell, ok := c.(*east.TableCell); ok && cell.Alignment != east.AlignNone {
				cell.SetAttributeString("class", []byte("align-"+cell.Alignment.String()))
			}
		}
	}
}

// inlineOffset finds the source offset of an inline link or image.
func (w *walker) inlineOffset(n ast.Node, dest string) int {
	if i := bytes.Index(w.src[w.cursor:], []byte("("+dest)); i >= 0 && dest != "" {
		at := w.cursor + i
		w.cursor = at + 1
		if j := bytes.LastIndexByte(w.src[:at], '['); j >= 0 {
			if j > 0 && w.src[j-1] == '!' {
				return j - 1
			}
			return j
		}
		return at
	}
	if off := firstTextOffset(n); off >= 0 {
		return off
	}
	return w.cursor
}

func firstTextOffset(n ast.Node) int {
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return off
}

func blockOffset(n ast.Node) int {
	for c := n; c != nil; c = c.FirstChild() {
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			s := c.Lines().At(0).Start
			// Point at the start of the line.
			return s
		}
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start
		}
	}
	return 0
}

// plain returns the text content of n.
func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.URL(src))
		case *ast.RawHTML:
			for i := 0; i < c.Segments.Len(); i++ {
				s := c.Segments.At(i)
				b.Write(s.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// Slug turns a heading into an id: lower-case letters and digits joined by
// hyphens.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	return b.String()
}

// nodeRenderer renders raw HTML (escaped, or sanitized when allowed) and
// footnote references.
type nodeRenderer struct{ allowRaw bool }

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, r.rawHTML)
	reg.Register(ast.KindHTMLBlock, r.htmlBlock)
	reg.Register(east.KindFootnoteLink, r.footnoteLink)
	reg.Register(east.KindFootnoteBacklink, r.skip)
	reg.Register(east.KindFootnoteList, r.skip)
	reg.Register(east.KindFootnote, r.skip)
}

func (r *nodeRenderer) skip(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) rawHTML(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	raw := n.(*ast.RawHTML)
	var b bytes.Buffer
	for i := 0; i < raw.Segments.Len(); i++ {
		s := raw.Segments.At(i)
		b.Write(s.Value(src))
	}
	r.writeRaw(w, b.String())
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) htmlBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	hb := n.(*ast.HTMLBlock)
	var b bytes.Buffer
	for i := 0; i < hb.Lines().Len(); i++ {
		s := hb.Lines().At(i)
		b.Write(s.Value(src))
	}
	if hb.HasClosure() {
		b.Write(hb.ClosureLine.Value(src))
	}
	if r.allowRaw {
		r.writeRaw(w, b.String())
	} else {
		_, _ = w.WriteString("<p>")
		r.writeRaw(w, strings.TrimRight(b.String(), "\n"))
		_, _ = w.WriteString("</p>\n")
	}
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) writeRaw(w util.BufWriter, s string) {
	if r.allowRaw {
		_, _ = w.WriteString(Sanitize(s))
		return
	}
	_, _ = w.WriteString(html.EscapeString(s))
}

func (r *nodeRenderer) footnoteLink(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	l := n.(*east.FootnoteLink)
	prefix := ""
	if d := n.OwnerDocument(); d != nil {
		if v, ok := d.AttributeString("idprefix"); ok {
			prefix = string(v.([]byte))
		}
	}
	is := strconv.Itoa(l.Index)
	id := prefix + "fnref-" + is
	if l.RefIndex > 0 {
		id += "-" + strconv.Itoa(l.RefIndex+1)
	}
	fmt.Fprintf(w, `<sup class="fnref"><a id="%s" href="#%sfn-%s" role="doc-noteref" aria-label="Note %s">%s</a></sup>`, id, prefix, is, is, is)
	return ast.WalkSkipChildren, nil
}

// RewriteSiteLinks replaces every href="site:PATH" and src="site:PATH" of
// rendered HTML by the attribute value link(PATH). PATH is passed
// unescaped and the result is escaped.
func RewriteSiteLinks(s string, link func(path string) string) string {
	const mark = `="` + SitePrefix
	i := strings.Index(s, mark)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 64)
	for i >= 0 {
		b.WriteString(s[:i+2])
		s = s[i+len(mark):]
		end := strings.IndexByte(s, '"')
		if end < 0 {
			end = len(s)
		}
		b.WriteString(html.EscapeString(link(html.UnescapeString(s[:end]))))
		s = s[end:]
		i = strings.Index(s, mark)
	}
	b.WriteString(s)
	return b.String()
}
