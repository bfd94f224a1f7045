package search_test

import (
	"bytes"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/search"
	"github.com/stratpub/stratpub/internal/sitetest"
)

var (
	tempDirs []string // removed by TestMain
	cbpOnce  sync.Once
	cbpDir   string
	cbpSite  *build.Site
)

// cbp builds the CBP publication once for the package and writes it to a
// folder that lasts until TestMain ends (sitetest's folder belongs to the
// first test that asks and goes away with it).
func cbp(t *testing.T) (string, *build.Site) {
	t.Helper()
	cbpOnce.Do(func() {
		_, site := sitetest.CBP(t)
		dir, err := os.MkdirTemp("", "stratpub-search-test-")
		if err != nil {
			t.Fatal(err)
		}
		tempDirs = append(tempDirs, dir)
		dir = filepath.Join(dir, "public")
		if err := build.Write(site, dir, false); err != nil {
			t.Fatal(err)
		}
		cbpDir, cbpSite = dir, site
	})
	if cbpSite == nil {
		t.Fatal("the CBP build failed in an earlier test")
	}
	return cbpDir, cbpSite
}

// indexFile returns the fingerprinted index script of a built site.
func indexFile(t *testing.T, s *build.Site) (string, []byte) {
	t.Helper()
	for _, f := range s.Files {
		if strings.HasPrefix(f.Path, "assets/search-index.") && strings.HasSuffix(f.Path, ".js") {
			return f.Path, f.Data
		}
	}
	t.Fatal("the site has no assets/search-index.*.js")
	return "", nil
}

// TestIndexSize measures the index against the HTML of the site: it must
// stay under 15 %.
func TestIndexSize(t *testing.T) {
	_, s := cbp(t)
	_, index := indexFile(t, s)
	var htmlBytes int
	for _, f := range s.Files {
		if strings.HasSuffix(f.Path, ".html") {
			htmlBytes += len(f.Data)
		}
	}
	share := float64(len(index)) / float64(htmlBytes)
	t.Logf("search index: %d bytes; HTML: %d bytes in %d pages; index/HTML = %.1f %%", len(index), htmlBytes, s.Pages, 100*share)
	if share >= 0.15 {
		t.Errorf("the search index is %.1f %% of the HTML, over the 15 %% budget", 100*share)
	}
}

// decode reads the index script back.
func decode(t *testing.T, script []byte) (stop []string, docs [][]string) {
	t.Helper()
	prefix := []byte("self." + search.Global + "=")
	body, ok := bytes.CutPrefix(script, prefix)
	if !ok {
		t.Fatalf("the index does not start with %s", prefix)
	}
	body = bytes.TrimSuffix(body, []byte(";\n"))
	var ix struct {
		V    int
		Stop []string
		Docs [][]string
	}
	if err := json.Unmarshal(body, &ix); err != nil {
		t.Fatal(err)
	}
	if ix.V != search.Version {
		t.Errorf("version %d, want %d", ix.V, search.Version)
	}
	return ix.Stop, ix.Docs
}

// TestIndexCoversPlan checks that every goal, objective, outcome and key
// activity is in the index with its address and text.
func TestIndexCoversPlan(t *testing.T) {
	_, s := cbp(t)
	_, script := indexFile(t, s)
	_, docs := decode(t, script)
	byURL := map[string][]string{}
	for _, d := range docs {
		if len(d) != 6 {
			t.Fatalf("document %q has %d fields, want 6", d, len(d))
		}
		byURL[d[1]] = d
	}
	want := func(kind, url, title, context string) {
		t.Helper()
		d, ok := byURL[url]
		if !ok {
			t.Errorf("no document for %s", url)
			return
		}
		if d[0] != kind || d[2] != title || d[3] != context {
			t.Errorf("%s = %q, want kind %s, title %q, context %q", url, d[:4], kind, title, context)
		}
	}
	p := s.Plan
	for _, g := range p.Goals {
		want(search.KindGoal, g.Ref.Page, g.Ref.Title, g.Statement)
	}
	for _, o := range p.Objectives {
		want(search.KindObjective, o.Ref.Page, o.Ref.Title, o.Statement)
		for _, it := range o.Outcomes {
			want(search.KindOutcome, o.Ref.Page+"#"+it.Ref.ID, it.Ref.Title, it.Text)
		}
		for _, it := range o.Activities {
			want(search.KindActivity, o.Ref.Page+"#"+it.Ref.ID, it.Ref.Title, it.Text)
		}
	}
	for _, sec := range append(p.Front, p.Back...) {
		if _, ok := byURL[sec.Ref.Page]; !ok {
			t.Errorf("section %s is not in the index", sec.Ref.ID)
		}
	}
	// The body words of objective 1.4 include a word found only in its
	// narrative.
	if d := byURL["objectives/1.4/index.html"]; d == nil || !slices.Contains(strings.Fields(d[5]), "facial") {
		t.Errorf("objective 1.4's body words lack %q", "facial")
	}
}

