// Package scale makes large test publications in stratpub's content format
// from a real one, for benchmarks: N copies of the source publication as ONE
// publication.
//
// Copy c (1-based) of the source keeps its files under content/pCCCC/ (the
// source's content/ tree, same file names) and is renumbered so that every
// ID stays unique:
//
//   - goal G becomes goal G + (c-1)·goals, where goals is the number of goals
//     of the source; its objectives G.K, outcomes G.K.M and activities G.K.M
//     follow;
//   - a section with id S keeps it in copy 1 and becomes S-pC in copy c > 1;
//   - every ref: link in a copy (body or front matter) is rewritten to point
//     at the same item of the same copy; links to IDs the generator does not
//     renumber (priorities, generated pages) are left alone.
//
// With N > 1 every objective of copy c also gains a closing paragraph with
// two cross-references to copy c+1 (copy 1 for the last): the same objective
// there and its first key activity. That gives every objective page a
// backlink from another copy, as in a large publication whose parts refer to
// one another. With N = 1 the output is the source publication, byte for
// byte, under content/p0001/.
//
// The configuration file stratpub.yaml and an images/ folder are copied once.
// The source's templates/ and assets/ are not copied: the scaled publication
// uses the default theme.
package scale

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ConfigFile and ContentDir name the parts of a publication the generator
// reads; they match package load.
const (
	ConfigFile = "stratpub.yaml"
	ContentDir = "content"
)

var (
	// A top-level front-matter key the generator renumbers: goal and
	// objective numbers, an objective's goal, a section's id.
	keyRE = regexp.MustCompile(`(?m)^(number|goal|id|type):[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#]+))[ \t]*$`)
	refRE = regexp.MustCompile(`ref:([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])`)
	// Goal-relative IDs: goal-G, objective-G.K, outcome-G.K.M, activity-G.K.M.
	goalIDRE = regexp.MustCompile(`^(goal|objective|outcome|activity)-([0-9]+)((?:\.[0-9]+)*)$`)
	objNumRE = regexp.MustCompile(`^([0-9]+)\.([0-9]+)$`)
)

// doc is one source document.
type doc struct {
	path string // relative to content/
	src  []byte
	typ  string
	obj  string // objective number, for objectives
}

// Source is a publication read into memory, ready to be copied.
type Source struct {
	config   []byte
	docs     []doc
	images   map[string][]byte // path -> data, paths under images/
	goals    int               // highest goal number
	sections map[string]bool   // section ids
}

// Read reads the publication in fsys: stratpub.yaml, content/**/*.md and
// images/.
func Read(fsys fs.FS) (*Source, error) {
	s := &Source{images: map[string][]byte{}, sections: map[string]bool{}}
	var err error
	if s.config, err = fs.ReadFile(fsys, ConfigFile); err != nil {
		return nil, fmt.Errorf("reading the publication: %w", err)
	}
	err = fs.WalkDir(fsys, ContentDir, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(name, ".md") || ignored(name) {
			return nil
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		s.docs = append(s.docs, doc{path: strings.TrimPrefix(name, ContentDir+"/"), src: b})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the publication: %w", err)
	}
	if len(s.docs) == 0 {
		return nil, errors.New("reading the publication: no Markdown documents under content/")
	}
	sort.Slice(s.docs, func(i, j int) bool { return s.docs[i].path < s.docs[j].path })
	err = fs.WalkDir(fsys, "images", func(name string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && name == "images" {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		s.images[name] = b
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the publication: %w", err)
	}
	for i := range s.docs {
		d := &s.docs[i]
		fm := frontMatter(d.src)
		keys := map[string]string{}
		for _, m := range keyRE.FindAllSubmatch(fm, -1) {
			keys[string(m[1])] = string(m[2]) + string(m[3]) + string(m[4])
		}
		d.typ = keys["type"]
		switch d.typ {
		case "goal":
			n, err := strconv.Atoi(keys["number"])
			if err != nil {
				return nil, fmt.Errorf("%s: goal number %q is not a number", d.path, keys["number"])
			}
			s.goals = max(s.goals, n)
		case "objective":
			if !objNumRE.MatchString(keys["number"]) {
				return nil, fmt.Errorf("%s: objective number %q is not GOAL.N", d.path, keys["number"])
			}
			d.obj = keys["number"]
		case "section":
			s.sections[keys["id"]] = true
		}
	}
	return s, nil
}

// ignored mirrors load's rule for files authors do not mean as content.
func ignored(name string) bool {
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") || strings.HasPrefix(part, "_") || strings.HasSuffix(part, "~") {
			return true
		}
	}
	return false
}

// frontMatter returns the YAML between the leading "---" lines, or nil.
func frontMatter(src []byte) []byte {
	if !bytes.HasPrefix(src, []byte("---\n")) {
		return nil
	}
	rest := src[4:]
	if i := bytes.Index(rest, []byte("\n---\n")); i >= 0 {
		return rest[:i+1]
	}
	return nil
}

// Docs is the number of Markdown documents of one copy.
func (s *Source) Docs() int { return len(s.docs) }

// Goals is the number of goals of one copy.
func (s *Source) Goals() int { return s.goals }

// Generate makes n copies of s as one publication and passes every file to
// emit, with its slash-separated path relative to the publication root:
// stratpub.yaml first, then images, then the documents copy by copy.
func (s *Source) Generate(ctx context.Context, n int, emit func(path string, data []byte) error) error {
	if n < 1 {
		return fmt.Errorf("scale: n must be 1 or more, got %d", n)
	}
	if err := emit(ConfigFile, s.config); err != nil {
		return err
	}
	imgs := make([]string, 0, len(s.images))
	for p := range s.images {
		imgs = append(imgs, p)
	}
	sort.Strings(imgs)
	for _, p := range imgs {
		if err := emit(p, s.images[p]); err != nil {
			return err
		}
	}
	for c := 1; c <= n; c++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		next := c%n + 1
		for _, d := range s.docs {
			b := s.renumber(d.src, c)
			if n > 1 && d.typ == "objective" {
				b = s.crossRef(b, d.obj, next)
			}
			if err := emit(CopyDir(c)+"/"+d.path, b); err != nil {
				return err
			}
		}
	}
	return nil
}

