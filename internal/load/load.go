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
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/stratpub/stratpub/internal/diag"
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
	Src  []byte // the whole file, LF line endings, no BOM
	// Meta is the front matter's top-level mapping, or nil.
	Meta *yaml.Node
	// MetaLine is the file line of the front matter's first line, minus 1:
	// a node at Meta line L is at file line L+MetaLine.
	MetaLine int
	// Body is the Markdown after the front matter; it starts at byte
	// BodyOffset of Src.
	Body       []byte
	BodyOffset int
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
	l, c := diag.LineCol(d.Src, d.BodyOffset+off)
	return diag.Pos{File: d.Path, Line: l, Col: c}
}

// Project is everything read from a publication folder.
type Project struct {
	Config *Doc
	Docs   []*Doc // sorted by path
}

// Dir reads the publication in fsys. It returns what it could read and every
// problem it found.
func Dir(fsys fs.FS) (*Project, diag.List) {
	var errs diag.List
	p := &Project{}
	cfg, err := readFile(fsys, ConfigFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		errs.Add(diag.Pos{File: ConfigFile}, "no configuration file",
			"create stratpub.yaml at the root of the publication (see docs/authoring.md), or pass --source with the publication's folder")
	case err != nil:
		errs.Add(diag.Pos{File: ConfigFile}, err.Error(), "")
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
			p.Config = d
		}
	}

	var paths []string
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
	for _, name := range paths {
		d, derr := ReadDoc(fsys, name)
		if derr != nil {
			errs = append(errs, derr)
			continue
		}
		p.Docs = append(p.Docs, d)
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
func ReadDoc(fsys fs.FS, name string) (*Doc, *diag.Error) {
	src, err := readFile(fsys, name)
	if err != nil {
		return nil, &diag.Error{Pos: diag.Pos{File: name}, Msg: cleanFSError(err),
			Hint: "check that the file is readable; symbolic links must stay inside the publication folder"}
	}
	return Parse(name, src)
}

// Parse splits src, the contents of the document at name, into front matter
// and body.
func Parse(name string, src []byte) (*Doc, *diag.Error) {
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
	start := 4
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
	meta, err := parseYAML(src[start:end])
	if err != nil {
		return nil, yamlError(d, err)
	}
	if meta == nil {
		return nil, &diag.Error{Pos: diag.Pos{File: name, Line: 2, Col: 1}, Msg: "the front matter is empty",
			Hint: "add at least \"type: section\", \"type: goal\" or \"type: objective\" and the keys it requires"}
	}
	d.Meta = meta
	return d, nil
}

func readFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a folder, not a file", name)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("file is larger than the limit of %d MiB", MaxFileSize>>20)
	}
	return b, nil
}

func cleanFSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if strings.Contains(msg, "escapes") || strings.Contains(msg, "outside") {
			return "refused: the path leads outside the publication folder (" + msg + ")"
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
// holds nothing.
func parseYAML(src []byte) (*yaml.Node, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		return nil, err
	}
	if n.Kind == 0 || len(n.Content) == 0 {
		return nil, nil
	}
	return n.Content[0], nil
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// yamlError turns a YAML parser error into a positioned error.
func yamlError(d *Doc, err error) *diag.Error {
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if m[1] != "" {
			line, _ = strconv.Atoi(m[1])
		}
		msg = m[2]
	}
	if line < 1 {
		line = 1
	}
	hint := "check the YAML syntax: indent with spaces (not tabs), put quotes around values that contain \": \" or start with a special character, and close every quote"
	if strings.Contains(msg, "tab") {
		hint = "indent YAML with spaces, never tabs"
	}
	col := 1
	lines := strings.Split(string(d.Src), "\n")
	if idx := line + d.MetaLine - 1; idx >= 0 && idx < len(lines) {
		l := lines[idx]
		col = len(l) - len(strings.TrimLeft(l, " \t")) + 1
	}
	return &diag.Error{Pos: diag.Pos{File: d.Path, Line: line + d.MetaLine, Col: col}, Msg: "invalid front matter: " + msg, Hint: hint}
}

// Clean reports whether name is a clean, relative, slash-separated path that
// stays inside the publication.
func Clean(name string) bool {
	return name != "" && fs.ValidPath(name) && path.Clean(name) == name && !strings.Contains(name, "\\")
}
