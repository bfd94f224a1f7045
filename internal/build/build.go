// Package build runs the pipeline: load → resolve → render. It returns the
// site as files in memory; Write puts them on disk. Build knows nothing of
// HTTP or file watching: the preview server calls it on every change.
package build

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	stratpub "github.com/stratpub/stratpub"
	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/export"
	"github.com/stratpub/stratpub/internal/load"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/render"
	"github.com/stratpub/stratpub/internal/resolve"
	"github.com/stratpub/stratpub/internal/search"
	"github.com/stratpub/stratpub/internal/spill"
	"github.com/stratpub/stratpub/internal/write"
)

// Config says what to build.
type Config struct {
	// Source is the publication: an fs.FS rooted at its folder.
	Source fs.FS
	// BaseURL overrides the configuration's base_url when not empty.
	BaseURL string
	// PDF, when set, is the PDF edition: it is published with the site and
	// linked from the home page.
	PDF *render.File
	// FindPDF, when set and PDF is not, is asked for an existing PDF edition
	// of the publication (its name depends on the publication's title).
	FindPDF func(pub *plan.Publication) *render.File
	// LazyData makes the open data files only when a page or file needs
	// them, instead of while preparing: the preview sets it, since most
	// edits are never followed by a look at the Data page.
	LazyData bool
	// Cache, when set, keeps work between builds of the same publication:
	// only files that changed are read and parsed again, and Markdown is
	// converted again only where its text or the IDs it can refer to
	// changed.
	Cache *Cache
	// Told, with a Cache, says that every file changed since the last
	// Prepare with it was told to Cache.Docs.Forget (by a watcher): the
	// publication's folders are then not listed again, nor its other
	// files looked at, unless a folder changed (load.Cache.Update).
	Told bool
	// Bodies, without a Cache, is where the documents' bodies are kept
	// while they wait to be converted, and their HTML and text once they
	// are (resolve.Options.Store). When nil, a build keeps them in memory,
	// or, for a publication whose documents total more than
	// BodiesInMemory bytes, in a temporary file.
	Bodies *spill.Store
}

// BodiesInMemory is the size of the largest publication (its documents'
// bytes) whose bodies a build keeps in memory (Config.Bodies): 16 MiB is
// about 300 times the CBP publication. Past that size the bodies, their
// HTML and their text are most of what a build holds, while reading one
// back from a temporary file costs a microsecond or two each time a page
// or data file shows it.
const BodiesInMemory = 16 << 20

// Cache is what Config.Cache keeps. The zero Cache is ready to use.
type Cache struct {
	Docs     load.Cache
	Markdown resolve.Cache
	Search   search.Cache
}

// Site is a built site.
type Site struct {
	Plan  *plan.Plan
	Files []render.File // sorted by path
	Pages int           // HTML pages
}

// Prepared is a publication loaded, resolved and ready to render: the
// preview server renders its pages on demand.
type Prepared struct {
	Plan     *plan.Plan
	Renderer *render.Renderer
	opts     render.Options  // what Renderer was made with, for Retheme
	docs     []*load.Doc     // the documents Plan was made from, for Patch; nil without Config.Cache
	config   []byte          // the configuration file Plan was made from, for Patch
	ropts    resolve.Options // what Plan was resolved with, for Patch
}

// Retheme prepares the rendering of p's plan again with the templates and
// assets now in cfg.Source, reusing everything else: the result is the
// same as Prepare's when only templates/ and assets/ changed since p was
// prepared.
func (p *Prepared) Retheme(cfg Config) (*Prepared, diag.List) {
	r, errs := render.New(p.Plan, Theme(cfg.Source), p.opts)
	if len(errs) > 0 {
		return nil, errs
	}
	return &Prepared{Plan: p.Plan, Renderer: r, opts: p.opts, docs: p.docs, config: p.config, ropts: p.ropts}, nil
}

