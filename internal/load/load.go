// Package load reads a publication folder into documents: the configuration
// file and every Markdown file under content/, each split into its YAML front
// matter (parsed, with positions) and its Markdown body (with the byte offset
// at which it starts, so that positions in the body are true file positions).
//
// The content format itself — which keys each document type has, IDs and the
// ref: link syntax — is specified in docs/authoring.md and checked by
// package resolve. Load only knows the file-level rules:
//
//   - the configuration is stratpub.yaml at the root of the publication;
//   - every *.md file under content/ is a document; names that start with "."
//     or "_" or end in "~" (editor swap, backup and lock files) are skipped;
//   - a document starts with a line "---", then YAML, then a line "---";
//   - files are UTF-8 (a leading byte-order mark is dropped), CRLF line
//     endings are read as LF, NUL bytes are refused, and no file may be larger
//     than MaxFileSize.
//
// Load reads through an fs.FS. Callers pass os.Root's FS for a folder on
// disk, which refuses symbolic links that lead outside the publication.
package load

import (
	"bytes"
	"errors"
	"fmt"
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
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/parallel"
	"github.com/stratpub/stratpub/internal/spill"
	"github.com/stratpub/stratpub/internal/yamlblock"
)

// ConfigFile is the name of the configuration file at the publication root.
const ConfigFile = "stratpub.yaml"

// ContentDir is the folder that holds the Markdown documents.
const ContentDir = "content"

// MaxFileSize is the largest source file stratpub reads, in bytes.
const MaxFileSize = 4 << 20

// Doc is one source file.
type Doc struct {
	Path string // slash-separated, relative to the publication root
	// Src is the whole file, LF line endings, no BOM; nil once DropFront
	// let it go.
	Src []byte
	// Meta is the front matter's top-level mapping, or nil.
	Meta *yaml.Node
	// MetaLine is the file line of the front matter's first line, minus 1:
	// a node at Meta line L is at file line L+MetaLine.
	MetaLine int
	// Body is the Markdown after the front matter; it starts at byte
	// BodyOffset of Src.
	Body       []byte
	BodyOffset int
	// front is the front matter's YAML text while it waits to be parsed
	// (DirDeferred, ParseMeta); frontEnd is where it ends in Src. With
	// kept, Src stays as long as the document, and Meta's strings are cut
	// from it rather than from a copy (ParseMeta).
	front    []byte
	frontEnd int
	kept     bool
	// bodyLine and bodyCol are the file position of the body's first
	// byte, once DropFront let Src go.
	bodyLine, bodyCol int
	// stored is the body while it waits in a store (DropFront).
	stored spill.Ref
	// arena holds Meta's nodes when ParseMeta parsed it (ReleaseMeta).
	arena *yamlblock.Arena
}

// arenas are the node arenas of the front matter ParseMeta parses and
// ReleaseMeta lets go: a build parses each document's front matter once
// and reads it before the next, so a few arenas serve them all, where
// fresh nodes were an eighth of the bytes a build allocates.
var arenas = sync.Pool{New: func() any { return new(yamlblock.Arena) }}

// ReleaseMeta sets Meta to nil, for a program that has read everything it
// needs of it and keeps no node of it (a build): the memory of a tree that
// ParseMeta parsed is then used again for another document's.
func (d *Doc) ReleaseMeta() {
	d.Meta = nil
	if d.arena != nil {
		arenas.Put(d.arena)
		d.arena = nil
	}
}

// ForgetMeta lets go of the parsed front matter, as ReleaseMeta does, but
// keeps its text, so that the next ParseMeta parses it again: for a
// program that keeps documents between loads (the preview) and reads their
// front matter only when it resolves the whole publication again, which
// need not hold every document's tree, several times the size of its text,
// in between. It does nothing to a document whose text DropFront let go.
func (d *Doc) ForgetMeta() {
	if d.Meta == nil || d.Src == nil || d.frontEnd == 0 {
		return
	}
	d.ReleaseMeta()
	d.front = d.Src[frontStart:d.frontEnd:d.frontEnd]
}

