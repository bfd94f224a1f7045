package scale_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/scale"
)

// repo is the CBP publication at the repository root.
func repo(t *testing.T) fs.FS {
	t.Helper()
	root, err := os.OpenRoot(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root.FS()
}

func generate(t *testing.T, n int) fstest.MapFS {
	t.Helper()
	src, err := scale.Read(repo(t))
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	err = src.Generate(context.Background(), n, func(p string, data []byte) error {
		if _, dup := m[p]; dup {
			t.Errorf("file %s emitted twice", p)
		}
		m[p] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func buildSite(t *testing.T, m fstest.MapFS) *build.Site {
	t.Helper()
	site, errs := build.Build(context.Background(), build.Config{Source: m})
	if len(errs) > 0 {
		t.Fatalf("the scaled publication does not build:\n%v", errs.Err())
	}
	return site
}

var objPageRE = regexp.MustCompile(`^objectives/([0-9]+)\.([0-9]+)/index\.html$`)

// crossLinks returns, for each objective page, the copies (1-based) of the
// other-copy objective pages it links to. goals is the number of goals of
// one copy.
func crossLinks(t *testing.T, site *build.Site, goals int) map[string][]int {
	t.Helper()
	copyOf := func(goal string) int {
		g, _ := strconv.Atoi(goal)
		return (g-1)/goals + 1
	}
	out := map[string][]int{}
	for _, f := range site.Files {
		m := objPageRE.FindStringSubmatch(f.Path)
		if m == nil {
			continue
		}
		from := copyOf(m[1])
		doc, err := html.Parse(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "a" {
				for _, a := range n.Attr {
					if a.Key != "href" {
						continue
					}
					target := path.Clean(path.Join(path.Dir(f.Path), strings.SplitN(a.Val, "#", 2)[0]))
					if tm := objPageRE.FindStringSubmatch(target); tm != nil && copyOf(tm[1]) != from {
						out[f.Path] = append(out[f.Path], copyOf(tm[1]))
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	}
	return out
}

func TestOneCopyIsTheSource(t *testing.T) {
	src := repo(t)
	m := generate(t, 1)
	n := 0
	err := fs.WalkDir(src, scale.ContentDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		n++
		want, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		got := m[scale.CopyDir(1)+strings.TrimPrefix(p, scale.ContentDir)]
		if got == nil {
			t.Errorf("%s: not copied", p)
		} else if !bytes.Equal(got.Data, want) {
			t.Errorf("%s: copy 1 differs from the source", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || len(m) != n+1 {
		t.Errorf("N=1 made %d files from %d documents; want the documents and stratpub.yaml", len(m), n)
	}
}

func TestScaledPublicationBuilds(t *testing.T) {
	const n = 3
	src, err := scale.Read(repo(t))
	if err != nil {
		t.Fatal(err)
	}
	one := buildSite(t, generate(t, 1))
	site := buildSite(t, generate(t, n))

	// Every document of every copy is a page, and the plan has n× the goals
	// and objectives of the source.
	if got, want := site.Pages-one.Pages, (n-1)*src.Docs(); got != want {
		t.Errorf("N=%d has %d pages, N=1 %d: %d more, want %d", n, site.Pages, one.Pages, got, want)
	}
	if got, want := len(site.Plan.Goals), n*len(one.Plan.Goals); got != want {
		t.Errorf("goals: got %d, want %d", got, want)
	}
	if got, want := len(site.Plan.Objectives), n*len(one.Plan.Objectives); got != want {
		t.Errorf("objectives: got %d, want %d", got, want)
	}

	// Every objective of copy c links to the same objective in copy c%n+1.
	links := crossLinks(t, site, src.Goals())
	for _, o := range site.Plan.Objectives {
		g, _ := strconv.Atoi(strings.SplitN(o.Number, ".", 2)[0])
		c := (g-1)/src.Goals() + 1
		want := c%n + 1
		found := false
		for _, to := range links[o.Ref.Page] {
			found = found || to == want
		}
		if !found {
			t.Errorf("%s (copy %d) does not link to copy %d; cross-copy links: %v", o.Ref.Page, c, want, links[o.Ref.Page])
		}
		if len(o.Ref.Backlinks) == 0 {
			t.Errorf("%s has no backlinks", o.Ref.ID)
		}
	}

	// Negative control: the source alone has no cross-copy links, so the
	// checker above can fail.
	if l := crossLinks(t, one, src.Goals()); len(l) != 0 {
		t.Errorf("N=1 has cross-copy links: %v", l)
	}
}

func TestDir(t *testing.T) {
	out := t.TempDir()
	files, err := scale.Dir(context.Background(), repo(t), 2, out)
	if err != nil {
		t.Fatal(err)
	}
	m := generate(t, 2)
	if files != len(m) {
		t.Errorf("Dir wrote %d files, Generate makes %d", files, len(m))
	}
	for p, f := range m {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil || !bytes.Equal(b, f.Data) {
			t.Errorf("%s: not written as generated (%v)", p, err)
		}
	}
	if _, err := scale.Dir(context.Background(), repo(t), 1, out); err == nil {
		t.Error("Dir wrote into a folder that is not empty")
	}
	if _, err := scale.Dir(context.Background(), repo(t), 0, t.TempDir()); err == nil {
		t.Error("Dir accepted n=0")
	}
}