func TestTerms(t *testing.T) {
	stop := map[string]bool{"the": true, "of": true}
	for _, tt := range []struct {
		name, text, skip string
		want             []string
	}{
		{"order and case", "Biometric Exit, the exit of travelers", "", []string{"biometric", "exit", "travelers"}},
		{"skip words in title", "Trade and travel", "trade", []string{"and", "travel"}},
		{"prefix kept only when longest", "biometric biometrics bio", "", []string{"biometrics"}},
		{"urls dropped", "See https://www.example.gov/x1y2 and www.cbp.gov today", "", []string{"see", "and", "today"}},
		{"one letter dropped, digits kept", "a COVID-19 b", "", []string{"covid", "19"}},
		{"non-ASCII letters", "Sécurité et coopération", "", []string{"sécurité", "et", "coopération"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := search.Terms(tt.text, stop, tt.skip)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Terms(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestScriptDeterministic(t *testing.T) {
	_, s := cbp(t)
	a, err := search.Script(s.Plan)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := search.Script(s.Plan)
	if !bytes.Equal(a, b) {
		t.Error("two runs give different indexes")
	}
	_, built := indexFile(t, s)
	if !bytes.Equal(a, built) {
		t.Error("the built site's index is not search.Script of its plan")
	}
}

// TestWriteToLikeReference checks that the streamed index (what stratpub
// build writes, and what Bytes assembles) is the reference encoder's, and
// that WriteTo counts what it wrote.
func TestWriteToLikeReference(t *testing.T) {
	_, site := cbp(t)
	index, err := (*search.Cache)(nil).Make(site.Plan)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := index.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := refScript(site.Plan)
	if !bytes.Equal(buf.Bytes(), want) || n != int64(buf.Len()) || n < 1000 {
		t.Errorf("WriteTo wrote %d bytes (counted %d), the reference %d; equal: %v", buf.Len(), n, len(want), bytes.Equal(buf.Bytes(), want))
	}
}

// TestColdIndexKeepsLittle checks that the index of a build (Make without
// a Cache) keeps its documents in little memory (their terms as indexes
// into the words read, the rest as the plan's own strings), so that a
// large plan's index is never whole in memory: holding the script costs
// under half its size (about a third), on texts of a vocabulary of 3,000
// words. The negative control is the same index made with a Cache, which
// keeps every document's JSON.
func TestColdIndexKeepsLittle(t *testing.T) {
	p := &plan.Plan{Pub: plan.Publication{Language: "en"}}
	word := 0
	text := func(n int) string {
		var b strings.Builder
		for range n {
			word++
			fmt.Fprintf(&b, "word%x ", word*2654435761%3000)
		}
		return b.String()
	}
	for g := range 80 {
		goal := &plan.Goal{Ref: plan.Ref{Page: fmt.Sprintf("goals/%d/index.html", g), Title: "Goal"}, Statement: "s"}
		for o := range 50 {
			goal.Objectives = append(goal.Objectives, &plan.Objective{
				Ref:       plan.Ref{Page: fmt.Sprintf("objectives/%d.%d/index.html", g, o), Title: "Objective"},
				Statement: "s", Narrative: plan.NewBody(template.HTML(text(200)))})
		}
		p.Goals = append(p.Goals, goal)
	}
	held := func(c *search.Cache) (kept uint64, size int) {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		s, err := c.Make(p)
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		kept = ms.HeapAlloc - min(before, ms.HeapAlloc)
		size = len(s.Bytes())
		runtime.KeepAlive(s)
		return kept, size
	}
	// What other goroutines allocate meanwhile only adds: the least of
	// three measures is the script's.
	cold, size := held(nil)
	for range 2 {
		c, _ := held(nil)
		cold = min(cold, c)
	}
	warm, _ := held(&search.Cache{})
	t.Logf("index of %d bytes: %d bytes held without a Cache, %d with one", size, cold, warm)
	if size < 4<<20 {
		t.Fatalf("the index is only %d bytes: too small to measure", size)
	}
	if cold > uint64(size/2) { // a term takes two bytes, not a word and a space: about a third
		t.Errorf("without a Cache, the index holds %d bytes for a script of %d", cold, size)
	}
	if warm < uint64(size*4/5) {
		t.Errorf("negative control: with a Cache, the index holds %d bytes for a script of %d; want its documents", warm, size)
	}
}

// TestHashedAcrossBatches checks the SHA-384 that MakeHashed makes
// without a Cache, part by part in batches, on a plan of many more parts
// than a batch: it must be that of the bytes written.
func TestHashedAcrossBatches(t *testing.T) {
	p := &plan.Plan{Pub: plan.Publication{Language: "en"}}
	for g := range 700 {
		goal := &plan.Goal{Ref: plan.Ref{Page: fmt.Sprintf("goals/%d/index.html", g), Title: fmt.Sprintf("Goal %d", g)}, Statement: "s"}
		for o := range g % 3 {
			goal.Objectives = append(goal.Objectives, &plan.Objective{
				Ref:       plan.Ref{Page: fmt.Sprintf("objectives/%d.%d/index.html", g, o), Title: "Objective"},
				Statement: fmt.Sprintf("statement %d %d", g, o), Narrative: plan.NewBody(template.HTML(fmt.Sprintf("<p>body w%d x%d</p>", g, o)))})
		}
		p.Goals = append(p.Goals, goal)
		p.Back = append(p.Back, &plan.Section{Ref: plan.Ref{Page: fmt.Sprintf("s%d/index.html", g), Title: "Section"}, Body: plan.NewBody("<p>text</p>")})
	}
	s, err := (*search.Cache)(nil).MakeHashed(p)
	if err != nil {
		t.Fatal(err)
	}
	b := s.Bytes()
	if sum := sha512.Sum384(b); !bytes.Equal(s.SHA384(), sum[:]) {
		t.Errorf("SHA-384 %x; the bytes' is %x", s.SHA384(), sum)
	}
	if warm, _ := (&search.Cache{}).Make(p); !bytes.Equal(warm.Bytes(), b) || warm.Sum() != s.Sum() {
		t.Error("the script differs from the one made with a Cache")
	}
}
