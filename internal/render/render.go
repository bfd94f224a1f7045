// Package render turns a plan into the files of a site: HTML pages from
// html/template templates, the print edition, and the theme's assets with
// fingerprinted names. It writes nothing to disk; package write does.
//
// Templates live in templates/: base.html defines the page shell and shared
// blocks; each page kind has its own file that defines "main" (home.html,
// goal.html, objective.html, section.html, summary.html, outcomes.html,
// activities.html, print.html, data.html, 404.html). Every page template receives a
// *Page. All links are relative, so the site works from disk and under any
// sub-path.
package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/template/parse"

	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/jsontext"
	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/parallel"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/resolve"
	"github.com/stratpub/stratpub/internal/tmplexec"
)

// File is one output file.
type File struct {
	Path string // slash-separated, relative to the site root
	Data []byte
}

// Options adjust rendering.
type Options struct {
	// PDF, when set, is linked from the home page.
	PDF *PDFLink
	// Extra files to publish as they are, at their paths: images, the
	// PDF edition.
	Extra []File
	// Assets are generated assets (the search index, the highlighting
	// style sheet), by logical name ("search-index.js"). They are
	// fingerprinted like the theme's assets; a theme asset of the same name
	// wins, so a publication can replace them.
	Assets []File
	// LazyAssets are generated assets made only when first needed.
	LazyAssets []LazyAsset
	// DataPaths are the site paths of the open data files; Data describes
	// them for the Data page, and WriteData writes one of them. Both are
	// called only when first needed (the preview makes the files only when
	// the Data page or a file is asked for), Data at most once, WriteData
	// once per file written: a build streams each file to disk. Both
	// must give the same result every time.
	DataPaths []string
	Data      func() ([]DataFile, error)
	WriteData func(path string, w io.Writer) error
}

// DataFile describes one open data file on the Data page.
type DataFile struct {
	Path   string // site path
	Title  string
	Format string
	Size   int64
	Sample template.HTML // a highlighted excerpt
}

// PDFLink describes the PDF edition.
type PDFLink struct {
	Path string // site path, e.g. "cbp-strategy.pdf"
	Size int64  // bytes; 0 when not known yet
}

// Site is what every page shares.
type Site struct {
	Plan   *plan.Plan
	Pub    *plan.Publication
	PDF    *PDFLink
	assets map[string]asset
	// printIDs maps a page path to the element id of that item in the
	// print edition.
	printIDs map[string]string
	data     lazyData
	chrome   *chromeCache
	// reportJSON is the publication as JSON-LD (report), made once.
	reportOnce sync.Once
	reportJSON string
}

// ChromeParts are the templates a page may render with .Chrome: the
// parts of the page shell that are the same on many pages.
var ChromeParts = []string{"head", "header", "footer"}

// Chrome is what a part of the page shell rendered with {{.Chrome
// "header"}} receives instead of the page: only what is the same for
// every page with the same Root, Kind, Goal and Print. Each part is
// rendered once per such group of pages and reused, which spares
// rendering the same head links, header and footer on thousands of
// pages. A part that never names Goal or NavGoals (nor do the templates
// it calls) is shared by the pages of all goals.
type Chrome struct {
	Pub   *plan.Publication
	Plan  *plan.Plan
	PDF   *PDFLink
	Root  string // relative path from the page to the site root
	Kind  string
	Goal  *plan.Goal // the page's goal, or nil
	Print bool
	page  *Page
}

// chromeKey identifies the pages that share a Chrome, apart from their
// goal.
type chromeKey struct {
	part, root, kind string
	print            bool
}

// chromeCache keeps the rendered parts of one Renderer.
type chromeCache struct {
	tmpl      *templates
	goalParts map[string]bool // parts that depend on the goal (templates.goalParts)
	parts     sync.Map        // chromeKey → *chromePart
}

// chromePart is a rendered part, and the goal it was rendered for when it
// depends on the goal.
type chromePart struct {
	goal *plan.Goal
	html template.HTML
}

// Chrome renders the part of the page shell named part (one of
// ChromeParts, defined in the theme) with the page's Chrome, or returns
// it as rendered for an earlier page of the same group. A part that
// depends on the goal is kept for the goal it was last rendered for:
// pages are written in path order, goal by goal, and keeping one part for
// each of a plan's thousands of goals would hold megabytes for nothing.
func (pg *Page) Chrome(part string) (template.HTML, error) {
	if !slices.Contains(ChromeParts, part) {
		return "", fmt.Errorf("Chrome %q: the parts are %s", part, strings.Join(ChromeParts, ", "))
	}
	k := chromeKey{part, pg.Root, pg.Kind, pg.Print}
	var goal *plan.Goal
	if pg.chrome.goalParts[part] {
		goal = pg.Goal
	}
	if v, ok := pg.chrome.parts.Load(k); ok {
		if p := v.(*chromePart); p.goal == goal {
			return p.html, nil
		}
	}
	c := &Chrome{Pub: pg.Pub, Plan: pg.Plan, PDF: pg.PDF, Root: pg.Root, Kind: pg.Kind, Goal: pg.Goal, Print: pg.Print, page: pg}
	var b strings.Builder
	if err := pg.chrome.tmpl.executePart(&b, part, c); err != nil {
		return "", &chromeError{err}
	}
	h := template.HTML(b.String())
	pg.chrome.parts.Store(k, &chromePart{goal, h})
	return h, nil
}

// chromeError is a failure inside a chrome part: it is reported at the
// part's line, not at the .Chrome call.
type chromeError struct{ err error }

func (e *chromeError) Error() string { return e.err.Error() }
func (e *chromeError) Unwrap() error { return e.err }

// Rel, Asset, SRI and NavGoals are the page's (see Page): they depend only
// on what Chrome holds.
func (c *Chrome) Rel(u string) string      { return c.page.Rel(u) }
func (c *Chrome) Asset(name string) string { return c.page.Asset(name) }
func (c *Chrome) SRI(name string) string   { return c.page.SRI(name) }
func (c *Chrome) NavGoals() []*plan.Goal   { return c.page.NavGoals() }