// DropFront lets go of the document's text before its body, the front
// matter, which a program that has read Meta no longer needs: the body is
// kept in a buffer of its own, or in store when store takes it (then Body
// is nil until RestoreBody), and BodyPos still gives file positions. It
// does nothing to a document whose front matter is not parsed yet.
func (d *Doc) DropFront(store *spill.Store) {
	if d.Src == nil || d.front != nil {
		return
	}
	d.bodyLine, d.bodyCol = diag.LineCol(d.Src, d.BodyOffset)
	if r, ok := store.PutBytes(d.Body); ok {
		d.Body, d.stored = nil, r
	} else {
		d.Body = bytes.Clone(d.Body)
	}
	d.Src = nil
}

// RestoreBody reads back the body DropFront put in a store, and reports
// whether it did: after it, Body is the body again. (A body that cannot
// be read back is empty; the store's Err says why.)
func (d *Doc) RestoreBody() bool {
	if !d.stored.Stored() {
		return false
	}
	d.Body, d.stored = d.stored.Bytes(), spill.Ref{}
	return true
}

// RestoreBodyInto is RestoreBody reading into *buf (spill.Ref.Into), for
// a program that is done with Body before it uses *buf again.
func (d *Doc) RestoreBodyInto(buf *[]byte) bool {
	if !d.stored.Stored() {
		return false
	}
	d.Body, d.stored = d.stored.Into(buf), spill.Ref{}
	return true
}

// ParseMeta parses the front matter of a document read by DirDeferred
// into Meta. It does nothing for a document whose front matter is parsed
// already (Dir, ReadDoc), and reports the errors Dir would have reported
// for it.
func (d *Doc) ParseMeta() *diag.Error {
	if d.front == nil {
		return nil
	}
	a := arenas.Get().(*yamlblock.Arena)
	parse := yamlblock.DocumentIn
	if d.kept {
		parse = yamlblock.DocumentShared
	}
	meta, err := parse(d.front, a)
	d.front = nil
	if err != nil || meta == nil {
		arenas.Put(a)
	} else {
		d.arena = a
	}
	if err != nil {
		return yamlError(d, err)
	}
	if meta == nil {
		return &diag.Error{Pos: diag.Pos{File: d.Path, Line: 2, Col: 1}, Msg: "the front matter is empty",
			Hint: "add at least \"type: section\", \"type: goal\" or \"type: objective\" and the keys it requires"}
	}
	d.Meta = meta
	return nil
}

// Pos returns the file position of a YAML node of the document.
func (d *Doc) Pos(n *yaml.Node) diag.Pos {
	if n == nil || n.Line == 0 {
		return diag.Pos{File: d.Path, Line: d.MetaLine + 1, Col: 1}
	}
	return diag.Pos{File: d.Path, Line: n.Line + d.MetaLine, Col: n.Column}
}

// BodyPos returns the file position of byte off of Body.
func (d *Doc) BodyPos(off int) diag.Pos {
	if d.Src == nil && d.bodyLine > 0 { // DropFront
		l, c := diag.LineCol(d.Body, off)
		if l == 1 {
			c += d.bodyCol - 1
		}
		return diag.Pos{File: d.Path, Line: d.bodyLine + l - 1, Col: c}
	}
	l, c := diag.LineCol(d.Src, d.BodyOffset+off)
	return diag.Pos{File: d.Path, Line: l, Col: c}
}

// IsDocument reports whether name, a slash-separated path in the
// publication, is where Dir reads a document: a .md file under content/,
// none of whose folders or name are ignored (Ignored).
func IsDocument(name string) bool {
	rest, ok := strings.CutPrefix(name, ContentDir+"/")
	return ok && strings.HasSuffix(name, ".md") && fs.ValidPath(name) && !IgnoredPath(rest)
}

// IgnoredPath reports whether a slash-separated path has an ignored file
// or folder name in it (Ignored).
func IgnoredPath(path string) bool {
	for part := range strings.SplitSeq(path, "/") {
		if Ignored(part) {
			return true
		}
	}
	return false
}

// HasDocuments reports whether content/ holds at least n documents, as Dir
// would list them, listing only as many folders as it takes to find them.
func HasDocuments(fsys fs.FS, n int) bool {
	found := 0
	eachDocument(fsys, ContentDir, func(string) error {
		if found++; found >= n {
			return fs.SkipAll
		}
		return nil
	})
	return found >= n
}