// CopyDir is the folder that holds copy c, relative to the publication root.
func CopyDir(c int) string { return fmt.Sprintf("%s/p%04d", ContentDir, c) }

// renumber rewrites the IDs of one document for copy c.
func (s *Source) renumber(src []byte, c int) []byte {
	if c == 1 {
		return src
	}
	if fm := frontMatter(src); fm != nil {
		nfm := keyRE.ReplaceAllFunc(fm, func(m []byte) []byte {
			sm := keyRE.FindSubmatch(m)
			key, val := string(sm[1]), string(sm[2])+string(sm[3])+string(sm[4])
			var nv string
			switch key {
			case "number":
				if om := objNumRE.FindStringSubmatch(val); om != nil {
					nv = strconv.Quote(s.goal(om[1], c) + "." + om[2])
				} else if _, err := strconv.Atoi(val); err == nil {
					nv = s.goal(val, c)
				}
			case "goal":
				if _, err := strconv.Atoi(val); err == nil {
					nv = s.goal(val, c)
				}
			case "id":
				if s.sections[val] {
					nv = sectionID(val, c)
				}
			}
			if nv == "" {
				return m
			}
			return []byte(key + ": " + nv)
		})
		b := make([]byte, 0, len(src)+64)
		b = append(b, "---\n"...)
		b = append(b, nfm...)
		src = append(b, src[4+len(fm):]...)
	}
	return refRE.ReplaceAllFunc(src, func(m []byte) []byte {
		return []byte("ref:" + s.id(string(m[4:]), c))
	})
}

// goal returns goal number g of the source renumbered for copy c.
func (s *Source) goal(g string, c int) string {
	n, _ := strconv.Atoi(g)
	return strconv.Itoa(n + (c-1)*s.goals)
}

func sectionID(id string, c int) string {
	if c == 1 {
		return id
	}
	return fmt.Sprintf("%s-p%d", id, c)
}

// id returns the ID of item id of the source in copy c.
func (s *Source) id(id string, c int) string {
	if m := goalIDRE.FindStringSubmatch(id); m != nil {
		return m[1] + "-" + s.goal(m[2], c) + m[3]
	}
	if s.sections[id] {
		return sectionID(id, c)
	}
	return id
}

// crossRef appends to an objective's body a paragraph that refers to the
// same objective in copy to, and to its first key activity.
func (s *Source) crossRef(src []byte, num string, to int) []byte {
	obj := s.id("objective-"+num, to)
	act := s.id("activity-"+num+".1", to)
	b := bytes.TrimRight(src, "\n")
	b = b[:len(b):len(b)]
	return fmt.Appendf(b, "\n\nThe same work in part %d of this publication: [](ref:%s), starting with [](ref:%s).\n", to, obj, act)
}

// Dir writes n copies of the publication in src into the folder out, which
// must not exist or be empty. It returns the number of files written.
func Dir(ctx context.Context, src fs.FS, n int, out string) (int, error) {
	s, err := Read(src)
	if err != nil {
		return 0, err
	}
	if es, err := os.ReadDir(out); err == nil && len(es) > 0 {
		return 0, fmt.Errorf("scale: %s is not empty", out)
	}
	files := 0
	made := map[string]bool{}
	err = s.Generate(ctx, n, func(p string, data []byte) error {
		dst := filepath.Join(out, filepath.FromSlash(p))
		if dir := path.Dir(p); !made[dir] {
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			made[dir] = true
		}
		files++
		return os.WriteFile(dst, data, 0o644)
	})
	return files, err
}