// lazyData describes the open data files once asked.
type lazyData struct {
	make  func() ([]DataFile, error)
	write func(path string, w io.Writer) error
	once  sync.Once
	list  []DataFile
	err   error
}

func (d *lazyData) load() error {
	d.once.Do(func() {
		if d.make != nil {
			d.list, d.err = d.make()
		}
	})
	return d.err
}

// Data describes the open data files, for the Data page.
func (s *Site) Data() ([]DataFile, error) {
	if err := s.data.load(); err != nil {
		return nil, err
	}
	return s.data.list, nil
}

type asset struct {
	path string // fingerprinted site path
	sri  string
}

// Crumb is one step of a breadcrumb trail.
type Crumb struct {
	Title string
	URL   string // site path; empty for the current page
}

// Page is the data of one page template.
type Page struct {
	*Site
	// Pub and Plan are the Site's, repeated here: templates look fields
	// up by name on every use, and a field of an embedded struct takes
	// text/template a slow search.
	Pub         *plan.Publication
	Plan        *plan.Plan
	Path        string // site path of the page
	Root        string // relative path from the page to the site root
	Kind        string // home, goal, objective, section, summary, outcomes, activities, print, notfound, data
	Title       string // <title>
	Heading     string
	Description string
	Crumbs      []Crumb
	Goal        *plan.Goal
	Objective   *plan.Objective
	Section     *plan.Section
	Print       bool
	// PageNumbers maps element ids of the print edition to the PDF pages
	// they are printed on; set only when the PDF is made (see PrintEdition).
	PageNumbers map[string]int
}

// Renderer renders the pages of one plan. It is immutable once made and
// safe for concurrent use: the preview server keeps one per snapshot and
// renders pages on demand, with the same bytes a full build writes.
type Renderer struct {
	site    *Site
	theme   *Theme
	pages   []*Page
	byPath  map[string]int
	static  []File               // assets and extra files
	files   map[string]int       // index in static by path
	lazy    map[string]*lazyFile // generated assets by path (LazyAsset)
	crawler []File               // sitemap.xml and robots.txt
	data    []string             // paths of the open data files
}

// lazyFile is a LazyAsset of a Renderer: written straight to a file, or
// made whole once when asked for (File).
type lazyFile struct {
	write func(io.Writer) (int64, error)
	bytes func() ([]byte, error)
}

// Theme is what a Renderer takes from the templates and assets of a
// theme: the parsed templates and the fingerprinted assets. It does not
// depend on the plan, so a build loads it while reading the publication.
type Theme struct {
	tmpl   *templates
	files  []File
	assets map[string]asset // by logical name
}

// LoadTheme parses the templates and fingerprints the assets of fsys
// (templates/ and assets/). The templates are escaped now (html/template
// would do it on their first use, with every page waiting for it).
func LoadTheme(fsys fs.FS) (*Theme, diag.List) {
	var errs diag.List
	th := &Theme{assets: map[string]asset{}}
	th.files, errs = loadAssets(fsys, th.assets)
	src, terrs := readTemplates(fsys)
	errs = append(errs, terrs...)
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	if th.tmpl = shippedTemplates(src); th.tmpl != nil {
		return th, nil
	}
	tmpl, terrs := parseTemplates(src)
	if len(terrs) > 0 {
		terrs.Sort()
		return nil, terrs
	}
	tmpl.escape()
	th.tmpl = tmpl
	return th, nil
}

// LazyAsset is a generated asset whose contents are made when needed:
// Sum, a digest that changes whenever the contents change, names the file,
// so pages can link to it before it is made. WriteTo writes the contents;
// a Renderer streams them to a file (WriteFile) or a hash without holding
// them whole, and makes them whole only for File, once.
type LazyAsset struct {
	Name    string // logical name, e.g. "search-index.js"
	Sum     [32]byte
	WriteTo func(io.Writer) (int64, error)
	// SHA384, when set, is the SHA-384 of what WriteTo writes, for the
	// integrity value of a site with a base URL; when nil, the Renderer
	// hashes what WriteTo writes.
	SHA384 []byte
}

// New prepares the rendering of p with the templates and assets of fsys.
func New(p *plan.Plan, fsys fs.FS, opts Options) (*Renderer, diag.List) {
	th, errs := LoadTheme(fsys)
	if len(errs) > 0 {
		return nil, errs
	}
	return NewWithTheme(p, th, opts), nil
}

// NewWithTheme prepares the rendering of p with a loaded theme.
func NewWithTheme(p *plan.Plan, th *Theme, opts Options) *Renderer {
	return newRenderer(p, th, opts, nil, nil)
}

// Replan prepares the rendering of p with the theme of r. p must have the
// pages of r's plan: the same items with the same IDs and pages,
// differing at most in their texts and titles (see resolve.Redoc), or be
// r's plan itself. The result is the same as New's, at a fraction of the
// cost.
func (r *Renderer) Replan(p *plan.Plan, opts Options) *Renderer {
	return newRenderer(p, r.theme, opts, r, r)
}

// Rebuild is Replan for a plan whose pages differ from r's (an objective
// added or removed): it reuses the theme, and the descriptions of the
// section pages whose sections are the same objects.
func (r *Renderer) Rebuild(p *plan.Plan, opts Options) *Renderer {
	return newRenderer(p, r.theme, opts, nil, r)
}