// DocumentsIn lists the documents in the folder dir of fsys (a path under
// content/) and the folders under it, as Dir does: none when dir or a
// folder above it is ignored (Ignored).
func DocumentsIn(fsys fs.FS, dir string) ([]string, error) {
	if IgnoredPath(dir) {
		return nil, nil
	}
	var docs []string
	err := eachDocument(fsys, dir, func(name string) error {
		docs = append(docs, name)
		return nil
	})
	return docs, err
}

// eachDocument calls f with the path of each document in the folder dir
// and the folders under it, skipping ignored names, until f returns an
// error (fs.SkipAll stops the walk without one) or a folder cannot be
// listed.
func eachDocument(fsys fs.FS, dir string, f func(name string) error) error {
	return fs.WalkDir(fsys, dir, func(name string, e fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case name != dir && Ignored(e.Name()):
			if e.IsDir() {
				return fs.SkipDir
			}
		case !e.IsDir() && IsDocument(name):
			return f(name)
		}
		return nil
	})
}

// Project is everything read from a publication folder.
type Project struct {
	Config *Doc
	Docs   []*Doc // sorted by path
}

// Size returns the size of the project's documents in bytes, as read
// (before DropFront lets their text go).
func (p *Project) Size() int {
	n := 0
	for _, d := range p.Docs {
		n += len(d.Src)
	}
	return n
}

// Dir reads the publication in fsys. It returns what it could read and every
// problem it found.
func Dir(fsys fs.FS) (*Project, diag.List) { return dir(fsys, nil, false) }

// DirDeferred is Dir, except that the documents' front matter is left
// unparsed: each document's Meta is nil until its ParseMeta is called,
// which reports the document's front-matter errors instead of DirDeferred.
// A program that reads each document's front matter once and lets it go
// (a build) uses it so that the parsed trees of all documents, several
// times the size of their text, never exist at once.
func DirDeferred(fsys fs.FS) (*Project, diag.List) { return dir(fsys, nil, true) }

// Cache keeps the documents of one publication between loads, for a
// program that loads it again and again (the preview). A document is read
// again when its file's size or modification time changed, or when Forget
// was told about it. The zero Cache is ready to use.
type Cache struct {
	mu   sync.Mutex
	docs map[string]cached
	// The documents' paths as the last Dir listed them, when it found no
	// problem (Update starts from them), and the paths Forget was told
	// about since.
	listed []string
	clean  bool
	dirty  map[string]bool
}

type cached struct {
	size int64
	mod  time.Time
	doc  *Doc
}

// Dir reads the publication in fsys like the package's Dir, reusing the
// documents whose files did not change since the last call.
func (c *Cache) Dir(fsys fs.FS) (*Project, diag.List) { return dir(fsys, c, false) }

// Forget drops the documents at these paths (slash-separated, relative to
// the publication), so that the next Dir reads them again, and tells
// Update that the files or folders at these paths changed.
func (c *Cache) Forget(paths ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dirty == nil {
		c.dirty = map[string]bool{}
	}
	for _, p := range paths {
		delete(c.docs, p)
		c.dirty[p] = true
	}
}

