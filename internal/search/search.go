// Package search builds the index of the site's search box: a script that
// sets a global variable, so that the index loads from disk (file://) as
// well as from any web sub-path, with no fetch and no server.
//
// Every goal, objective, desired outcome, key activity and section is a
// document with a title, a context text (the statement, the item's own
// text, or the start of the section) and the words of its body. Titles and
// context texts are stored whole, to rank and to show matches in context;
// bodies are stored as their distinct words only, which keeps the index
// small (see Script). assets/search.js reads the index, ranks and shows
// the results.
//
// Each document is written as its own piece of JSON, with its digest. A
// Cache keeps them between builds of the same publication (the preview),
// so that a rebuild finds the words of and writes only the documents that
// changed, and sums the script from the documents' digests
// (IndexScript.Sum) without reading it whole.
package search

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"html/template"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/stratpub/stratpub/internal/plan"
)

// IndexAsset is the logical asset name of the index script.
const IndexAsset = "search-index.js"

// Global is the name of the global variable the index script sets.
const Global = "STRATPUB_SEARCH"

// Version is the version of the index format read by assets/search.js.
const Version = 1

// Kinds of documents, as written in the index.
const (
	KindGoal      = "g"
	KindObjective = "o"
	KindOutcome   = "u"
	KindActivity  = "a"
	KindSection   = "s"
)

// Script returns the index of p as a script that sets the global variable
// Global. The data is JSON, which is also valid JavaScript; each document
// is an array [kind, url, title, context, parent, body] to keep the file
// small.
func Script(p *plan.Plan) ([]byte, error) { return (*Cache)(nil).Script(p) }

// Script is like the package's Script, reusing the documents that did not
// change since the last call.
func (c *Cache) Script(p *plan.Plan) ([]byte, error) {
	s, err := c.Make(p)
	if err != nil {
		return nil, err
	}
	return s.Bytes(), nil
}

// Cache keeps the documents of the last index made, each as its JSON text
// with its digest, so that making the index of the same publication again
// (the preview) costs little more than comparing every document with the
// one it had before: only changed documents are searched for words and
// written again. The zero Cache is ready to use; a nil *Cache keeps
// nothing.
type Cache struct {
	mu     sync.Mutex
	lang   string     // the stop words depend on the language
	docs   []*entry   // the documents of the last index, in order
	blocks [][32]byte // their digests in blocks of blockDocs (see IndexScript.Sum)
	// The parts of the last index (see part): the page of each one's
	// first document, and where it starts in docs.
	heads  []string
	starts []int
}

// IndexScript is the index script of a plan (see Script): its digest is
// known once Make returns, its bytes only when written (WriteTo) or asked
// for (Bytes). (It cannot be named Script, which is the function that
// returns the bytes.)
type IndexScript struct {
	head []byte
	// docs are the documents, made by Make with a Cache, as JSON. Without
	// one, Make keeps them as coldDocs instead (cold): the plan's own
	// strings and each body's terms as two-byte indexes, and WriteTo
	// writes their JSON one at a time. The index of a large plan (41 MB
	// at 63,000 documents) is then never whole in memory; what is kept
	// takes about a third of it.
	docs   []*entry
	cold   []coldDoc
	sum    [32]byte
	sha384 []byte // of the bytes, if made with MakeHashed
}

// SHA384 returns the SHA-384 of the script's bytes if it was made with
// MakeHashed, or nil.
func (s *IndexScript) SHA384() []byte { return s.sha384 }

// Make makes the index script of p, reusing the documents of the last
// call that did not change; c may be nil (no caching). A document is
// reused only when everything it is made from is equal, string by string,
// to what it was made from before. p must not change while the script is
// in use: without a Cache, the script keeps p's strings, not copies.
func (c *Cache) Make(p *plan.Plan) (*IndexScript, error) { return c.make(p, false) }