// newRenderer makes a Renderer of p with the theme th. When like is not
// nil, it is a Renderer of a plan with the same pages, whose page index,
// print ids and crawler files are reused. When before is not nil, it is a
// Renderer of an earlier version of p, whose section pages' descriptions
// are reused for the sections that are the same objects (made from their
// text, they take a fifth of a patch at N = 1000).
func newRenderer(p *plan.Plan, th *Theme, opts Options, like, before *Renderer) *Renderer {
	s := &Site{Plan: p, Pub: &p.Pub, PDF: opts.PDF, chrome: &chromeCache{tmpl: th.tmpl, goalParts: th.tmpl.goalParts}, assets: make(map[string]asset, len(th.assets)+len(opts.Assets)+len(opts.LazyAssets)+1)}
	for k, v := range th.assets {
		s.assets[k] = v
	}
	s.data.make, s.data.write = opts.Data, opts.WriteData
	r := &Renderer{site: s, theme: th, lazy: map[string]*lazyFile{}}
	files := slices.Clone(th.files)
	for _, f := range opts.Assets {
		if _, ok := th.assets[f.Path]; !ok {
			files = append(files, s.addAsset(f.Path, f.Data))
		}
	}
	for _, a := range opts.LazyAssets {
		if _, ok := th.assets[a.Name]; ok {
			continue
		}
		f := s.addLazyAsset(a)
		r.lazy[f.Path] = &lazyFile{write: a.WriteTo, bytes: sync.OnceValues(func() ([]byte, error) {
			var b bytes.Buffer
			_, err := a.WriteTo(&b)
			return b.Bytes(), err
		})}
		files = append(files, f)
	}
	files = append(files, s.printPages(p)...)
	if like != nil {
		s.printIDs = like.site.printIDs
	} else {
		// The items with pages of their own, from the plan's lists: a
		// walk of Refs (outcomes and activities too) took five times as
		// long.
		s.printIDs = make(map[string]string, len(p.Front)+len(p.Back)+len(p.Goals)+len(p.Objectives)+1)
		for _, sec := range p.Front {
			s.printIDs[sec.Ref.Page] = sec.Ref.ID
		}
		for _, sec := range p.Back {
			s.printIDs[sec.Ref.Page] = sec.Ref.ID
		}
		for _, g := range p.Goals {
			s.printIDs[g.Ref.Page] = g.Ref.ID
		}
		for _, o := range p.Objectives {
			s.printIDs[o.Ref.Page] = o.Ref.ID
		}
		s.printIDs[resolve.SummaryPage] = "summary"
	}
	var descs map[*plan.Section]string
	if before != nil {
		descs = make(map[*plan.Section]string, len(p.Front)+len(p.Back))
		for _, pg := range before.pages {
			if pg.Section != nil {
				descs[pg.Section] = pg.Description
			}
		}
	}
	r.pages = s.pages(descs)
	if like != nil && len(like.pages) == len(r.pages) {
		r.byPath = like.byPath
		r.crawler = like.crawler
	} else {
		r.byPath = make(map[string]int, len(r.pages))
		for i, pg := range r.pages {
			r.byPath[pg.Path] = i
		}
		r.crawler = s.crawlerFiles(r.pages)
	}
	r.static = append(files, opts.Extra...)
	r.static = append(r.static, r.crawler...)
	if opts.Data != nil && opts.WriteData != nil {
		r.data = opts.DataPaths
	}
	r.files = make(map[string]int, len(r.static))
	for i, f := range r.static {
		r.files[f.Path] = i
	}
	return r
}

// Paths lists the site paths of every file, pages and static files, sorted.
func (r *Renderer) Paths() []string {
	out := make([]string, 0, len(r.pages)+len(r.static))
	for _, pg := range r.pages {
		out = append(out, pg.Path)
	}
	for _, f := range r.static {
		out = append(out, f.Path)
	}
	out = append(out, r.data...)
	sort.Strings(out)
	return out
}

// Slow lists the files that take longest to make, slowest first: the print
// edition, the open data files, the indexes of the whole plan and the
// search index. A writer starts them first (see write.Ordered).
func (r *Renderer) Slow() []string {
	out := []string{resolve.PrintPage}
	out = append(out, r.data...)
	out = append(out, resolve.ActivitiesPage, resolve.OutcomesPage, resolve.SummaryPage, resolve.HomePage)
	for p := range r.lazy {
		out = append(out, p)
	}
	slices.Sort(out[len(out)-len(r.lazy):])
	return out
}

// Large reports whether the file at a site path holds the whole
// publication: the print edition and the open data files, whose size
// grows with the publication (tens or hundreds of MiB for thousands of
// objectives). A server should stream them (WriteFile) rather than hold
// them (File).
func (r *Renderer) Large(path string) bool {
	return path == resolve.PrintPage || slices.Contains(r.data, path)
}

// Has reports whether the site has a file at a site path.
func (r *Renderer) Has(path string) bool {
	if _, ok := r.byPath[path]; ok {
		return true
	}
	if _, ok := r.files[path]; ok {
		return true
	}
	return slices.Contains(r.data, path)
}

// Interpreted says why the theme's templates run through html/template
// alone, because they use something the compiled execution
// (internal/tmplexec) does not support, and where when it can; it is nil
// when they run compiled.
func (r *Renderer) Interpreted() *diag.Error {
	t := r.theme.tmpl
	if t.fast != nil {
		return nil
	}
	hint := "the theme renders correctly, but through html/template, about three times slower; docs/templates.md says what the compiled templates support"
	if ue := (*tmplexec.UnsupportedError)(nil); errors.As(t.slow, &ue) && ue.File != "" {
		return &diag.Error{Pos: diag.Pos{File: "templates/" + ue.File, Line: ue.Line, Col: ue.Col},
			Msg: ue.Node + " is not supported by the compiled templates", Hint: hint}
	}
	return &diag.Error{Pos: diag.Pos{File: "templates"}, Msg: fmt.Sprint(t.slow), Hint: hint}
}

// Count returns the number of files of the site.
func (r *Renderer) Count() int { return len(r.pages) + len(r.static) + len(r.data) }