// Update is Dir for a program that tells the cache every change (Forget,
// as a watcher reports them): it looks at no file but the configuration
// and the documents at the paths forgotten since the last Dir or Update,
// lists no folder but those among these paths (created, or renamed to
// their name; the documents listed under a folder deleted or renamed away
// are dropped), and reuses the other documents as the last call left them.
// ok is false, and Dir must be used, when that may not give what Dir
// would: no Dir before, a problem in the last one, no document left, or
// the content folder (or one holding it) among the paths, as when a
// watcher could not name the changes.
func (c *Cache) Update(fsys fs.FS) (p *Project, errs diag.List, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.clean {
		return nil, nil, false
	}
	listed := slices.Clone(c.listed)
	for _, path := range slices.Sorted(maps.Keys(c.dirty)) {
		i, known := slices.BinarySearch(listed, path)
		st, err := fs.Stat(fsys, path)
		switch {
		case err == nil && st.IsDir():
			// A folder created, or renamed to this name: what was listed
			// under it is forgotten, and what it holds now listed.
			if !strings.HasPrefix(path, ContentDir+"/") {
				if path == ContentDir || strings.HasPrefix(ContentDir, path+"/") || path == "." {
					return nil, nil, false
				}
				continue // images/, templates/, assets/
			}
			listed = c.forgetUnder(listed, path)
			found, err := DocumentsIn(fsys, path)
			if err != nil {
				return nil, nil, false // Dir reports it
			}
			listed = append(listed, found...)
			slices.Sort(listed)
			listed = slices.Compact(listed)
		case err == nil:
			if IsDocument(path) && !known {
				listed = slices.Insert(listed, i, path)
			}
		case errors.Is(err, fs.ErrNotExist):
			if known {
				listed = slices.Delete(listed, i, i+1)
			} else {
				listed = c.forgetUnder(listed, path) // a folder of documents gone, if it was one
			}
		default:
			return nil, nil, false
		}
	}
	p = &Project{}
	p.Config, errs = ReadConfig(fsys)
	if len(listed) == 0 {
		return nil, nil, false // Dir reports it
	}
	docs := make([]*Doc, len(listed))
	derrs := make([]*diag.Error, len(listed))
	infos := make([]fs.FileInfo, len(listed))
	parallel.For(len(listed), func(i int) {
		path := listed[i]
		if e, ok := c.docs[path]; ok { // Forget dropped the changed ones
			docs[i] = e.doc
			return
		}
		if info, err := fs.Stat(fsys, path); err == nil {
			infos[i] = info
		}
		docs[i], derrs[i] = ReadDoc(fsys, path)
	})
	for i, path := range listed {
		if derrs[i] != nil {
			errs = append(errs, derrs[i])
			continue
		}
		p.Docs = append(p.Docs, docs[i])
		if infos[i] != nil {
			c.docs[path] = cached{size: infos[i].Size(), mod: infos[i].ModTime(), doc: docs[i]}
		}
	}
	c.listed, c.clean = listed, !slices.ContainsFunc(derrs, func(e *diag.Error) bool { return e != nil })
	clear(c.dirty)
	return p, errs, true
}

// forgetUnder drops the documents in the folder dir from listed and from
// the cache.
func (c *Cache) forgetUnder(listed []string, dir string) []string {
	return slices.DeleteFunc(listed, func(p string) bool {
		if strings.HasPrefix(p, dir+"/") {
			delete(c.docs, p)
			return true
		}
		return false
	})
}

// ReadConfig reads and parses the configuration file of the publication in
// fsys. The Doc is nil when the file could not be read; its Meta is nil
// when it could not be parsed. The list holds every problem found.
func ReadConfig(fsys fs.FS) (*Doc, diag.List) {
	var errs diag.List
	cfg, err := readFile(fsys, ConfigFile, false)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		errs.Add(diag.Pos{File: ConfigFile}, "no configuration file",
			"create stratpub.yaml at the root of the publication (see docs/authoring.md), or pass --source with the publication's folder")
	case errors.Is(err, errTooLarge):
		errs.Add(diag.Pos{File: ConfigFile}, err.Error(), "the configuration holds only the publication's settings; check that this is the right file")
	case err != nil:
		errs.Add(diag.Pos{File: ConfigFile}, cleanFSError(err), "check that the file is readable; symbolic links must stay inside the publication folder")
	default:
		d := &Doc{Path: ConfigFile}
		if e := checkText(d.Path, cfg); e != nil {
			errs = append(errs, e)
		} else {
			d.Src = cfg
			d.Meta, err = parseYAML(cfg)
			if err != nil {
				errs = append(errs, yamlError(d, err))
			} else if d.Meta == nil {
				errs.Add(diag.Pos{File: d.Path}, "the configuration file is empty", "add at least title, organization, period, language and publication_date (see docs/authoring.md)")
			}
			return d, errs
		}
	}
	return nil, errs
}