// WithPDF returns p with f as the PDF edition, published with the site
// and linked from the home page: the same as preparing with Config.PDF,
// without preparing again.
func (p *Prepared) WithPDF(f render.File) *Prepared {
	opts := p.opts
	opts.PDF = &render.PDFLink{Path: f.Path, Size: int64(len(f.Data))}
	opts.Extra = append(slices.Clone(p.opts.Extra), f)
	return &Prepared{Plan: p.Plan, Renderer: p.Renderer.Replan(p.Plan, opts), opts: opts, docs: p.docs, config: p.config, ropts: p.ropts}
}

// Patch prepares the publication again after the files at paths changed,
// reusing p when every changed file is a document of p's plan whose change
// stays inside its items (texts, titles, references, figures and the lists
// of outcomes and activities changed), or whose objectives are renumbered
// so that every goal stays numbered without a gap, with objectives
// added, deleted or renamed, goals added after the last, the last ones
// deleted or a goal's document renamed, and sections added, deleted or
// renamed (see resolve.Redoc). A folder under content/ among the paths
// stands for the documents it holds now, or held (folderDocs): a goal's
// folder created, renamed or deleted.
// Then only the changed documents, and those
// that refer to an item whose title changed, are read and converted again,
// and the result is the same as Prepare's. The configuration file may be
// one of the paths, when its change stays within what the pages show of it
// (resolve.Reconfig): then the plan takes the new publication settings and
// the documents are not read again. An image added or changed under
// images/, or one a figure shows, is copied again, and one deleted that
// nothing may show (mayShow) is dropped. ok is false when the change needs
// Prepare: another kind of file, a file deleted that is not a document or
// such an image, a goal renumbered, added elsewhere than after the last or
// deleted that is not the last, an item deleted that another document
// refers to, objectives numbered with a gap or a number twice, a
// configuration change that reaches the documents,
// or a file with a problem to report. When the paths are documents or the
// configuration file whose text is what p was prepared from (saved without
// a change: an editor that writes the same text again, a file touched), it
// returns p itself.
func (p *Prepared) Patch(ctx context.Context, cfg Config, paths []string) (np *Prepared, ok bool) {
	if len(paths) == 0 || cfg.PDF != nil || p.docs == nil {
		return nil, false
	}
	paths, ok = folderDocs(cfg.Source, p.docs, paths)
	if !ok {
		return nil, false
	}
	ropts := p.ropts
	ropts.Exists = existsIn(cfg.Source) // the publication as it is now
	docs := slices.Clone(p.docs)
	changed := make([]*load.Doc, 0, len(paths))
	var added []*load.Doc
	var deleted []string
	base := p.Plan             // the plan the documents' changes apply to
	config := p.config         // the configuration file as it is now
	files := map[string]bool{} // images changed, to read again
	for _, path := range slices.Compact(slices.Sorted(slices.Values(paths))) {
		if !load.IsDocument(path) && path != load.ConfigFile {
			// An image added or changed: one under images/, or one a
			// figure shows. Nothing but the copy in the site depends on
			// its bytes. One deleted may be shown: Prepare reports it.
			st, err := fs.Stat(cfg.Source, path)
			if errors.Is(err, fs.ErrNotExist) && p.hasExtra(path) && !p.mayShow(path) {
				files[path] = true // deleted: copied no more
				continue
			}
			if err != nil || !st.Mode().IsRegular() || !(strings.HasPrefix(path, "images/") || p.hasExtra(path)) {
				return nil, false
			}
			files[path] = true
			continue
		}
		if path == load.ConfigFile {
			d, errs := load.ReadConfig(cfg.Source)
			if len(errs) > 0 {
				return nil, false
			}
			if p.config != nil && bytes.Equal(d.Src, p.config) {
				continue // saved without a change
			}
			if base, ok = resolve.Reconfig(p.Plan, d, ropts); !ok {
				return nil, false
			}
			config = d.Src
			continue
		}
		i := slices.IndexFunc(docs, func(d *load.Doc) bool { return d.Path == path })
		if i < 0 {
			// A new document, or none.
			if !load.IsDocument(path) {
				return nil, false
			}
			d, err := load.ReadDoc(cfg.Source, path)
			if err != nil || d == nil {
				return nil, false
			}
			j, _ := slices.BinarySearchFunc(docs, path, func(d *load.Doc, path string) int { return strings.Compare(d.Path, path) })
			docs = slices.Insert(docs, j, d)
			added = append(added, d)
			continue
		}
		if _, err := fs.Stat(cfg.Source, path); errors.Is(err, fs.ErrNotExist) {
			docs = slices.Delete(docs, i, i+1)
			deleted = append(deleted, path)
			continue
		}
		d, err := load.ReadDoc(cfg.Source, path)
		if err != nil || d == nil {
			return nil, false
		}
		if docs[i].Src != nil && bytes.Equal(d.Src, docs[i].Src) {
			continue // saved without a change
		}
		docs[i] = d
		changed = append(changed, d)
	}
	// A configuration changed gives another plan (Reconfig).
	if len(changed)+len(added)+len(deleted)+len(files) == 0 && base == p.Plan {
		return p, true // the same site
	}
	read := func(path string) (*load.Doc, bool) {
		d, err := load.ReadDoc(cfg.Source, path)
		return d, err == nil && d != nil && ctx.Err() == nil
	}
	pl := base
	if len(changed)+len(added)+len(deleted) > 0 {
		if pl, ok = resolve.Redoc(base, changed, added, deleted, read, ropts); !ok {
			return nil, false
		}
	}
	if ctx.Err() != nil {
		return nil, false
	}
	// The images the plan shows, and those under images/, as Prepare
	// copies them: read again if changed, otherwise the bytes p has.
	kept := make(map[string][]byte, len(p.opts.Extra))
	var pdfFile []render.File
	for _, f := range p.opts.Extra {
		switch {
		case p.opts.PDF != nil && f.Path == p.opts.PDF.Path:
			pdfFile = append(pdfFile, f)
		case !files[f.Path]:
			kept[f.Path] = f.Data
		}
	}
	extra, errs := copyImagesKeeping(cfg.Source, pl, kept)
	if len(errs) > 0 {
		return nil, false
	}
	opts := render.Options{PDF: p.opts.PDF, Extra: append(extra, pdfFile...)}
	if err := addData(&opts, pl, cfg.LazyData, cfg.Cache); err != nil {
		return nil, false
	}
	var r *render.Renderer
	if !samePages(pl, p.Plan) || pl.Pub.BaseURL != p.Plan.Pub.BaseURL || !sameSections(pl, p.Plan) {
		r = p.Renderer.Rebuild(pl, opts) // other pages or in another order, or another sitemap
	} else {
		r = p.Renderer.Replan(pl, opts)
	}
	return &Prepared{Plan: pl, Renderer: r, opts: opts, docs: docs, config: config, ropts: ropts}, true
}

