package load

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
	"unsafe"

	"github.com/stratpub/stratpub/internal/diag"
)

// TestParseErrors checks the position, message and hint of every file-level
// problem Parse reports. Positions are file positions: front matter starts
// on line 2.
func TestParseErrors(t *testing.T) {
	const name = "content/x.md"
	tests := []struct {
		name, src string
		pos       string // want file:line:col
		msg, hint string // substrings
	}{
		{"empty", "", name + ":1:1", "the file is empty", "front matter"},
		{"blank", " \n\n\t\n", name + ":1:1", "the file is empty", "front matter"},
		{"no front matter", "# Title\n", name + ":1:1", "missing front matter", `"---"`},
		{"never closed", "---\ntype: goal\nnumber: 1\n", name + ":1:1", "never closed", `add a line "---"`},
		{"empty front matter", "---\n---\nbody\n", name + ":2:1", "front matter is empty", "type: section"},
		{"NUL", "---\ntype: goal\nna\x00me: x\n---\n", name + ":3:3", "NUL byte", "UTF-8"},
		{"invalid UTF-8", "---\ntype: goal\nname: caf\xe9\n---\n", name + ":3:10", "invalid UTF-8 (byte 0xe9)", "UTF-8"},
		{"invalid UTF-8 after BOM", "\xef\xbb\xbf---\nx: \xff\n---\n", name + ":2:4", "invalid UTF-8 (byte 0xff)", "UTF-8"},
		{"bad indentation", "---\ntype: objective\nnumber: \"1.2\"\ntitle: \"Beta\"\n  statement: \"x\"\n---\n", name + ":5:3", "did not find expected key", "indent"},
		{"bad indentation in list", "---\noutcomes:\n  - a\n - b\n---\n", name + ":4:2", "did not find expected key", "indent"},
		{"mapping value in plain scalar", "---\ntype: goal\nname: a: b\n---\n", name + ":3:8", "mapping values are not allowed", `name: "a: b"`},
		{"mapping value in a value with quotes", "---\ntype: goal\nname: a: \"b\"\n---\n", name + ":3:8", "mapping values are not allowed", "in quotes"},
		{"misindented list item", "---\ntype: objective\nactivities:\n  - \"y\"\n   - \"z\"\n---\n", name + ":5:4", "did not find expected '-' indicator", "indent"},
		{"misindented key of a list item", "---\ntype: objective\nfigures:\n  - caption: \"c\"\n   credit: \"d\"\n---\n", name + ":5:4", "did not find expected '-' indicator", "indent"},
		{"tab indentation", "---\ntype: objective\noutcomes:\n\t- \"a\"\n---\n", name + ":4:1", "a tab in the indentation", "never tabs"},
		{"tab after spaces", "---\ntype: goal\nfigures:\n  - caption: x\n  \tcredit: y\n---\n", name + ":5:3", "a tab in the indentation", "never tabs"},
		{"unclosed double quote", "---\ntype: objective\nnumber: \"1.2\"\ntitle: \"Beta\nstatement: \"x\"\n---\n", name + ":4:8", "a quote that is never closed", "same quote"},
		{"unclosed single quote", "---\ntype: goal\nname: 'ONE\nnumber: 1\n---\n", name + ":3:7", "a quote that is never closed", "same quote"},
		{"unclosed quote in list", "---\noutcomes:\n  - \"a\n  - \"b\"\n---\n", name + ":3:5", "a quote that is never closed", "same quote"},
		{"unclosed quote at the end", "---\ntype: goal\nname: \"ONE\n---\n", name + ":3:7", "a quote that is never closed", "same quote"},
		{"unclosed flow list", "---\ntype: goal\nfigures: [a, b\nname: x\n---\n", name + ":3:1", "did not find expected ',' or ']'", "YAML syntax"},
		{"unknown anchor", "---\ntype: goal\nname: *x\n---\n", name + ":3:7", "unknown anchor", `put it in quotes: "*x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, e := Parse(name, []byte(tt.src))
			if e == nil {
				t.Fatalf("no error; parsed %+v", d)
			}
			if got := e.Pos.String(); got != tt.pos {
				t.Errorf("position %s, want %s (%s)", got, tt.pos, e)
			}
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("message %q, want it to contain %q", e.Msg, tt.msg)
			}
			if !strings.Contains(e.Hint, tt.hint) {
				t.Errorf("hint %q, want it to contain %q", e.Hint, tt.hint)
			}
			if tt.hint != "" && e.Hint == "" {
				t.Errorf("no hint")
			}
		})
	}
}

// TestParseNormalizes checks that a BOM and CRLF line endings read exactly
// like the same file without them, body offsets and positions included.
func TestParseNormalizes(t *testing.T) {
	plain := "---\ntype: goal\nnumber: 1\nname: \"ONE\"\n---\nFirst line.\n\nSecond [x](ref:goal-1).\n"
	want, e := Parse("a.md", []byte(plain))
	if e != nil {
		t.Fatal(e)
	}
	for name, src := range map[string]string{
		"BOM":      "\xef\xbb\xbf" + plain,
		"CRLF":     strings.ReplaceAll(plain, "\n", "\r\n"),
		"BOM+CRLF": "\xef\xbb\xbf" + strings.ReplaceAll(plain, "\n", "\r\n"),
	} {
		got, e := Parse("a.md", []byte(src))
		if e != nil {
			t.Fatalf("%s: %v", name, e)
		}
		if !bytes.Equal(got.Src, want.Src) || !bytes.Equal(got.Body, want.Body) || got.BodyOffset != want.BodyOffset {
			t.Errorf("%s: read %q / body %q at %d, want %q / %q at %d", name, got.Src, got.Body, got.BodyOffset, want.Src, want.Body, want.BodyOffset)
		}
		if p := got.BodyPos(bytes.Index(got.Body, []byte("[x]"))); p.String() != "a.md:8:8" {
			t.Errorf("%s: body position %s, want a.md:8:8", name, p)
		}
		if p := got.Pos(got.Meta.Content[5]); p.String() != "a.md:4:7" {
			t.Errorf("%s: front matter position %s, want a.md:4:7", name, p)
		}
	}
}

// TestParseAcceptsQuotes is the negative control of the quote heuristic:
// valid front matter with quotes of every kind parses.
func TestParseAcceptsQuotes(t *testing.T) {
	src := "---\ntype: objective\ntitle: \"He said \\\"yes\\\"\"\nname: 'it''s'\nstatement: \"multi\n  line\"\noutcomes:\n  - \"a: b\"\n  - 'c'\n---\n"
	if _, e := Parse("a.md", []byte(src)); e != nil {
		t.Fatal(e)
	}
}

// TestDirLimits checks the file-level refusals of Dir on a real folder read
// through os.Root: an oversized file (read with bounded memory), a symbolic
// link leading outside, and a named pipe (which must not block).
func TestDirLimits(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(ConfigFile, "title: x\n")
	write("content/ok.md", "---\ntype: goal\n---\n")
	outside := filepath.Join(t.TempDir(), "secret.md")
	if err := os.WriteFile(outside, []byte("---\ntype: goal\n---\nsecret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "content", "link.md")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "content", "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(dir, "content", "big.md"))
	if err != nil {
		t.Fatal(err)
	}
	// 50 MB: sparse, so the test writes almost nothing.
	if err := big.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	big.Close()

	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	var p *Project
	var errs []string
	go func() {
		defer close(done)
		pr, l := Dir(root.FS())
		p = pr
		for _, e := range l {
			errs = append(errs, e.Error())
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Dir did not return: a special file blocked it")
	}
	runtime.ReadMemStats(&after)
	all := strings.Join(errs, "\n")
	for _, want := range []string{
		"content/big.md: file is larger than the limit of 4 MiB\n\thint: split it",
		"content/link.md: refused: the path leads outside the publication folder",
		"content/pipe.md: not a regular file (p---------)\n\thint: remove it",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in\n%s", want, all)
		}
	}
	if len(p.Docs) != 1 || p.Docs[0].Path != "content/ok.md" {
		t.Errorf("documents read: %v", p.Docs)
	}
	if strings.Contains(all, "secret") {
		t.Errorf("content from outside the publication leaked into the errors:\n%s", all)
	}
	// Reading stops at the limit: far less than the 50 MB of the file.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
		t.Errorf("reading allocated %d MiB; the limit is %d MiB", grew>>20, MaxFileSize>>20)
	}
}

// TestDirConfig checks the problems of the configuration file itself.
func TestDirConfig(t *testing.T) {
	doc := &fstest.MapFile{Data: []byte("---\ntype: goal\n---\n")}
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"missing", fstest.MapFS{"content/a.md": doc}, "stratpub.yaml: no configuration file\n\thint: create stratpub.yaml"},
		{"empty", fstest.MapFS{ConfigFile: {Data: []byte("# nothing\n")}, "content/a.md": doc}, "stratpub.yaml: the configuration file is empty"},
		{"bad YAML", fstest.MapFS{ConfigFile: {Data: []byte("title: x\n  period: y\n")}, "content/a.md": doc}, "stratpub.yaml:2:3: invalid front matter: mapping values are not allowed"},
		{"tab", fstest.MapFS{ConfigFile: {Data: []byte("title: x\npriorities:\n\t- id: a\n")}, "content/a.md": doc}, "stratpub.yaml:3:1: invalid front matter: a tab in the indentation"},
		{"NUL", fstest.MapFS{ConfigFile: {Data: []byte("title: x\x00\n")}, "content/a.md": doc}, "stratpub.yaml:1:9: the file contains a NUL byte"},
		{"folder", fstest.MapFS{ConfigFile + "/x": {Data: []byte("x")}, "content/a.md": doc}, "stratpub.yaml: stratpub.yaml is a folder"},
		{"no documents", fstest.MapFS{ConfigFile: {Data: []byte("title: x\n")}}, "content: no Markdown documents found"},
		{"too large", fstest.MapFS{ConfigFile: {Data: bytes.Repeat([]byte("#"), MaxFileSize+1)}, "content/a.md": doc}, "stratpub.yaml: file is larger than the limit of 4 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := Dir(tt.fsys)
			if !strings.Contains(errs.Error(), tt.want) {
				t.Errorf("got\n%s\nwant it to contain\n%s", errs.Error(), tt.want)
			}
		})
	}
}

// failFS fails every read of one file, as a disk error would.
type failFS struct {
	fstest.MapFS
	bad string
}

func (f failFS) Open(name string) (fs.File, error) {
	file, err := f.MapFS.Open(name)
	if err != nil || name != f.bad {
		return file, err
	}
	return failFile{file}, nil
}

type failFile struct{ fs.File }

func (failFile) Read([]byte) (int, error) { return 0, errors.New("input/output error") }

// TestDirUnreadable checks that a file that cannot be read is reported by
// name and the others are still read.
func TestDirUnreadable(t *testing.T) {
	fsys := failFS{fstest.MapFS{
		ConfigFile:     {Data: []byte("title: x\n")},
		"content/a.md": {Data: []byte("---\ntype: goal\n---\n")},
		"content/b.md": {Data: []byte("---\ntype: goal\n---\n")},
	}, "content/a.md"}
	p, errs := Dir(fsys)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "content/a.md: input/output error") {
		t.Fatalf("errors: %v", errs)
	}
	if len(p.Docs) != 1 || p.Docs[0].Path != "content/b.md" {
		t.Errorf("documents: %v", p.Docs)
	}
	var _ io.Reader = failFile{}
}

// TestDeferredLikeDir checks that DirDeferred, with ParseMeta called on
// each document, reads every document as Dir does: the same front-matter
// trees and, for a document Dir refuses for its front matter, the same
// error, from ParseMeta instead of from DirDeferred.
func TestDeferredLikeDir(t *testing.T) {
	fsys := fstest.MapFS{ConfigFile: {Data: []byte("title: T\n")}}
	root := filepath.Join("..", "..")
	for _, dir := range []string{root, filepath.Join(root, "testdata", "small")} {
		real := os.DirFS(dir)
		_ = fs.WalkDir(real, ContentDir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := fs.ReadFile(real, p)
				fsys[path.Join(ContentDir, filepath.Base(dir), strings.TrimPrefix(p, ContentDir+"/"))] = &fstest.MapFile{Data: b}
			}
			return nil
		})
	}
	bad := map[string]string{
		"empty-front.md":   "---\n---\nbody\n",
		"indent.md":        "---\ntype: objective\nnumber: \"1.2\"\ntitle: \"Beta\"\n  statement: \"x\"\n---\n",
		"tab.md":           "---\ntype: objective\noutcomes:\n\t- \"a\"\n---\n",
		"quote.md":         "---\ntype: goal\nname: 'ONE\nnumber: 1\n---\n",
		"anchor.md":        "---\ntype: goal\nname: *x\n---\n",
		"no-front.md":      "# Title\n", // refused by both before the front matter
		"comments-only.md": "---\n# nothing\n---\nbody\n",
	}
	for name, src := range bad {
		fsys[path.Join(ContentDir, "bad", name)] = &fstest.MapFile{Data: []byte(src)}
	}
	if len(fsys) < 30 {
		t.Fatalf("only %d files: the repository's content/ and testdata/small were not found", len(fsys))
	}

	eager, eagerErrs := Dir(fsys)
	lazy, lazyErrs := DirDeferred(fsys)
	errs := map[string]string{} // by file, as Dir reports them
	for _, e := range eagerErrs {
		errs[e.Pos.File] = e.Error()
	}
	deferredErrs := map[string]string{}
	for _, e := range lazyErrs {
		deferredErrs[e.Pos.File] = e.Error()
	}
	byPath := map[string]*Doc{}
	for _, d := range eager.Docs {
		byPath[d.Path] = d
	}
	parsed := 0
	for _, d := range lazy.Docs {
		if d.Meta != nil {
			t.Errorf("%s: front matter parsed before ParseMeta", d.Path)
		}
		if e := d.ParseMeta(); e != nil {
			deferredErrs[d.Path] = e.Error()
			if byPath[d.Path] != nil {
				t.Errorf("%s: ParseMeta reports %v; Dir read it", d.Path, e)
			}
			continue
		}
		parsed++
		want := byPath[d.Path]
		if want == nil {
			t.Errorf("%s: ParseMeta reports nothing; Dir reported %s", d.Path, errs[d.Path])
			continue
		}
		if !reflect.DeepEqual(d.Meta, want.Meta) || d.BodyOffset != want.BodyOffset || !bytes.Equal(d.Body, want.Body) {
			t.Errorf("%s: read differently from Dir", d.Path)
		}
		if d.ParseMeta() != nil || d.Meta == nil {
			t.Errorf("%s: a second ParseMeta changed the document", d.Path)
		}
	}
	if parsed != len(eager.Docs) {
		t.Errorf("%d documents parsed, Dir read %d", parsed, len(eager.Docs))
	}
	if !reflect.DeepEqual(deferredErrs, errs) {
		t.Errorf("errors differ:\nDirDeferred + ParseMeta: %v\nDir: %v", deferredErrs, errs)
	}
	if len(errs) != len(bad) {
		t.Errorf("Dir reported %d errors, want one per broken document (%d): %v", len(errs), len(bad), errs)
	}
}

// TestDropFrontKeepsPositions checks that a document whose front matter
// DropFront let go gives every byte of its body the file position it had,
// and keeps the body's bytes; the repository's documents and edge cases
// (an empty body, a file that ends on the closing line, multi-byte text).
func TestDropFrontKeepsPositions(t *testing.T) {
	srcs := map[string]string{
		"empty.md":    "---\ntype: goal\n---\n",
		"no-eol.md":   "---\ntype: goal\n---",
		"one-line.md": "---\ntype: goal\n---\nété — x",
		"crlf.md":     "---\r\ntype: goal\r\n---\r\nline\r\n\r\nnext\r\n",
	}
	root := filepath.Join("..", "..", "content")
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			b, _ := os.ReadFile(p)
			srcs[p] = string(b)
		}
		return nil
	})
	if len(srcs) < 20 {
		t.Fatalf("only %d documents", len(srcs))
	}
	for name, src := range srcs {
		d, e := Parse(name, []byte(src))
		if e != nil {
			t.Fatalf("%s: %v", name, e)
		}
		want := make([]diag.Pos, len(d.Body)+1)
		for off := range want {
			want[off] = d.BodyPos(off)
		}
		body := string(d.Body)
		d.DropFront(nil)
		if d.Src != nil || string(d.Body) != body {
			t.Fatalf("%s: DropFront kept the file (%v) or changed the body", name, d.Src != nil)
		}
		for off := range want {
			if got := d.BodyPos(off); got != want[off] {
				t.Fatalf("%s: byte %d of the body at %s after DropFront, %s before", name, off, got, want[off])
			}
		}
	}
}

// TestForgetMeta checks that a document read whole lets its front matter
// tree go and parses it again from its text, with the same values at the
// same addresses (the strings are cut from the document's text), and that
// a document whose front matter was deferred keeps copying (its text may
// go, DropFront).
func TestForgetMeta(t *testing.T) {
	src := []byte("---\ntype: objective\ntitle: \"Alpha\"\noutcomes:\n  - \"Alpha happens.\"\n---\nBody.\n")
	d, err := Parse("content/a.md", src)
	if err != nil {
		t.Fatal(err)
	}
	title := func() string {
		t.Helper()
		if d.Meta == nil || len(d.Meta.Content) < 4 {
			t.Fatalf("no front matter: %v", d.Meta)
		}
		return d.Meta.Content[3].Value
	}
	before := title()
	d.ForgetMeta()
	if d.Meta != nil {
		t.Fatal("ForgetMeta kept the tree")
	}
	if err := d.ParseMeta(); err != nil {
		t.Fatal(err)
	}
	after := title()
	if after != "Alpha" || unsafe.StringData(after) != unsafe.StringData(before) {
		t.Errorf("parsed again: %q at %p, before %q at %p", after, unsafe.StringData(after), before, unsafe.StringData(before))
	}
	if !bytes.Contains(d.Src, []byte(after)) || unsafe.StringData(after) != &d.Src[bytes.Index(d.Src, []byte("Alpha"))] {
		t.Errorf("the title is not cut from the document's text")
	}
	// Deferred (a build): the strings are a copy, so that Src can go.
	dd, err := parse("content/a.md", bytes.Clone(src), true)
	if err != nil {
		t.Fatal(err)
	}
	if err := dd.ParseMeta(); err != nil {
		t.Fatal(err)
	}
	v := dd.Meta.Content[3].Value
	if unsafe.StringData(v) == &dd.Src[bytes.Index(dd.Src, []byte("Alpha"))] {
		t.Errorf("a deferred document's strings point into its text")
	}
}

// readDirCounter counts the folders listed through it.
type readDirCounter struct {
	fstest.MapFS
	n int
}

func (c *readDirCounter) ReadDir(name string) ([]fs.DirEntry, error) {
	c.n++
	return c.MapFS.ReadDir(name)
}

func TestHasDocuments(t *testing.T) {
	doc := &fstest.MapFile{Data: []byte("---\ntitle: x\n---\n")}
	fsys := &readDirCounter{MapFS: fstest.MapFS{
		"content/a.md":           doc,
		"content/g1/b.md":        doc,
		"content/g1/c.md":        doc,
		"content/g2/d.md":        doc,
		"content/g2/notes.txt":   doc,
		"content/_drafts/e.md":   doc,
		"content/.git/f.md":      doc,
		"content/g3/.g.md":       doc,
		"content/g3/#h.md#":      doc,
		"content/g3/h.md~":       doc,
		"content/g4/deep/i.md":   doc,
		"stratpub.yaml":          doc,
		"templates/page.md":      doc,
		"content/g5/_index.json": doc,
	}}
	want, err := DocumentsIn(fsys.MapFS, ContentDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 5 {
		t.Fatalf("the oracle lists %d documents, want 5: %v", len(want), want)
	}
	for n := 0; n <= len(want)+2; n++ {
		fsys.n = 0
		if got := HasDocuments(fsys, n); got != (n <= len(want)) {
			t.Errorf("HasDocuments(%d) = %v with %d documents", n, got, len(want))
		}
		// content/ holds a.md: one listing finds the first document.
		if n == 1 && fsys.n != 1 {
			t.Errorf("HasDocuments(1) listed %d folders; the first holds a document", fsys.n)
		}
	}
	if HasDocuments(fstest.MapFS{"stratpub.yaml": doc}, 1) {
		t.Error("HasDocuments(1) without content/ = true")
	}
}