func dir(fsys fs.FS, cache *Cache, deferMeta bool) (*Project, diag.List) {
	p := &Project{}
	var errs diag.List
	p.Config, errs = ReadConfig(fsys)
	cfgErrs := len(errs)

	var paths []string
	entries := map[string]fs.DirEntry{} // for the cache: size and time
	regular := map[string]bool{}        // listed as regular files
	walkErr := fs.WalkDir(fsys, ContentDir, func(name string, e fs.DirEntry, err error) error {
		if err != nil {
			if name == ContentDir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			errs.Add(diag.Pos{File: name}, cleanFSError(err), "check that the file exists and is readable; symbolic links must stay inside the publication folder")
			if e != nil && e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		base := e.Name()
		if name != ContentDir && Ignored(base) {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !e.IsDir() && strings.HasSuffix(base, ".md") {
			paths = append(paths, name)
			if e.Type().IsRegular() {
				regular[name] = true
			}
			if cache != nil {
				entries[name] = e
			}
		}
		return nil
	})
	if walkErr != nil {
		errs.Add(diag.Pos{File: ContentDir}, walkErr.Error(), "")
	}
	sort.Strings(paths)
	if len(paths) == 0 && p.Config != nil {
		errs.Add(diag.Pos{File: ContentDir}, "no Markdown documents found",
			"add sections, goals and objectives as .md files under content/ (see docs/authoring.md)")
	}
	// Read and parse the documents in parallel; keep them in path order.
	docs := make([]*Doc, len(paths))
	derrs := make([]*diag.Error, len(paths))
	if cache == nil {
		parallel.For(len(paths), func(i int) { docs[i], derrs[i] = readDoc(fsys, paths[i], regular[paths[i]], deferMeta) })
	} else {
		cache.read(fsys, paths, entries, docs, derrs)
	}
	for i := range paths {
		if derrs[i] != nil {
			errs = append(errs, derrs[i])
			continue
		}
		p.Docs = append(p.Docs, docs[i])
	}
	if cache != nil {
		cache.mu.Lock()
		cache.listed, cache.clean = paths, len(errs) == cfgErrs && len(paths) > 0
		clear(cache.dirty)
		cache.mu.Unlock()
	}
	return p, errs
}

// Ignored reports whether a file or folder name is skipped: hidden files,
// names starting with "_", editor backups ("x~"), swap and lock files.
func Ignored(base string) bool {
	return strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") ||
		strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") ||
		strings.HasSuffix(base, ".swx") || strings.HasPrefix(base, "#")
}

// ReadDoc reads and splits one Markdown document.
func ReadDoc(fsys fs.FS, name string) (*Doc, *diag.Error) { return readDoc(fsys, name, false, false) }

// readDoc is ReadDoc; regular says that the folder listing gave name as a
// regular file (not a link, pipe or device), deferMeta to leave the front
// matter for ParseMeta.
func readDoc(fsys fs.FS, name string, regular, deferMeta bool) (*Doc, *diag.Error) {
	src, err := readFile(fsys, name, regular)
	if err != nil {
		hint := "check that the file is readable; symbolic links must stay inside the publication folder"
		switch {
		case errors.Is(err, errTooLarge):
			hint = fmt.Sprintf("split it into smaller documents; no source file may be larger than %d MiB", MaxFileSize>>20)
		case errors.Is(err, errNotRegular):
			hint = "remove it: content/ holds only text files"
		}
		return nil, &diag.Error{Pos: diag.Pos{File: name}, Msg: cleanFSError(err), Hint: hint}
	}
	return parse(name, src, deferMeta)
}

// Parse splits src, the contents of the document at name, into front matter
// and body.
func Parse(name string, src []byte) (*Doc, *diag.Error) { return parse(name, src, false) }

func parse(name string, src []byte, deferMeta bool) (*Doc, *diag.Error) {
	d := &Doc{Path: name}
	if e := checkText(name, src); e != nil {
		return nil, e
	}
	src = normalize(src)
	d.Src = src
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, &diag.Error{Pos: diag.Pos{File: name, Line: 1, Col: 1}, Msg: "the file is empty",
			Hint: "start it with front matter between two --- lines (type: section, goal or objective), or delete it"}
	}
	if !bytes.HasPrefix(src, []byte("---\n")) {
		return nil, &diag.Error{Pos: diag.Pos{File: name, Line: 1, Col: 1}, Msg: "missing front matter",
			Hint: "start the file with a line \"---\", the YAML keys (type: ...), and another line \"---\""}
	}
	start := frontStart
	end := -1
	for i := start; i < len(src); {
		nl := bytes.IndexByte(src[i:], '\n')
		line := src[i:]
		next := len(src)
		if nl >= 0 {
			line = src[i : i+nl]
			next = i + nl + 1
		}
		if string(bytes.TrimRight(line, " \t")) == "---" {
			end = i
			d.Body = src[next:]
			d.BodyOffset = next
			break
		}
		i = next
	}
	if end < 0 {
		return nil, &diag.Error{Pos: diag.Pos{File: name, Line: 1, Col: 1}, Msg: "front matter is never closed",
			Hint: "add a line \"---\" after the last front-matter key"}
	}
	d.MetaLine = 1
	d.front, d.frontEnd = src[start:end:end], end
	if deferMeta {
		return d, nil
	}
	// Parsed now, the document keeps its text: the strings of its front
	// matter may be cut from it, and are the same strings when ForgetMeta
	// lets ParseMeta parse it again (resolve.Cache knows texts by where
	// their bytes are).
	d.kept = true
	if e := d.ParseMeta(); e != nil {
		return nil, e
	}
	return d, nil
}

// frontStart is where the front matter starts, after the line "---".
const frontStart = 4

// errNotRegular is returned for named pipes, sockets and devices.
var errNotRegular = errors.New("not a regular file")

// errTooLarge is returned for files larger than MaxFileSize.
var errTooLarge = fmt.Errorf("file is larger than the limit of %d MiB", MaxFileSize>>20)

// readFile reads a source file, refusing folders and special files before
// opening them (opening a named pipe would block the build for ever; a
// file the folder listing gave as regular, regular, needs no look first)
// and reading at most MaxFileSize+1 bytes, so that memory stays bounded
// whatever the file's size.
func readFile(fsys fs.FS, name string, regular bool) ([]byte, error) {
	if !regular {
		if st, err := fs.Stat(fsys, name); err == nil {
			switch {
			case st.IsDir():
				return nil, fmt.Errorf("%s is a folder, not a file", name)
			case !st.Mode().IsRegular():
				return nil, fmt.Errorf("%w (%s)", errNotRegular, st.Mode().Type())
			}
		}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 0
	if st, err := f.Stat(); err == nil {
		switch {
		case st.IsDir():
			return nil, fmt.Errorf("%s is a folder, not a file", name)
		case !st.Mode().IsRegular():
			return nil, fmt.Errorf("%w (%s)", errNotRegular, st.Mode().Type())
		case st.Size() > MaxFileSize:
			return nil, errTooLarge
		}
		size = int(st.Size())
	}
	// Read into a buffer of the file's size, one byte more to see the end
	// in the same call; a file that grows meanwhile is read to its end,
	// up to the limit.
	b := make([]byte, 0, size+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):min(cap(b), MaxFileSize+1)])
		b = b[:len(b)+n]
		if len(b) > MaxFileSize {
			return nil, errTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func cleanFSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if strings.Contains(msg, "escapes") || strings.Contains(msg, "outside") {
			return "refused: the path leads outside the publication folder (" + msg + ")"
		}
		if errors.Is(err, fs.ErrNotExist) {
			return "the file does not exist (a symbolic link that leads nowhere?)"
		}
		return pe.Op + ": " + msg
	}
	return err.Error()
}