// MakeHashed is Make that also hashes the script's bytes with SHA-384
// (IndexScript.SHA384), for a subresource-integrity value. Without a
// Cache, the bytes are hashed in the pass that makes the documents'
// digests, not made again for it.
func (c *Cache) MakeHashed(p *plan.Plan) (*IndexScript, error) { return c.make(p, true) }

func (c *Cache) make(p *plan.Plan, hashed bool) (*IndexScript, error) {
	stop := stopwords(p.Pub.Language)
	ps, n := parts(p)
	if c == nil {
		return cold(ps, n, stop, hashed), nil
	}
	s, err := c.warm(p, stop, ps, n)
	if err == nil && hashed {
		h := sha512.New384()
		_, _ = s.WriteTo(h) // a hash.Hash never fails to write
		s.sha384 = h.Sum(nil)
	}
	return s, err
}

// cold makes the script of a build (no Cache): the documents as coldDocs
// with their digests, and the SHA-384 of the bytes if hashed. The
// documents are made part by part on all processors; with hashed, in
// batches, each part's JSON kept until the batch is hashed, in order.
func cold(ps []part, n int, stop []string, hashed bool) *IndexScript {
	s := &IndexScript{head: head(stop), cold: make([]coldDoc, n)}
	sums := make([][32]byte, n)
	if !hashed {
		each(ps, stop, func(w *worker, _, i int, src *source) {
			sums[i] = sha256.Sum256(w.words().encode(src))
			s.cold[i] = w.keep(src)
		})
	} else {
		const batch = 256 // parts
		h := sha512.New384()
		h.Write(s.head)
		bufs := make([][]byte, batch)
		// The same workers for every batch: each reads every word once.
		ws := newWorkers(stop, runtime.GOMAXPROCS(0))
		for lo := 0; lo < len(ps); lo += batch {
			hi := min(lo+batch, len(ps))
			eachWith(ps[lo:hi], ws, func(w *worker, k, i int, src *source) {
				json := w.words().encode(src)
				sums[i] = sha256.Sum256(json)
				s.cold[i] = w.keep(src)
				if i > 0 {
					bufs[k] = append(bufs[k], ',')
				}
				bufs[k] = append(bufs[k], json...)
			})
			for k := range hi - lo {
				h.Write(bufs[k])
				bufs[k] = bufs[k][:0]
			}
		}
		h.Write([]byte(tail))
		s.sha384 = h.Sum(nil)
	}
	// The documents keep their workers' words, but not what finding them
	// took.
	for i := range s.cold {
		s.cold[i].dict.dropTables()
	}
	s.sum = scriptSum(s.head, n, blockSums(n, func(i int) *[32]byte { return &sums[i] }, nil))
	return s
}

// warm makes the script with c, reusing the documents of its last index.
func (c *Cache) warm(p *plan.Plan, stop []string, ps []part, n int) (*IndexScript, error) {
	var old []*entry
	var oldBlocks [][32]byte
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lang == p.Pub.Language {
		old, oldBlocks = c.docs, c.blocks
	}
	docs := make([]*entry, n)
	// Each document is compared, on all processors, with the one at the
	// same place in the same part (section, or goal with its objectives)
	// of the last index, or anywhere in that part if not there (documents
	// were added, removed or moved), and made again when it changed or is
	// not found.
	oldParts := sync.OnceValue(c.partMap)
	each(ps, stop, func(w *worker, k, i int, s *source) {
		if len(old) == 0 {
			docs[i] = w.words().entry(s)
			return
		}
		j := i
		if j >= len(old) || !old[j].at(s) {
			if w.part != k {
				w.part, w.lo, w.hi = k, 0, 0
				if r, ok := oldParts()[ps[k].head()]; ok {
					w.lo, w.hi = r[0], r[1]
				}
			}
			j = w.lo + i - ps[k].start
			if j >= w.hi || !old[j].at(s) {
				j = -1
				for o := w.lo; o < w.hi; o++ {
					if old[o].at(s) {
						j = o
						break
					}
				}
			}
		}
		if j >= 0 && old[j].from(s) {
			docs[i] = old[j]
		} else {
			docs[i] = w.words().entry(s)
		}
	})
	s := &IndexScript{head: head(stop), docs: docs}
	// A block of documents that are all the ones of the last index keeps
	// its sum.
	same := func(b, lo, hi int) bool {
		if b >= len(oldBlocks) || min((b+1)*blockDocs, len(old)) != hi {
			return false
		}
		for i := lo; i < hi; i++ {
			if docs[i] != old[i] {
				return false
			}
		}
		return true
	}
	blocks := blockSums(n, func(i int) *[32]byte { return &docs[i].sum }, func(b, lo, hi int) ([32]byte, bool) {
		if same(b, lo, hi) {
			return oldBlocks[b], true
		}
		return [32]byte{}, false
	})
	s.sum = scriptSum(s.head, n, blocks)
	c.lang, c.docs, c.blocks = p.Pub.Language, docs, blocks
	c.heads, c.starts = c.heads[:0], c.starts[:0]
	for _, pt := range ps {
		c.heads = append(c.heads, pt.head())
		c.starts = append(c.starts, pt.start)
	}
	return s, nil
}