// folderDocs replaces the paths of folders under content/ with the paths
// of the documents in them: those a folder holds now (created, or renamed
// to its name), or those p's documents had there (deleted, or renamed
// away). Paths in an ignored folder are dropped; others are kept as they
// are. ok is false when a folder cannot be listed.
func folderDocs(src fs.FS, docs []*load.Doc, paths []string) (out []string, ok bool) {
	out = make([]string, 0, len(paths))
	for _, path := range paths {
		if path == load.ConfigFile || load.IsDocument(path) || !strings.HasPrefix(path, load.ContentDir+"/") {
			out = append(out, path)
			continue
		}
		if load.IgnoredPath(path) {
			continue // nothing there is read
		}
		st, err := fs.Stat(src, path)
		switch {
		case err == nil && st.IsDir():
			found, err := load.DocumentsIn(src, path)
			if err != nil {
				return nil, false
			}
			out = append(out, found...)
		case errors.Is(err, fs.ErrNotExist):
			n := len(out)
			for _, d := range docs {
				if strings.HasPrefix(d.Path, path+"/") {
					out = append(out, d.Path)
				}
			}
			if len(out) == n {
				out = append(out, path) // not a folder of documents: as any file
			}
		default:
			out = append(out, path) // a file: as any other
		}
	}
	return out, true
}

