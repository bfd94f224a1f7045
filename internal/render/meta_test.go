package render_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/search"
	"github.com/stratpub/stratpub/internal/sitetest"
	"github.com/stratpub/stratpub/internal/write"
)

const baseURL = "https://example.org/plan/"

func buildCBP(t *testing.T, base string) map[string][]byte {
	t.Helper()
	files, _ := buildCBPSite(t, base)
	return files
}

// buildCBPSite is buildCBP with the site's plan.
func buildCBPSite(t *testing.T, base string) (map[string][]byte, *plan.Plan) {
	t.Helper()
	files, prep := buildDir(t, sitetest.RepoRoot(t), base)
	return files, prep.Plan
}

// buildDir builds the publication in dir as stratpub build does (prepare,
// then render each file straight into its place on disk, the streamed
// path) and returns the files of the site.
func buildDir(t *testing.T, dir, base string) (map[string][]byte, *build.Prepared) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	prep, errs := build.Prepare(context.Background(), build.Config{Source: root.FS(), BaseURL: base})
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, _, err := prep.Write(out, false); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		if rel == write.Marker {
			return nil
		}
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, prep
}

// head collects the <meta>, <link> and ld+json data of a page's head.
type head struct {
	meta   map[string]string // name or property → content
	links  map[string][]map[string]string
	ldjson []string
	srcs   []map[string]string // <script src> and <link rel=stylesheet>
}