// StaticPaths lists the site paths of the files that are not pages or
// open data: assets, images, the PDF edition, crawler files.
func (r *Renderer) StaticPaths() []string {
	out := make([]string, len(r.static))
	for i, f := range r.static {
		out[i] = f.Path
	}
	return out
}

// File returns the contents of the file at a site path. ok is false when
// the site has no such file.
func (r *Renderer) File(path string) (data []byte, ok bool, err error) {
	if i, found := r.byPath[path]; found {
		var buf bytes.Buffer
		if err := r.render(&buf, r.pages[i]); err != nil {
			return nil, true, err
		}
		return buf.Bytes(), true, nil
	}
	if i, found := r.files[path]; found {
		if lf := r.lazy[path]; lf != nil {
			data, err := lf.bytes()
			return data, true, err
		}
		return r.static[i].Data, true, nil
	}
	if slices.Contains(r.data, path) {
		var buf bytes.Buffer
		if err := r.site.data.write(path, &buf); err != nil {
			return nil, true, err
		}
		return buf.Bytes(), true, r.bodiesErr()
	}
	return nil, false, nil
}

// WriteFile writes the file at a site path to w, as File returns it, but
// without holding it whole in memory: pages are rendered into w and open
// data files written into it as they are made. ok is false when the site
// has no such file.
func (r *Renderer) WriteFile(path string, w io.Writer) (ok bool, err error) {
	if i, found := r.byPath[path]; found {
		return true, r.render(w, r.pages[i])
	}
	if slices.Contains(r.data, path) {
		if err := r.site.data.write(path, w); err != nil {
			return true, err
		}
		return true, r.bodiesErr()
	}
	if lf := r.lazy[path]; lf != nil {
		_, err := lf.write(w)
		return true, err
	}
	data, ok, err := r.File(path)
	if err != nil || !ok {
		return ok, err
	}
	_, err = w.Write(data)
	return true, err
}

// bodiesErr is the first error reading the plan's bodies back from where
// they are kept (plan.Store): a page or file made after one may lack a
// body, so it must not be published. Every page and data file checks it
// once made.
func (r *Renderer) bodiesErr() error { return r.site.Plan.Bodies.Err() }

// render renders one page.
func (r *Renderer) render(w io.Writer, pg *Page) error {
	if err := r.theme.tmpl.execute(w, pg.Kind, pg); err != nil {
		return templateError(err, pg.Path)
	}
	return r.bodiesErr()
}