// checkText refuses what is not UTF-8 text.
func checkText(name string, src []byte) *diag.Error {
	if i := bytes.IndexByte(src, 0); i >= 0 {
		l, c := diag.LineCol(src, i)
		return &diag.Error{Pos: diag.Pos{File: name, Line: l, Col: c}, Msg: "the file contains a NUL byte",
			Hint: "save it as UTF-8 text; binary files do not belong in content/"}
	}
	s := bytes.TrimPrefix(src, bom)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size <= 1 {
			l, c := diag.LineCol(s, i)
			return &diag.Error{Pos: diag.Pos{File: name, Line: l, Col: c}, Msg: fmt.Sprintf("invalid UTF-8 (byte 0x%02x)", s[i]),
				Hint: "save the file as UTF-8"}
		}
		i += size
	}
	return nil
}

var bom = []byte("\xef\xbb\xbf")

func normalize(src []byte) []byte {
	src = bytes.TrimPrefix(src, bom)
	if bytes.IndexByte(src, '\r') >= 0 {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	return src
}

// parseYAML parses a YAML document into its top-level node, or nil when it
// holds nothing (yamlblock.Document: most front matter is plain "key:
// value" lines and lists, which yamlblock reads many times faster than
// yaml.v3, giving the same tree).
func parseYAML(src []byte) (*yaml.Node, error) { return yamlblock.Document(src) }

var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`) })

// parserProblems are the messages of go.yaml.in/yaml/v3's parser (as
// opposed to its scanner). The parser reports 0-based line numbers, the
// scanner 1-based ones.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'": true, "did not find expected ',' or '}'": true,
	"did not find expected '-' indicator": true, "did not find expected <document start>": true,
	"did not find expected <stream-start>": true, "did not find expected key": true,
	"did not find expected node content": true, "found duplicate %TAG directive": true,
	"found duplicate %YAML directive": true, "found incompatible YAML document": true,
	"found undefined tag handle": true,
}

// yamlError turns a YAML parser error into a positioned error. The YAML
// library's line is only a starting point: it often names the line where
// the enclosing construct began, so two common mistakes that come before it
// are looked for in the text itself: a tab in the indentation, and a quote
// that is never closed on its line.
func yamlError(d *Doc, err error) *diag.Error {
	msg := err.Error()
	line := 1 // within the YAML text
	if m := yamlLine().FindStringSubmatch(msg); m != nil {
		msg = m[2]
		if m[1] != "" {
			line, _ = strconv.Atoi(m[1])
			if parserProblems[msg] {
				line++
			}
		}
	}
	hint := "check the YAML syntax: indent with spaces (not tabs), put quotes around values that contain \": \" or start with a special character, and close every quote"
	if msg == yamlblock.SecondDocument {
		hint = "front matter ends at the first line that is exactly ---; remove the extra --- line, or quote the value that starts with it"
	}
	lines := strings.Split(string(d.Src), "\n")
	// yamlLines are the lines of the YAML text: the front matter of a
	// document (after its first "---" line), or the whole configuration.
	first := d.MetaLine // index in lines of YAML line 1
	last := len(lines)
	if d.BodyOffset > 0 {
		last = strings.Count(string(d.Src[:d.BodyOffset]), "\n") - 1
	}
	if line < 1 {
		line = 1
	}
	if first+line > last {
		line = max(last-first, 1)
	}
	col := 0
	tabTo := first + line
	if strings.Contains(msg, "tab") {
		tabTo = last // the scanner reports where the construct began
	}
	if l, c, ok := findTab(lines, first, tabTo); ok {
		line, col = l-first+1, c
		msg = "a tab in the indentation"
		hint = "indent YAML with spaces, never tabs"
	} else if l, c, ok := findOpenQuote(lines, first, first+line); ok {
		line, col = l-first+1, c
		msg = "a quote that is never closed"
		hint = "end the value with the same quote it starts with; inside a \"...\" value write \\\" for a quote, inside '...' write ''"
	} else if strings.Contains(msg, "tab") {
		hint = "indent YAML with spaces, never tabs"
	} else if msg == "mapping values are not allowed in this context" {
		// Most often a value with ": " in it: point at the second colon.
		if idx := first + line - 1; idx >= 0 && idx < len(lines) {
			l := lines[idx]
			if i := strings.Index(l, ": "); i >= 0 {
				if j := strings.Index(l[i+2:], ": "); j >= 0 {
					col = i + 2 + j + 1
					hint = "put the value in quotes when it contains \": \""
					if v := strings.TrimSpace(l[i+2:]); !strings.ContainsAny(v, `"\`) {
						hint += ", e.g. " + strings.TrimSpace(l[:i]) + ": \"" + v + "\""
					}
				}
			}
		}
	} else if name, ok := strings.CutPrefix(msg, "unknown anchor '"); ok {
		// The library names the start of the document: find the alias.
		name, _, _ = strings.Cut(name, "'")
		hint = "a value that starts with * refers to an anchor (&" + name + ") defined earlier in YAML; to write it as text, put it in quotes: \"*" + name + "\""
		for i := first; i < last && i < len(lines); i++ {
			if j := strings.Index(lines[i], "*"+name); j >= 0 {
				line, col = i-first+1, j+1
				break
			}
		}
	} else if parserProblems[msg] {
		// The parser names the line where the enclosing block began; the
		// line at fault is the first whose addition makes the text fail
		// the same way.
		if k, ok := firstFailingLine(lines[first:last], line, msg); ok {
			line = k
		}
	}
	if col == 0 {
		col = 1
		if idx := line + first - 1; idx >= 0 && idx < len(lines) {
			l := lines[idx]
			col = len(l) - len(strings.TrimLeft(l, " \t")) + 1
		}
	}
	return &diag.Error{Pos: diag.Pos{File: d.Path, Line: line + d.MetaLine, Col: col}, Msg: "invalid front matter: " + msg, Hint: hint}
}