// Problems returns, quickly, the problems that the files at paths, changed
// since p was prepared, show on their own: a document or configuration
// that cannot be read or parsed, or the problems of a document read alone
// and of its texts (resolve.Problems). Prepare, after Patch refused the
// change, reports them too, with the problems between documents: the
// preview shows these first. nil when it finds none.
func (p *Prepared) Problems(cfg Config, paths []string) diag.List {
	var docs []*load.Doc
	var errs diag.List
	for _, path := range slices.Compact(slices.Sorted(slices.Values(paths))) {
		switch {
		case path == load.ConfigFile:
			_, cerrs := load.ReadConfig(cfg.Source)
			errs = append(errs, cerrs...)
		case load.IsDocument(path):
			if _, err := fs.Stat(cfg.Source, path); errors.Is(err, fs.ErrNotExist) {
				continue // deleted
			}
			d, err := load.ReadDoc(cfg.Source, path)
			if err != nil {
				errs = append(errs, err)
			} else if d != nil {
				docs = append(docs, d)
			}
		}
	}
	if len(errs) > 0 {
		// Prepare reports nothing that may follow from a file it could
		// not read.
		errs.Sort()
		return errs
	}
	ropts := p.ropts
	ropts.Exists = existsIn(cfg.Source)
	return resolve.Problems(p.Plan, docs, ropts)
}

// samePages reports whether a and b have the pages of the same goals and
// objectives, in the same order: objectives renumbered into another goal,
// added or deleted change them, without a section's change.
func samePages(a, b *plan.Plan) bool {
	return len(a.Goals) == len(b.Goals) && slices.EqualFunc(a.Objectives, b.Objectives, func(o, p *plan.Objective) bool { return o.Ref.Page == p.Ref.Page })
}

// sameSections reports whether a and b have the same front and back
// sections, from the same files, in the same order.
func sameSections(a, b *plan.Plan) bool {
	same := func(x, y []*plan.Section) bool {
		return slices.EqualFunc(x, y, func(s, t *plan.Section) bool { return s.File == t.File })
	}
	return same(a.Front, b.Front) && same(a.Back, b.Back)
}

// Prepare loads and resolves the publication and prepares its rendering.
// On error the list holds every problem found, with positions.
func Prepare(ctx context.Context, cfg Config) (*Prepared, diag.List) {
	var proj *load.Project
	var errs diag.List
	if cfg.Cache != nil {
		ok := false
		if cfg.Told {
			proj, errs, ok = cfg.Cache.Docs.Update(cfg.Source)
		}
		if !ok {
			proj, errs = cfg.Cache.Docs.Dir(cfg.Source)
		}
	} else {
		// Each document's front matter is parsed as resolve reads it, and
		// let go (Options.Release).
		proj, errs = load.DirDeferred(cfg.Source)
	}
	if proj.Config == nil {
		errs.Sort()
		return nil, errs
	}
	// The theme does not depend on the plan: when the documents read
	// well, it is loaded while the plan is resolved (its problems are
	// reported only if the plan has none: one stage at a time).
	theme := func() (*render.Theme, diag.List) { return render.LoadTheme(Theme(cfg.Source)) }
	if len(errs) == 0 {
		theme = loadTheme(cfg.Source)
		defer theme() // no goroutine outlives Prepare
	}

	exists := existsIn(cfg.Source)
	// A document that could not be read leaves its IDs undefined: resolve
	// then reports nothing that may follow from that.
	ropts := resolve.Options{BaseURL: cfg.BaseURL, Exists: exists, Partial: len(errs) > 0,
		Release: cfg.Cache == nil} // a build lets the documents go as it reads them
	if cfg.Cache != nil {
		ropts.Cache = &cfg.Cache.Markdown
	} else if ropts.Store = cfg.Bodies; ropts.Store == nil && proj.Size() > BodiesInMemory {
		ropts.Store = &spill.Store{}
	}
	pl, rerrs := resolve.Plan(proj, ropts)
	errs = append(errs, rerrs...)
	if len(errs) > 0 || pl == nil {
		errs.Sort()
		return nil, errs
	}
	if err := ctx.Err(); err != nil {
		errs.Add(diag.Pos{}, err.Error(), "")
		return nil, errs
	}
	if err := pl.Bodies.Err(); err != nil { // a body that waited in the store is lost
		errs.Add(diag.Pos{}, err.Error(), "check the space and permissions of the temporary folder ($TMPDIR)")
		return nil, errs
	}
	extra, eerrs := copyImages(cfg.Source, pl)
	if len(eerrs) > 0 {
		return nil, eerrs
	}
	opts := render.Options{Extra: extra}
	pdfFile := cfg.PDF
	if pdfFile == nil && cfg.FindPDF != nil {
		pdfFile = cfg.FindPDF(&pl.Pub)
	}
	if pdfFile != nil {
		opts.PDF = &render.PDFLink{Path: pdfFile.Path, Size: int64(len(pdfFile.Data))}
		opts.Extra = append(opts.Extra, *pdfFile)
	}
	if err := addData(&opts, pl, cfg.LazyData, cfg.Cache); err != nil {
		errs.Add(diag.Pos{}, err.Error(), "")
		return nil, errs
	}
	th, terrs := theme()
	if len(terrs) > 0 {
		return nil, terrs
	}
	prep := &Prepared{Plan: pl, Renderer: render.NewWithTheme(pl, th, opts), opts: opts, ropts: ropts}
	if cfg.Cache != nil {
		// Only a program that prepares again (the preview) patches; a
		// build lets the documents go once the plan is made.
		prep.docs, prep.config = proj.Docs, proj.Config.Src
	}
	return prep, nil
}