// All renders every page, in parallel, and returns all files sorted by path.
func (r *Renderer) All(ctx context.Context) ([]File, diag.List) {
	var errs diag.List
	pages := r.pages
	out := make([][]byte, len(pages))
	perr := make([]error, len(pages))
	parallel.For(len(pages), func(i int) {
		if ctx.Err() != nil {
			perr[i] = ctx.Err()
			return
		}
		var buf bytes.Buffer
		if err := r.render(&buf, r.pages[i]); err != nil {
			perr[i] = err
			return
		}
		out[i] = buf.Bytes()
	})
	for _, err := range perr {
		if err == nil {
			continue
		}
		var de *diag.Error
		if errors.As(err, &de) {
			errs = append(errs, de)
		} else {
			errs.Add(diag.Pos{}, err.Error(), "")
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	files := make([]File, 0, len(pages)+len(r.static))
	for i, pg := range pages {
		files = append(files, File{Path: pg.Path, Data: out[i]})
	}
	for _, f := range r.static {
		if lf := r.lazy[f.Path]; lf != nil {
			data, err := lf.bytes()
			if err != nil {
				errs.Add(diag.Pos{}, err.Error(), "")
				return nil, errs
			}
			f.Data = data
		}
		files = append(files, f)
	}
	for _, p := range r.data {
		data, _, err := r.File(p)
		if err != nil {
			errs.Add(diag.Pos{}, err.Error(), "")
			return nil, errs
		}
		files = append(files, File{Path: p, Data: data})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// Render renders every file of the site of p.
func Render(ctx context.Context, p *plan.Plan, theme fs.FS, opts Options) ([]File, diag.List) {
	r, errs := New(p, theme, opts)
	if len(errs) > 0 {
		return nil, errs
	}
	return r.All(ctx)
}

// pages lists every page of the site.
func (s *Site) pages(descs map[*plan.Section]string) []*Page {
	p := s.Plan
	home := Crumb{Title: "Home", URL: resolve.HomePage}
	n := 7 + len(p.Front) + len(p.Back) + len(p.Goals) + len(p.Objectives)
	pages := make([]*Page, 0, n)
	// The pages and their crumbs are made in two blocks, not one by one:
	// the preview makes them again whenever pages are added or deleted.
	slab := make([]Page, 0, n)
	crumbs := make([]Crumb, 0, 2*n+len(p.Objectives))
	roots := []string{""}
	add := func(pg Page, path ...Crumb) {
		pg.Site, pg.Pub, pg.Plan = s, s.Pub, s.Plan
		depth := strings.Count(pg.Path, "/")
		for len(roots) <= depth {
			roots = append(roots, roots[len(roots)-1]+"../")
		}
		pg.Root = roots[depth]
		if pg.Kind == "notfound" && s.Pub.BaseURL != "" {
			// The server shows the not-found page at any address, so its
			// links cannot be relative: with a base URL they are absolute.
			pg.Root = s.Pub.BaseURL
		}
		if pg.Title == "" {
			pg.Title = pg.Heading + " — " + s.Pub.Title
		}
		if len(path) > 0 {
			if len(crumbs)+len(path) > cap(crumbs) {
				crumbs = make([]Crumb, 0, 64)
			}
			i := len(crumbs)
			crumbs = append(crumbs, path...)
			pg.Crumbs = crumbs[i:len(crumbs):len(crumbs)]
		}
		if len(slab) == cap(slab) {
			slab = make([]Page, 0, 16) // more pages than counted: a plan with a problem
		}
		slab = append(slab, pg)
		pages = append(pages, &slab[len(slab)-1])
	}
	add(Page{Path: resolve.HomePage, Kind: "home", Heading: s.Pub.Title, Title: s.Pub.Title + " — " + s.Pub.Organization,
		Description: firstNonEmpty(s.Pub.Description, s.Pub.Mission)})
	add(Page{Path: resolve.SummaryPage, Kind: "summary", Heading: "Strategy summary",
		Description: "Every goal and strategic objective of the " + s.Pub.Title + " with its statement."},
		home, Crumb{Title: "Strategy summary"})
	add(Page{Path: resolve.OutcomesPage, Kind: "outcomes", Heading: "Desired outcomes",
		Description: "The desired outcome of every strategic objective of the " + s.Pub.Title + "."},
		home, Crumb{Title: "Desired outcomes"})
	add(Page{Path: resolve.ActivitiesPage, Kind: "activities", Heading: "Key activities",
		Description: "Every key activity of the " + s.Pub.Title + ", by goal and objective."},
		home, Crumb{Title: "Key activities"})
	add(Page{Path: resolve.PrintPage, Kind: "print", Heading: s.Pub.Title, Title: s.Pub.Title + " — print edition", Print: true,
		Description: "The whole " + s.Pub.Title + " on one page, for printing."})
	add(Page{Path: resolve.DataPage, Kind: "data", Heading: "Open data",
		Description: "The " + s.Pub.Title + " as open data: JSON with its schema, CSV and StratML."},
		home, Crumb{Title: "Open data"})
	add(Page{Path: "404.html", Kind: "notfound", Heading: "Page not found", Description: "This page does not exist."})
	for _, list := range [][]*plan.Section{p.Front, p.Back} {
		for _, sec := range list {
			desc, ok := descs[sec]
			if !ok {
				desc = sec.Summary
				if desc == "" {
					desc = sec.Body.Excerpt(200)
				}
			}
			add(Page{Path: sec.Ref.Page, Kind: "section", Heading: sec.Ref.Title, Section: sec, Description: desc},
				home, Crumb{Title: sec.Ref.Title})
		}
	}
	for _, g := range p.Goals {
		add(Page{Path: g.Ref.Page, Kind: "goal", Heading: g.Ref.Title, Goal: g, Description: g.Statement},
			home, Crumb{Title: g.Ref.Title})
		for _, o := range g.Objectives {
			add(Page{Path: o.Ref.Page, Kind: "objective", Heading: o.Ref.Title, Objective: o, Goal: g, Description: o.Statement},
				home, Crumb{Title: g.Ref.Title, URL: g.Ref.Page}, Crumb{Title: "Objective " + o.Number})
		}
	}
	return pages
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Rel returns the link from this page to a site path ("goals/1/index.html",
// "objectives/1.3/index.html#activity-1.3.2"). In the print edition, links
// to items it contains become links within the page.
func (pg *Page) Rel(u string) string {
	if pg.Print {
		page, frag, _ := strings.Cut(u, "#")
		if id, ok := pg.printIDs[page]; ok {
			if frag != "" {
				return "#" + frag
			}
			return "#" + id
		}
	}
	return pg.Root + u
}

// HTML makes the site links of a rendered body relative to this page:
// every href="site:PATH" and src="site:PATH" becomes the link Rel gives.
func (pg *Page) HTML(h template.HTML) template.HTML {
	return template.HTML(markdown.RewriteSiteLinks(string(h), pg.Rel))
}

// Shift is HTML with its headings moved down by n levels, for bodies shown
// under deeper headings (the print edition).
func (pg *Page) Shift(n int, h template.HTML) template.HTML {
	s := string(pg.HTML(h))
	if n == 0 || !strings.Contains(s, "<h") {
		return template.HTML(s)
	}
	for lvl := 6 - n; lvl >= 1; lvl-- {
		to := strconv.Itoa(min(lvl+n, 6))
		from := strconv.Itoa(lvl)
		s = strings.ReplaceAll(s, "<h"+from+" ", "<h"+to+" ")
		s = strings.ReplaceAll(s, "<h"+from+">", "<h"+to+">")
		s = strings.ReplaceAll(s, "</h"+from+">", "</h"+to+">")
	}
	return template.HTML(s)
}

// Asset returns the link to a theme asset by its logical name ("site.css").
func (pg *Page) Asset(name string) string {
	if a, ok := pg.assets[name]; ok {
		return pg.Root + a.path
	}
	return pg.Root + "assets/" + name
}

// SRI returns the subresource-integrity value of a theme asset, or "" when
// the publication has no base URL. Browsers refuse every script and style
// sheet with an integrity attribute on pages opened from disk (file://
// responses are opaque), so integrity is only written for sites that will
// be served from their base URL; an empty attribute means no check.
func (pg *Page) SRI(name string) string {
	if pg.Pub.BaseURL == "" {
		return ""
	}
	return pg.assets[name].sri
}

// JSONLD returns the page's schema.org description as JSON for a <script
// type="application/ld+json"> element: a WebPage (its heading, language,
// description and canonical URL) that is part of a Report (the
// publication). It is written with encoding/json's rules, HTML characters
// escaped, so it is valid JSON and safe inside a script element; the
// Report part, the same on every page, is made once.
func (pg *Page) JSONLD() template.JS {
	b := make([]byte, 0, 256+len(pg.Description))
	b = append(b, `{"@context": "https://schema.org", "@type": "WebPage", "name": `...)
	b = jsontext.AppendString(b, pg.Heading, true)
	b = append(b, `, "inLanguage": `...)
	b = jsontext.AppendString(b, pg.Pub.Language, true)
	if pg.Description != "" {
		b = append(b, `, "description": `...)
		b = jsontext.AppendString(b, pg.Description, true)
	}
	if c := pg.Canonical(); c != "" {
		b = append(b, `, "url": `...)
		b = jsontext.AppendString(b, c, true)
	}
	b = append(b, ",\n \"isPartOf\": "...)
	b = append(b, pg.report()...)
	b = append(b, '}')
	return template.JS(b)
}

// report returns the publication as a schema.org Report, in JSON.
func (s *Site) report() string {
	s.reportOnce.Do(func() {
		p := s.Pub
		b := []byte(`{"@type": "Report", "name": `)
		b = jsontext.AppendString(b, p.Title, true)
		for _, f := range []struct{ key, value string }{
			{"alternativeHeadline", p.Subtitle}, {"description", p.Description}, {"identifier", p.Number},
			{"datePublished", p.Date}, {"url", p.BaseURL},
		} {
			if f.value != "" {
				b = append(b, `, "`+f.key+`": `...)
				b = jsontext.AppendString(b, f.value, true)
			}
		}
		b = append(b, `, "inLanguage": `...)
		b = jsontext.AppendString(b, p.Language, true)
		org := jsontext.AppendString(nil, p.Organization, true)
		b = append(b, ",\n  \"author\": {\"@type\": \"Organization\", \"name\": "...)
		b = append(b, org...)
		b = append(b, "},\n  \"publisher\": {\"@type\": \"Organization\", \"name\": "...)
		b = append(b, org...)
		b = append(b, "}}"...)
		s.reportJSON = string(b)
	})
	return s.reportJSON
}

// Canonical returns the page's absolute URL, or "" without a base URL.
func (pg *Page) Canonical() string {
	if pg.Pub.BaseURL == "" {
		return ""
	}
	return pg.Pub.BaseURL + strings.TrimSuffix(pg.Path, "index.html")
}

// MaxNavGoals is the most goals the main navigation lists; a plan with
// more lists only the current page's goal there, so that every page does
// not carry the whole plan (which would make the site grow with the square
// of its size).
const MaxNavGoals = 8

// NavGoals returns the goals for the main navigation.
func (pg *Page) NavGoals() []*plan.Goal {
	if len(pg.Plan.Goals) <= MaxNavGoals {
		return pg.Plan.Goals
	}
	if pg.Goal != nil {
		return []*plan.Goal{pg.Goal}
	}
	return nil
}

// Backlinks returns the places that refer to the page's goal, objective or
// section.
func (pg *Page) Backlinks() []plan.Backlink {
	switch {
	case pg.Objective != nil:
		return pg.Objective.Ref.Backlinks
	case pg.Goal != nil:
		return pg.Goal.Ref.Backlinks
	case pg.Section != nil:
		return pg.Section.Ref.Backlinks
	}
	return nil
}

// Size formats a byte count for people.
func (pg *Page) Size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// loadAssets fingerprints every file under assets/, adding each to assets
// by its logical name.
func loadAssets(theme fs.FS, assets map[string]asset) ([]File, diag.List) {
	var errs diag.List
	var files []File
	err := fs.WalkDir(theme, "assets", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			errs.Add(diag.Pos{File: name}, err.Error(), "")
			return nil
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		data, err := fs.ReadFile(theme, name)
		if err != nil {
			errs.Add(diag.Pos{File: name}, err.Error(), "")
			return nil
		}
		logical := strings.TrimPrefix(name, "assets/")
		// Integrity values are used only with a base URL (see SRI); the
		// theme's files are small, so they are always computed.
		f, a := fingerprint(logical, data, true)
		assets[logical] = a
		files = append(files, f)
		return nil
	})
	if err != nil {
		errs.Add(diag.Pos{File: "assets"}, err.Error(), "")
	}
	return files, errs
}

// fingerprint returns an asset's file, named by a hash of its contents so
// that it can be cached for ever, with its integrity value when sri is
// set.
func fingerprint(logical string, data []byte, sri bool) (File, asset) {
	a := asset{path: assetPath(logical, sha256.Sum256(data))}
	if sri {
		h := sha512.Sum384(data)
		a.sri = integrity(h[:])
	}
	return File{Path: a.path, Data: data}, a
}

// assetPath is the site path of the asset logical whose contents have the
// digest sum: "assets/site.0123456789.css".
func assetPath(logical string, sum [32]byte) string {
	ext := path.Ext(logical)
	return "assets/" + strings.TrimSuffix(logical, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
}

// integrity is the integrity attribute of contents whose SHA-384 is sum.
func integrity(sum []byte) string { return "sha384-" + base64.StdEncoding.EncodeToString(sum) }

// addAsset registers a generated asset under its logical name and returns
// its file.
func (s *Site) addAsset(logical string, data []byte) File {
	// Integrity values are written only for a site with a base URL (see
	// SRI).
	f, a := fingerprint(logical, data, s.Pub.BaseURL != "")
	s.assets[logical] = a
	return f
}

// addLazyAsset registers la, named by its Sum; its integrity value, when
// needed and not given, is hashed as la writes it.
func (s *Site) addLazyAsset(la LazyAsset) File {
	a := asset{path: assetPath(la.Name, la.Sum)}
	if s.Pub.BaseURL != "" {
		sum := la.SHA384
		if sum == nil {
			h := sha512.New384()
			_, _ = la.WriteTo(h) // a hash.Hash never fails to write
			sum = h.Sum(nil)
		}
		a.sri = integrity(sum)
	}
	s.assets[la.Name] = a
	return File{Path: a.path}
}

// crawlerFiles returns sitemap.xml and robots.txt when the publication has
// a base URL: both need absolute addresses. The sitemap lists every page
// but the not-found page, by canonical URL.
func (s *Site) crawlerFiles(pages []*Page) []File {
	if s.Pub.BaseURL == "" {
		return nil
	}
	var locs []string
	for _, pg := range pages {
		if pg.Kind != "notfound" {
			locs = append(locs, pg.Canonical())
		}
	}
	sort.Strings(locs)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, l := range locs {
		b.WriteString("<url><loc>")
		template.HTMLEscape(&b, []byte(l))
		b.WriteString("</loc></url>\n")
	}
	b.WriteString("</urlset>\n")
	robots := "User-agent: *\nAllow: /\n\nSitemap: " + s.Pub.BaseURL + "sitemap.xml\n"
	return []File{{Path: "sitemap.xml", Data: []byte(b.String())}, {Path: "robots.txt", Data: []byte(robots)}}
}

// pageTemplates maps page kinds to their template files.
var pageTemplates = map[string]string{
	"home": "home.html", "summary": "summary.html", "outcomes": "outcomes.html",
	"activities": "activities.html", "print": "print.html", "notfound": "404.html",
	"section": "section.html", "goal": "goal.html", "objective": "objective.html",
	"data": "data.html",
}

var funcs = template.FuncMap{
	"add":   func(a, b int) int { return a + b },
	"upper": strings.ToUpper,
}

// themeSource is the text of a theme's templates.
type themeSource struct {
	base     string
	partials []namedText // templates/partials/*.html, in name order
	pages    []namedText // the page templates, by kind in order
}

type namedText struct{ name, text string }

// readTemplates reads the templates of theme.
func readTemplates(theme fs.FS) (*themeSource, diag.List) {
	var errs diag.List
	read := func(name string) string {
		b, err := fs.ReadFile(theme, "templates/"+name)
		if err != nil {
			errs.Add(diag.Pos{File: "templates/" + name}, "cannot read template: "+err.Error(), "restore the file, or delete your copy to use the default")
		}
		return string(b)
	}
	src := &themeSource{base: read("base.html")}
	partials, _ := fs.ReadDir(theme, "templates/partials")
	for _, e := range partials {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".html") {
			continue
		}
		name := "partials/" + e.Name()
		src.partials = append(src.partials, namedText{name, read(name)})
	}
	for _, kind := range slices.Sorted(maps.Keys(pageTemplates)) {
		src.pages = append(src.pages, namedText{kind, read(pageTemplates[kind])})
	}
	return src, errs
}

// parseTemplates parses base.html with each page template.
func parseTemplates(src *themeSource) (*templates, diag.List) {
	var errs diag.List
	base := template.New("base.html").Funcs(funcs)
	if _, err := base.Parse(src.base); err != nil {
		errs = append(errs, templateError(err, ""))
		return nil, errs
	}
	// Shared blocks: every templates/partials/*.html, in name order.
	for _, p := range src.partials {
		if _, err := base.New(p.name).Parse(p.text); err != nil {
			errs = append(errs, templateError(err, ""))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	// One template set serves every page kind, so that the shared blocks
	// are escaped once: each page file's "main" is added as "main/KIND",
	// and each kind gets a copy of base.html, "page/KIND", calling it.
	for _, pt := range src.pages {
		kind, name := pt.name, pageTemplates[pt.name]
		file, err := template.New(name).Funcs(funcs).Parse(pt.text)
		if err != nil {
			errs = append(errs, templateError(err, ""))
			continue
		}
		main := file.Lookup("main")
		if main == nil {
			errs.Add(diag.Pos{File: "templates/" + name, Line: 1, Col: 1}, "template defines no \"main\" block",
				"wrap the page's content in {{define \"main\"}} ... {{end}}; base.html shows it")
			continue
		}
		for _, t := range file.Templates() {
			if t.Tree == nil || t.Name() == name {
				continue
			}
			as := t.Name()
			if as == "main" {
				as = "main/" + kind
			}
			if _, err := base.AddParseTree(as, t.Tree); err != nil {
				errs = append(errs, templateError(err, ""))
			}
		}
		page := base.Lookup("base.html").Tree.Copy()
		renameCalls(page.Root, "main", "main/"+kind)
		if _, err := base.AddParseTree("page/"+kind, page); err != nil {
			errs = append(errs, templateError(err, ""))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &templates{html: func() *template.Template { return base }}, nil
}

// templates is the parsed template set.
type templates struct {
	// html is the set html/template executes, made when first asked
	// for when the templates are shipped escaped (see shipped.go).
	html func() *template.Template
	// shipped says the templates were compiled from escaped.tmpl.
	shipped bool
	// fast executes the escaped set; nil when the theme uses what it does
	// not support (see tmplexec), and html/template executes it: slow says
	// why.
	fast *tmplexec.Set
	slow error
	// goalParts are the chrome parts that refer to the page's goal (see
	// usesGoal); the others are shared by all goals.
	goalParts map[string]bool
}

// usesGoal reports whether the template name, or a template it calls,
// names a field or method Goal or NavGoals: only then can its output
// differ between pages of different goals.
func usesGoal(tree func(name string) *parse.Tree, name string, seen map[string]bool) bool {
	if seen[name] {
		return false
	}
	seen[name] = true
	t := tree(name)
	if t == nil {
		return false
	}
	found := false
	goal := func(ids []string) bool { return slices.Contains(ids, "Goal") || slices.Contains(ids, "NavGoals") }
	tmplexec.Inspect(t.Root, func(n parse.Node) bool {
		switch n := n.(type) {
		case *parse.FieldNode:
			found = found || goal(n.Ident)
		case *parse.VariableNode:
			found = found || goal(n.Ident)
		case *parse.ChainNode:
			found = found || goal(n.Field)
		case *parse.TemplateNode:
			found = found || usesGoal(tree, n.Name, seen)
		}
		return !found
	})
	return found
}

// escape escapes every page template now: html/template escapes a
// template set on its first execution, under a lock every other execution
// waits for. Executing each page template without data escapes it, then
// fails at once on the missing data; that error is the expected one.
func (t *templates) escape() {
	set := t.html()
	for kind := range pageTemplates {
		_ = set.ExecuteTemplate(io.Discard, "page/"+kind, (*Page)(nil))
	}
	for _, part := range ChromeParts {
		if set.Lookup(part) != nil {
			_ = set.ExecuteTemplate(io.Discard, part, (*Chrome)(nil))
		}
	}
	t.compile(lookup(set), func() *template.Template { return set })
}

// lookup returns the trees of set by name.
func lookup(set *template.Template) func(name string) *parse.Tree {
	return func(name string) *parse.Tree {
		if t := set.Lookup(name); t != nil {
			return t.Tree
		}
		return nil
	}
}

// compiled lists the templates a theme executes: the pages and the chrome
// parts of tree, sorted.
func compiled(tree func(name string) *parse.Tree) []string {
	names := make([]string, 0, len(pageTemplates)+len(ChromeParts))
	for kind := range pageTemplates {
		names = append(names, "page/"+kind)
	}
	for _, part := range ChromeParts {
		if tree(part) != nil {
			names = append(names, part)
		}
	}
	sort.Strings(names)
	return names
}

// compile compiles the escaped trees of t (tmplexec), and finds the chrome
// parts that depend on the page's goal.
func (t *templates) compile(tree func(name string) *parse.Tree, html func() *template.Template) {
	registerMethods()
	t.goalParts = map[string]bool{}
	for _, part := range ChromeParts {
		if tree(part) != nil {
			t.goalParts[part] = usesGoal(tree, part, map[string]bool{})
		}
	}
	t.fast, t.slow = tmplexec.CompileTrees(tree, html, funcs, compiled(tree)...)
}

// execute renders the page of the given kind.
func (t *templates) execute(w io.Writer, kind string, data any) error {
	return t.executePart(w, "page/"+kind, data)
}

// interpret makes every execution go through html/template, for tests
// that compare the two; interpreted counts those executions, so that such
// a test can tell that they were.
var (
	interpret   atomic.Bool
	interpreted atomic.Int64
)

// executePart executes the template called name.
func (t *templates) executePart(w io.Writer, name string, data any) error {
	if t.fast != nil && !interpret.Load() {
		return t.fast.Execute(w, name, data)
	}
	interpreted.Add(1)
	return t.html().ExecuteTemplate(w, name, data)
}

// renameCalls renames the {{template "from"}} calls under n.
func renameCalls(n parse.Node, from, to string) {
	tmplexec.Inspect(n, func(n parse.Node) bool {
		if t, ok := n.(*parse.TemplateNode); ok && t.Name == from {
			t.Name = to
		}
		return true
	})
}

var (
	internalName = regexp.MustCompile(`"main/[a-z]+"`)
	internalPage = regexp.MustCompile(`"page/[a-z]+"`)
)

var tmplPos = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`template:\s?([^:]+):(\d+)(?::(\d+))?: (.*)$`) })

// templateError positions a template error at its file and line.
func templateError(err error, page string) *diag.Error {
	fieldHint := "the field does not exist on this page's data; see docs/templates.md for the fields each page has"
	if ce := (*chromeError)(nil); errors.As(err, &ce) {
		err = ce.err
		fieldHint = "a header or footer sees only the fields of render.Chrome (.Pub, .Plan, .PDF, .Root, .Kind, .Goal, .Print); see docs/templates.md"
	}
	msg := err.Error()
	where := ""
	if page != "" {
		where = " (rendering " + page + ")"
	}
	hint := "fix the template; delete your copy in templates/ to use the default"
	if m := tmplPos().FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		if m[3] != "" {
			col++ // text/template counts columns from 0
		}
		name := m[1]
		if i := strings.LastIndexByte(name, ' '); i >= 0 {
			name = name[i+1:]
		}
		name = strings.TrimPrefix(name, "html/template:")
		// Name the blocks as the author wrote them, not as they are kept.
		rest := internalName.ReplaceAllString(m[4], `"main"`)
		rest = internalPage.ReplaceAllString(rest, `"base.html"`)
		if strings.Contains(rest, "can't evaluate field") {
			hint = fieldHint
		}
		return &diag.Error{Pos: diag.Pos{File: "templates/" + name, Line: line, Col: col}, Msg: "template: " + rest + where, Hint: hint}
	}
	return &diag.Error{Pos: diag.Pos{File: "templates"}, Msg: msg + where, Hint: hint}
}

// Part is what the shared blocks of base.html receive: the page, the items
// to show, an element id and a heading level.
type Part struct {
	Page  *Page
	Items any
	ID    string
	Level int
}

// With wraps items for a shared block ("figures", "notes", "backlinks").
func (pg *Page) With(items any, id string, level int) Part {
	return Part{Page: pg, Items: items, ID: id, Level: level}
}

// registerMethods makes the methods the default templates call on every
// page run directly, not through reflection (tmplexec.Method0). It runs
// when a theme is first compiled, not at start-up: registering looks the
// methods up by reflection, which a command that renders nothing need not
// pay for.
var registerMethods = sync.OnceFunc(func() {
	tmplexec.Method1("Rel", (*Page).Rel)
	tmplexec.Method1("HTML", (*Page).HTML)
	tmplexec.Method1("Asset", (*Page).Asset)
	tmplexec.Method1("SRI", (*Page).SRI)
	tmplexec.Method0("JSONLD", (*Page).JSONLD)
	tmplexec.Method0("Canonical", (*Page).Canonical)
	tmplexec.Method1E("Chrome", (*Page).Chrome)
	tmplexec.Method0("Backlinks", (*Page).Backlinks)
	tmplexec.Method0("NavGoals", (*Page).NavGoals)
	tmplexec.Method1("PageOf", (*Page).PageOf)
	tmplexec.Method0("NavGoals", (*Chrome).NavGoals)
	tmplexec.Method0("URL", (*plan.Ref).URL)
	tmplexec.Method0("HTML", (*plan.Body).HTML)
	tmplexec.Method1("Rel", (*Chrome).Rel)
	tmplexec.Method1("Asset", (*Chrome).Asset)
	tmplexec.Method1("SRI", (*Chrome).SRI)
})