// firstFailingLine returns the first line k ≥ from (1-based) such that
// yamlLines[:k] fails to parse with the problem msg. It parses a prefix
// per line, so it gives up on texts larger than any real front matter.
func firstFailingLine(yamlLines []string, from int, msg string) (int, bool) {
	size := 0
	for _, l := range yamlLines {
		size += len(l) + 1
	}
	if size > 64<<10 {
		return 0, false
	}
	for k := max(from, 1); k <= len(yamlLines); k++ {
		_, err := parseYAML([]byte(strings.Join(yamlLines[:k], "\n") + "\n"))
		if err == nil {
			continue
		}
		if m := yamlLine().FindStringSubmatch(err.Error()); m != nil && m[2] == msg {
			return k, true
		}
	}
	return 0, false
}

// findTab returns the first line in lines[from:to] whose indentation holds
// a tab, with the tab's 1-based column.
func findTab(lines []string, from, to int) (line, col int, ok bool) {
	for i := from; i < to && i < len(lines); i++ {
		l := lines[i]
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if j := strings.IndexByte(indent, '\t'); j >= 0 && len(indent) < len(l) {
			return i, j + 1, true
		}
	}
	return 0, 0, false
}

// quoted finds a value that starts with a quote: after "key: ", "- " or both.
var quoted = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*(?:-\s+)?(?:[^\s"'#-][^:#]*:\s+)?(["'])`) })

// findOpenQuote returns the last line in lines[from:to] whose value opens
// a quote that the line does not close, with the quote's 1-based column.
func findOpenQuote(lines []string, from, to int) (line, col int, ok bool) {
	for i := from; i < to && i < len(lines); i++ {
		m := quoted().FindStringSubmatchIndex(lines[i])
		if m == nil {
			continue
		}
		q := lines[i][m[2]]
		if !closes(lines[i][m[3]:], q) {
			line, col, ok = i, m[2]+1, true
		}
	}
	return line, col, ok
}

// closes reports whether s, the text after an opening quote q, holds the
// closing quote.
func closes(s string, q byte) bool {
	for i := 0; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case s[i] == q:
			return true
		}
	}
	return false
}