// loadTheme starts loading the theme of source and returns a function
// that waits for it.
func loadTheme(source fs.FS) func() (*render.Theme, diag.List) {
	var th *render.Theme
	var errs diag.List
	done := make(chan struct{})
	go func() {
		defer close(done)
		th, errs = render.LoadTheme(Theme(source))
		// The highlighted samples' style sheet, made once per process
		// and added by addData, is made here too while the plan is
		// resolved, rather than after it (0.2-0.4 ms).
		export.HighlightCSS()
	}()
	return func() (*render.Theme, diag.List) {
		<-done
		return th, errs
	}
}

// Build loads, resolves and renders the publication. On error the list
// holds every problem found, with positions.
func Build(ctx context.Context, cfg Config) (*Site, diag.List) {
	p, errs := Prepare(ctx, cfg)
	if len(errs) > 0 {
		return nil, errs
	}
	files, rerr := p.Renderer.All(ctx)
	if len(rerr) > 0 {
		return nil, rerr
	}
	s := &Site{Plan: p.Plan, Files: files}
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".html") {
			s.Pages++
		}
	}
	return s, nil
}

// Theme layers the publication's templates/ and assets/ over the defaults.
func Theme(source fs.FS) render.Layered {
	return render.Layered{Top: source, Base: stratpub.Theme}
}

// existsIn returns a function that reports whether src has a file (not a
// folder) at a path (resolve.Options.Exists).
func existsIn(src fs.FS) func(path string) bool {
	return func(p string) bool {
		st, err := fs.Stat(src, p)
		return err == nil && !st.IsDir()
	}
}

// hasExtra reports whether the site has a copy of the source file at path
// (an image).
func (p *Prepared) hasExtra(path string) bool {
	return slices.ContainsFunc(p.opts.Extra, func(f render.File) bool { return f.Path == path })
}

// mayShow reports whether p's plan may show the file at path: a figure
// shows it, or the text of a document or of the configuration names it,
// as a body's image or raw HTML does (the plan keeps no list of those).
func (p *Prepared) mayShow(path string) bool {
	shown := false
	eachFigures(p.Plan, func(figs []*plan.Figure, _ string) {
		shown = shown || slices.ContainsFunc(figs, func(f *plan.Figure) bool { return f.Image == path })
	})
	if shown || p.config == nil || bytes.Contains(p.config, []byte(path)) {
		return true
	}
	return slices.ContainsFunc(p.docs, func(d *load.Doc) bool { return d.Src == nil || bytes.Contains(d.Src, []byte(path)) })
}