// scriptSum is Sum of a script that starts with head and holds n
// documents whose digests, in blocks, are blocks.
func scriptSum(head []byte, n int, blocks [][32]byte) (sum [32]byte) {
	h := sha256.New()
	var num [8]byte
	binary.BigEndian.PutUint64(num[:], uint64(len(head)))
	h.Write(num[:])
	h.Write(head)
	binary.BigEndian.PutUint64(num[:], uint64(n))
	h.Write(num[:])
	for i := range blocks {
		h.Write(blocks[i][:])
	}
	h.Write([]byte(tail))
	h.Sum(sum[:0])
	return sum
}

// partMap returns where each part of the last index is in c.docs, by the
// page of its first document.
func (c *Cache) partMap() map[string][2]int {
	m := make(map[string][2]int, len(c.heads))
	for k, h := range c.heads {
		end := len(c.docs)
		if k+1 < len(c.starts) {
			end = c.starts[k+1]
		}
		if _, dup := m[h]; !dup {
			m[h] = [2]int{c.starts[k], end}
		}
	}
	return m
}

// Sum returns a digest of the script: it changes whenever the script's
// bytes change, and costs nothing to get. It is NOT the SHA-256 of
// Bytes(): it is the SHA-256 of the script's start and end and of the
// SHA-256 digests of its documents (in blocks), so that an index of which
// one document changed is summed again by hashing that document only.
func (s *IndexScript) Sum() [32]byte { return s.sum }

// WriteTo writes the script's bytes to w, without assembling them
// (io.WriterTo).
func (s *IndexScript) WriteTo(w io.Writer) (int64, error) {
	var n int64
	write := func(b []byte) error {
		k, err := w.Write(b)
		n += int64(k)
		return err
	}
	if err := write(s.head); err != nil {
		return n, err
	}
	doc := func(i int, json []byte) error {
		if i > 0 {
			if err := write(comma); err != nil {
				return err
			}
		}
		return write(json)
	}
	var json, body []byte
	for i := range s.cold {
		json, body = s.cold[i].appendJSON(json[:0], body)
		if err := doc(i, json); err != nil {
			return n, err
		}
	}
	for i, d := range s.docs {
		if err := doc(i, d.json); err != nil {
			return n, err
		}
	}
	k, err := io.WriteString(w, tail)
	return n + int64(k), err
}

var comma = []byte{','}

// Bytes returns the script, assembled from its documents.
func (s *IndexScript) Bytes() []byte {
	var b bytes.Buffer
	_, _ = s.WriteTo(&b) // a bytes.Buffer never fails to write
	return b.Bytes()
}

// source is what one document is made from: a section, goal, objective,
// desired outcome or key activity of the plan.
type source struct {
	kind    string
	ref     *plan.Ref // address and title
	context string    // statement or item text; a section's summary
	parent  string    // the objective's title, for items
	body    *plan.Body
	figures []*plan.Figure
}