func parseHead(t *testing.T, page []byte) head {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	h := head{meta: map[string]string{}, links: map[string][]map[string]string{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			a := map[string]string{}
			for _, at := range n.Attr {
				a[at.Key] = at.Val
			}
			switch n.Data {
			case "meta":
				if k := a["name"] + a["property"]; k != "" {
					h.meta[k] = a["content"]
				}
			case "link":
				h.links[a["rel"]] = append(h.links[a["rel"]], a)
				if a["rel"] == "stylesheet" {
					h.srcs = append(h.srcs, a)
				}
			case "script":
				if a["type"] == "application/ld+json" && n.FirstChild != nil {
					h.ldjson = append(h.ldjson, n.FirstChild.Data)
				}
				if a["src"] != "" {
					h.srcs = append(h.srcs, a)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return h
}

// TestPageMetadata checks the head of every page of a site with a base URL.
func TestPageMetadata(t *testing.T) {
	files := buildCBP(t, baseURL)
	pages := 0
	for p, data := range files {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		pages++
		h := parseHead(t, data)
		want := baseURL + strings.TrimSuffix(p, "index.html")
		if c := h.links["canonical"]; len(c) != 1 || c[0]["href"] != want {
			t.Errorf("%s: canonical %v, want %s", p, c, want)
		}
		for _, k := range []string{"description", "og:title", "og:description", "og:type", "og:url", "og:site_name", "twitter:card", "twitter:title", "twitter:description"} {
			if h.meta[k] == "" {
				t.Errorf("%s: no %s", p, k)
			}
		}
		if h.meta["og:url"] != want {
			t.Errorf("%s: og:url %q, want %q", p, h.meta["og:url"], want)
		}
		if len(h.ldjson) != 1 {
			t.Errorf("%s: %d JSON-LD blocks, want 1", p, len(h.ldjson))
			continue
		}
		var ld struct {
			Context  string `json:"@context"`
			Type     string `json:"@type"`
			Name     string `json:"name"`
			URL      string `json:"url"`
			IsPartOf struct {
				Type          string                `json:"@type"`
				Name          string                `json:"name"`
				DatePublished string                `json:"datePublished"`
				Publisher     struct{ Name string } `json:"publisher"`
			} `json:"isPartOf"`
		}
		if err := json.Unmarshal([]byte(h.ldjson[0]), &ld); err != nil {
			t.Errorf("%s: JSON-LD: %v\n%s", p, err, h.ldjson[0])
			continue
		}
		if ld.Context != "https://schema.org" || ld.URL != want || ld.IsPartOf.Type != "Report" ||
			ld.IsPartOf.Name == "" || ld.IsPartOf.DatePublished == "" || ld.IsPartOf.Publisher.Name == "" {
			t.Errorf("%s: JSON-LD %+v", p, ld)
		}
	}
	if pages < 20 {
		t.Errorf("only %d pages", pages)
	}
	// The objective's description is its statement.
	h := parseHead(t, files["objectives/1.4/index.html"])
	if !strings.HasPrefix(h.meta["description"], "Leverage cutting-edge technology") {
		t.Errorf("objective 1.4 description = %q", h.meta["description"])
	}
}

func TestSitemapAndRobots(t *testing.T) {
	files := buildCBP(t, baseURL)
	var sm struct {
		XMLName xml.Name
		URLs    []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(files["sitemap.xml"], &sm); err != nil {
		t.Fatalf("sitemap.xml: %v", err)
	}
	if sm.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" || sm.XMLName.Local != "urlset" {
		t.Errorf("sitemap root %v", sm.XMLName)
	}
	locs := map[string]bool{}
	for _, u := range sm.URLs {
		locs[u.Loc] = true
	}
	for p := range files {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		want := baseURL + strings.TrimSuffix(p, "index.html")
		if locs[want] == (p == "404.html") {
			t.Errorf("sitemap listing of %s is %v", want, locs[want])
		}
	}
	if !bytes.Contains(files["robots.txt"], []byte("Sitemap: "+baseURL+"sitemap.xml\n")) {
		t.Errorf("robots.txt = %q", files["robots.txt"])
	}
	// Without a base URL there are no absolute addresses to give.
	plain := buildCBP(t, "")
	for _, p := range []string{"sitemap.xml", "robots.txt"} {
		if _, ok := plain[p]; ok {
			t.Errorf("%s written without a base URL", p)
		}
	}
	if h := parseHead(t, plain["index.html"]); len(h.links["canonical"]) != 0 || h.meta["og:url"] != "" {
		t.Error("canonical or og:url without a base URL")
	}
}

// TestFingerprints checks that every asset name carries the hash of its
// contents (for the search index, the digest of its documents, see
// search.IndexScript.Sum) and that integrity values match, with a base
// URL, and are empty without one (browsers refuse integrity-checked assets
// from file://).
func TestFingerprints(t *testing.T) {
	for _, base := range []string{baseURL, ""} {
		files, pl := buildCBPSite(t, base)
		index, err := (*search.Cache)(nil).Make(pl)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for p, data := range files {
			if !strings.HasPrefix(p, "assets/") {
				continue
			}
			n++
			sum := sha256.Sum256(data)
			if strings.HasPrefix(path.Base(p), "search-index.") {
				if !bytes.Equal(data, index.Bytes()) {
					t.Errorf("%s is not the index of the plan", p)
				}
				sum = index.Sum()
			}
			name := path.Base(p)
			parts := strings.Split(name, ".")
			if len(parts) < 3 || parts[len(parts)-2] != hex.EncodeToString(sum[:])[:10] {
				t.Errorf("%s: the name does not carry the content hash %s", p, hex.EncodeToString(sum[:])[:10])
			}
		}
		if n < 4 {
			t.Fatalf("only %d assets", n)
		}
		for _, page := range []string{"index.html", "data/index.html", "objectives/1.1/index.html"} {
			h := parseHead(t, files[page])
			if len(h.srcs) < 3 {
				t.Errorf("%s: %d scripts and style sheets", page, len(h.srcs))
			}
			for _, a := range h.srcs {
				ref := a["href"] + a["src"]
				target := path.Clean(path.Join(path.Dir(page), ref))
				data, ok := files[target]
				if !ok {
					t.Errorf("%s: %s does not exist", page, ref)
					continue
				}
				sum := sha512.Sum384(data)
				want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
				if base == "" {
					want = ""
				}
				if a["integrity"] != want {
					t.Errorf("%s (base %q): %s has integrity %q, want %q", page, base, ref, a["integrity"], want)
				}
			}
		}
	}
}