// copyImages adds the images the plan uses to the site.
func copyImages(src fs.FS, pl *plan.Plan) ([]render.File, diag.List) {
	return copyImagesKeeping(src, pl, nil)
}

// eachFigures calls f with the figures of each section, goal and
// objective of pl (the sections first), and the file that has them.
func eachFigures(pl *plan.Plan, f func(figs []*plan.Figure, file string)) {
	for _, s := range pl.Front {
		f(s.Figures, s.File)
	}
	for _, s := range pl.Back {
		f(s.Figures, s.File)
	}
	for _, g := range pl.Goals {
		f(g.Figures, g.File)
		for _, o := range g.Objectives {
			f(o.Figures, o.File)
		}
	}
}

// copyImagesKeeping is copyImages, taking the bytes of the files in kept
// from there instead of reading them.
func copyImagesKeeping(src fs.FS, pl *plan.Plan, kept map[string][]byte) ([]render.File, diag.List) {
	read := func(name string) ([]byte, error) {
		if b, ok := kept[name]; ok {
			return b, nil
		}
		return fs.ReadFile(src, name)
	}
	var errs diag.List
	seen := map[string]bool{}
	var files []render.File
	add := func(figs []*plan.Figure, file string) {
		for _, f := range figs {
			if f.Image == "" || seen[f.Image] {
				continue
			}
			seen[f.Image] = true
			b, err := read(f.Image)
			if err != nil {
				errs.Add(diag.Pos{File: file}, "cannot read image "+f.Image+": "+err.Error(), "check the file")
				continue
			}
			files = append(files, render.File{Path: f.Image, Data: b})
		}
	}
	eachFigures(pl, add)
	// Images referenced from Markdown bodies are under images/.
	if st, err := fs.Stat(src, "images"); err == nil && st.IsDir() {
		_ = fs.WalkDir(src, "images", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || seen[name] || load.Ignored(d.Name()) {
				return nil
			}
			b, rerr := read(name)
			if rerr == nil {
				seen[name] = true
				files = append(files, render.File{Path: name, Data: b})
			}
			return nil
		})
	}
	return files, errs
}

// Write writes a built site to the folder out.
func Write(s *Site, out string, force bool) error {
	return write.Dir(out, write.Files(s.Files), write.Options{Force: force})
}

// Write renders the prepared site and writes it to the folder out, page by
// page, without holding the whole site in memory. It returns the number of
// pages and files written.
func (p *Prepared) Write(out string, force bool) (pages, files int, err error) {
	paths := p.Renderer.Paths()
	for _, path := range paths {
		if strings.HasSuffix(path, ".html") {
			pages++
		}
	}
	return pages, len(paths), write.Dir(out, p.Renderer, write.Options{Force: force})
}

// CheckOutput refuses output folders that would destroy the publication:
// the source folder itself, a folder that contains it, or a folder inside
// content/, templates/, assets/ or images/.
func CheckOutput(source, out string) error {
	src, err := filepath.Abs(source)
	if err != nil {
		return err
	}
	dst, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if r, err := filepath.EvalSymlinks(src); err == nil {
		src = r
	}
	if r, err := evalExisting(dst); err == nil {
		dst = r
	}
	if dst == src {
		return errors.New("the output folder is the publication folder: building would replace your content; use --out with another folder, e.g. public")
	}
	if within(dst, src) {
		return errors.New("the output folder contains the publication folder; use --out with a folder inside or beside it, e.g. public")
	}
	for _, d := range []string{load.ContentDir, "templates", "assets", "images"} {
		if p := filepath.Join(src, d); dst == p || within(p, dst) {
			return errors.New("the output folder is inside " + d + "/ of the publication; use --out with a folder outside it, e.g. public")
		}
	}
	return nil
}

// within reports whether p is inside dir.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && !strings.HasPrefix(rel, "..")
}

// evalExisting resolves symlinks in the longest existing prefix of p.
func evalExisting(p string) (string, error) {
	rest := ""
	for {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(r, rest), nil
		}
		parent := filepath.Dir(p)
		if parent == p {
			return "", os.ErrNotExist
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}