// part is a part of a plan whose documents are walked in one go: a
// section, or a goal with its objectives and their items.
type part struct {
	section *plan.Section
	goal    *plan.Goal
	start   int // the index of its first document
}

// head is the page of the part's first document, which names the part.
func (pt *part) head() string {
	if pt.section != nil {
		return pt.section.Ref.Page
	}
	return pt.goal.Ref.Page
}

// parts returns the parts of p in reading order and the number of
// documents.
func parts(p *plan.Plan) (ps []part, n int) {
	ps = make([]part, 0, len(p.Front)+len(p.Goals)+len(p.Back))
	for _, sec := range p.Front {
		ps = append(ps, part{section: sec, start: n})
		n++
	}
	for _, g := range p.Goals {
		ps = append(ps, part{goal: g, start: n})
		n++
		for _, o := range g.Objectives {
			n += 1 + len(o.Outcomes) + len(o.Activities)
		}
	}
	for _, sec := range p.Back {
		ps = append(ps, part{section: sec, start: n})
		n++
	}
	return ps, n
}

// walk calls visit for each document of the part in reading order, with
// its index. visit must not keep s.
func (pt *part) walk(s *source, visit func(i int, s *source)) {
	i := pt.start
	if sec := pt.section; sec != nil {
		*s = source{kind: KindSection, ref: &sec.Ref, context: sec.Summary, body: &sec.Body, figures: sec.Figures}
		visit(i, s)
		return
	}
	g := pt.goal
	*s = source{kind: KindGoal, ref: &g.Ref, context: g.Statement, body: &g.Intro, figures: g.Figures}
	visit(i, s)
	for _, o := range g.Objectives {
		i++
		*s = source{kind: KindObjective, ref: &o.Ref, context: o.Statement, body: &o.Narrative, figures: o.Figures}
		visit(i, s)
		for _, it := range o.Outcomes {
			i++
			*s = source{kind: KindOutcome, ref: &it.Ref, context: it.Text, parent: o.Ref.Title}
			visit(i, s)
		}
		for _, it := range o.Activities {
			i++
			*s = source{kind: KindActivity, ref: &it.Ref, context: it.Text, parent: o.Ref.Title}
			visit(i, s)
		}
	}
}

// worker is one goroutine of each.
type worker struct {
	stop   []string
	slab   []byte // the terms of the documents it keeps (see keep)
	w      *words
	part   int // the part being walked,
	lo, hi int // and its documents in the last index
}

// words returns the worker's words, made on first use.
func (w *worker) words() *words {
	if w.w == nil {
		w.w = newWords(w.stop)
	}
	return w.w
}

// each calls f for every document of the parts, on all processors, with
// the index of its part and its own. f must not keep s.
func each(ps []part, stop []string, f func(w *worker, k, i int, s *source)) {
	eachWith(ps, newWorkers(stop, min(runtime.GOMAXPROCS(0), len(ps))), f)
}

// newWorkers returns n workers for eachWith.
func newWorkers(stop []string, n int) []*worker {
	ws := make([]*worker, n)
	for i := range ws {
		ws[i] = &worker{stop: stop}
	}
	return ws
}

// eachWith is each with the workers ws, one goroutine each: a caller that
// walks parts in several calls keeps its workers' words between them.
func eachWith(ps []part, ws []*worker, f func(w *worker, k, i int, s *source)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, w := range ws[:min(len(ws), len(ps))] {
		w.part = -1
		wg.Go(func() {
			var s source
			var k int
			visit := func(i int, s *source) { f(w, k, i, s) }
			for {
				k = int(next.Add(1)) - 1
				if k >= len(ps) {
					return
				}
				ps[k].walk(&s, visit)
			}
		})
	}
	wg.Wait()
}