// Clean reports whether name is a clean, relative, slash-separated path that
// stays inside the publication.
func Clean(name string) bool {
	return name != "" && fs.ValidPath(name) && path.Clean(name) == name && !strings.Contains(name, "\\")
}

// read fills docs with the documents at paths, from the cache where the
// file is unchanged, and keeps only these paths in the cache.
func (c *Cache) read(fsys fs.FS, paths []string, entries map[string]fs.DirEntry, docs []*Doc, derrs []*diag.Error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.docs
	infos := make([]fs.FileInfo, len(paths))
	parallel.For(len(paths), func(i int) {
		// The folder listing already knows each file's size and time; a
		// symbolic link's own are not its target's.
		var info fs.FileInfo
		var err error
		if e := entries[paths[i]]; e != nil && e.Type()&fs.ModeSymlink == 0 {
			info, err = e.Info()
		} else {
			info, err = fs.Stat(fsys, paths[i])
		}
		if err != nil {
			docs[i], derrs[i] = ReadDoc(fsys, paths[i])
			return
		}
		infos[i] = info
		if e, ok := old[paths[i]]; ok && e.size == info.Size() && e.mod.Equal(info.ModTime()) {
			docs[i] = e.doc
			return
		}
		docs[i], derrs[i] = readDoc(fsys, paths[i], entries[paths[i]] != nil && entries[paths[i]].Type().IsRegular(), false)
	})
	c.docs = make(map[string]cached, len(paths))
	for i, p := range paths {
		if docs[i] != nil && infos[i] != nil {
			c.docs[p] = cached{size: infos[i].Size(), mod: infos[i].ModTime(), doc: docs[i]}
		}
	}
}