// entry is one document of an index: its JSON text, with the digest of
// that text and a copy of every string it was made from.
type entry struct {
	kind, page, fragment, title, context, parent string
	html                                         template.HTML // the body's, whose text it is
	notes                                        []string      // footnote texts
	figures                                      []string      // caption and credit of each figure
	json                                         []byte        // [kind,url,title,context,parent,body]
	sum                                          [32]byte      // SHA-256 of json
}

// at reports whether e is the document of the same item as s.
func (e *entry) at(s *source) bool {
	return e.page == s.ref.Page && e.fragment == s.ref.Fragment && e.kind == s.kind
}

// from reports whether e, of the same item as s (see at), was made from
// what s holds now. Comparing equal
// strings costs little when they share their bytes, as the preview's
// successive plans do for unchanged documents; otherwise they are compared
// byte by byte.
func (e *entry) from(s *source) bool {
	if e.title != s.ref.Title || e.context != s.context || e.parent != s.parent || len(e.figures) != 2*len(s.figures) {
		return false
	}
	if s.body == nil {
		if e.html != "" || len(e.notes) != 0 {
			return false
		}
	} else {
		if e.html != s.body.HTML() || len(e.notes) != len(s.body.Footnotes) {
			return false
		}
		for i, f := range s.body.Footnotes {
			if e.notes[i] != f.Text {
				return false
			}
		}
	}
	for i, f := range s.figures {
		if e.figures[2*i] != f.Caption || e.figures[2*i+1] != f.Credit {
			return false
		}
	}
	return true
}

// read finds the words of s's body that go into the index (see Terms) and
// sets w.body to them, joined with spaces. It returns the context text.
func (w *words) read(s *source) (context string) {
	context = s.context
	var text string
	if s.body != nil {
		// Read into w's buffer (a large publication's texts are read back
		// from a file): words are copied as they are found (intern), and
		// the context, which the index keeps, is copied below.
		text = s.body.TextInto(&w.scratch)
	}
	if s.kind == KindSection {
		context = strings.Clone(lead(s.context, text))
	}
	w.start()
	w.scan(s.ref.Title, true)
	w.scan(context, true)
	w.scan(s.parent, true)
	// The parts of the body are separated by spaces, which no word
	// crosses: reading them one by one finds the words of the whole.
	if s.body != nil {
		w.scanText(text)
		for _, f := range s.body.Footnotes {
			w.scanText(f.Text)
		}
	}
	for _, f := range s.figures {
		w.scanText(f.Caption)
		w.scanText(f.Credit)
	}
	w.terms()
	return context
}

// entry makes the document of s, with a copy of what it is made from, to
// compare with the next plan (a Cache keeps it).
func (w *words) entry(s *source) *entry {
	e := &entry{kind: s.kind, page: s.ref.Page, fragment: s.ref.Fragment, title: s.ref.Title, context: s.context, parent: s.parent}
	if s.body != nil {
		e.html = s.body.HTML()
		if len(s.body.Footnotes) > 0 {
			e.notes = make([]string, len(s.body.Footnotes))
			for i, f := range s.body.Footnotes {
				e.notes[i] = f.Text
			}
		}
	}
	if len(s.figures) > 0 {
		e.figures = make([]string, 0, 2*len(s.figures))
		for _, f := range s.figures {
			e.figures = append(e.figures, f.Caption, f.Credit)
		}
	}
	e.json = bytes.Clone(w.encode(s))
	e.sum = sha256.Sum256(e.json)
	return e
}

// encode writes the document of s as JSON, [kind,url,title,context,
// parent,body], into a buffer of w that the next call reuses; w.context is
// then its context text.
func (w *words) encode(s *source) []byte {
	w.context = w.read(s)
	w.json = appendDoc(w.json[:0], s.kind, s.ref, w.context, s.parent, w.body)
	return w.json
}

// appendDoc appends the JSON of a document to b; body is its terms joined
// with spaces.
func appendDoc(b []byte, kind string, ref *plan.Ref, context, parent string, body []byte) []byte {
	b = append(b, '[')
	b = appendString(b, kind)
	b = append(b, ',', '"')
	b = appendEscaped(b, ref.Page)
	if ref.Fragment != "" {
		b = append(b, '#')
		b = appendEscaped(b, ref.Fragment)
	}
	b = append(b, '"', ',')
	b = appendString(b, ref.Title)
	b = append(b, ',')
	b = appendString(b, context)
	b = append(b, ',')
	b = appendString(b, parent)
	b = append(b, ',', '"')
	b = append(b, body...) // lower-case letters and digits: nothing to escape
	b = append(b, '"', ']')
	return b
}

// coldDoc is a document of a script made without a Cache, kept in little
// memory: what its JSON is made from, the plan's own strings, and its
// body's terms as indexes into the words of the worker that read it, each
// a varint (two bytes for most).
type coldDoc struct {
	kind, context, parent string
	ref                   *plan.Ref
	dict                  *words
	terms                 []byte
}

// keep returns the document w just encoded from s as a coldDoc, its
// terms in w's slab.
func (w *worker) keep(s *source) coldDoc {
	ws := w.w
	if need := binary.MaxVarintLen32 * len(ws.out); cap(w.slab)-len(w.slab) < need {
		w.slab = make([]byte, 0, max(256<<10, need))
	}
	start := len(w.slab)
	for _, id := range ws.out {
		if ws.list[id].prefix != ws.doc {
			w.slab = binary.AppendUvarint(w.slab, uint64(id))
		}
	}
	context := ws.context
	if s.kind == KindSection && s.context == "" {
		context = strings.Clone(context) // the start of the body's text, made for this document
	}
	return coldDoc{kind: s.kind, context: context, parent: s.parent, ref: s.ref, dict: ws,
		terms: w.slab[start:len(w.slab):len(w.slab)]}
}

// appendJSON appends the JSON of d to b, using body as scratch, and
// returns both.
func (d *coldDoc) appendJSON(b, body []byte) ([]byte, []byte) {
	body = body[:0]
	for t := d.terms; len(t) > 0; {
		id, k := binary.Uvarint(t)
		t = t[k:]
		if len(body) > 0 {
			body = append(body, ' ')
		}
		body = append(body, d.dict.list[id].s...)
	}
	return appendDoc(b, d.kind, d.ref, d.context, d.parent, body), body
}

// blockDocs is how many documents' digests are hashed together for Sum.
const blockDocs = 256

// blockSums returns the SHA-256 of the n documents' digests (sum) in
// blocks of blockDocs. keep, when not nil, gives the sum of a block b (of
// documents lo to hi) known from the last index.
func blockSums(n int, sum func(i int) *[32]byte, keep func(b, lo, hi int) ([32]byte, bool)) [][32]byte {
	blocks := make([][32]byte, (n+blockDocs-1)/blockDocs)
	var buf [blockDocs * 32]byte
	for b := range blocks {
		lo, hi := b*blockDocs, min((b+1)*blockDocs, n)
		if keep != nil {
			if sum, ok := keep(b, lo, hi); ok {
				blocks[b] = sum
				continue
			}
		}
		for i := lo; i < hi; i++ {
			copy(buf[(i-lo)*32:], sum(i)[:])
		}
		blocks[b] = sha256.Sum256(buf[:(hi-lo)*32])
	}
	return blocks
}

// lead is the context text of a section: its summary, or the start of its
// text.
func lead(summary, text string) string {
	if summary != "" {
		return summary
	}
	// Body text is already on one line with single spaces (package
	// markdown); a summary from front matter is used as written.
	return plan.Excerpt(text, 160)
}

// stopwords returns the words to ignore for a language: common English
// function words for English, none for other languages.
func stopwords(lang string) []string {
	if lang != "en" && !strings.HasPrefix(lang, "en-") {
		return []string{}
	}
	return strings.Fields(`a an and are as at be been but by can for from has have in into is it its of on or our
		that the their this those to was we were which will with within`)
}
