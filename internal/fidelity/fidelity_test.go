package fidelity

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// moduleRoot is the module root, and the publication, seen from this package.
const moduleRoot = "../.."

// seedPath is the text of the printed publication.
const seedPath = moduleRoot + "/seeds/cbp-strategy-2021-2026.txt"

func readSeed(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatalf("reading the seed: %v", err)
	}
	return string(b)
}

// TestSite builds the publication at the module root with the stratpub
// binary and requires every sentence of the seed, less the allow-list, to
// be in the visible text of the site.
func TestSite(t *testing.T) {
	root, err := filepath.Abs(moduleRoot)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "stratpub")
	build := exec.Command("go", "build", "-o", bin, "./cmd/stratpub")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/stratpub: %v\n%s", err, out)
	}
	public := filepath.Join(tmp, "public")
	run := exec.Command(bin, "build", "--source", root, "--out", public)
	run.Dir = root
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("stratpub build: %v\n%s", err, out)
	}

	site, pages := siteText(t, public)
	if pages == 0 {
		t.Fatalf("stratpub build wrote no .html file under %s", public)
	}
	sentences := Sentences(readSeed(t))
	missing := Missing(sentences, site)
	if len(missing) > 0 {
		t.Errorf("%d sentences of the seed are not in the site (%d pages):\n%s", len(missing), pages, Report(sentences, missing))
	} else {
		t.Logf("%d pages; %s", pages, Report(sentences, nil))
	}
}

// siteText returns the visible text of every .html file under dir, and how
// many files it read. Pages are separated by a NUL byte, which no sentence
// contains, so that no sentence is found across two pages.
func siteText(t *testing.T, dir string) (string, int) {
	t.Helper()
	var texts []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := html.Parse(f)
		if err != nil {
			return err
		}
		texts = append(texts, visibleText(doc))
		return nil
	})
	if err != nil {
		t.Fatalf("reading the site: %v", err)
	}
	return strings.Join(texts, "\x00"), len(texts)
}

// visibleText joins the text nodes under n with spaces, leaving out scripts
// and style sheets. Attributes (alt, title, aria-label) are not included.
func visibleText(n *html.Node) string {
	var parts []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode {
			parts = append(parts, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(parts, " ")
}

// TestMissingReportsDroppedSentence is the negative control: a site text
// made of every sentence of the seed but one must be reported as lacking
// exactly that sentence, so the check is able to fail.
func TestMissingReportsDroppedSentence(t *testing.T) {
	sentences := Sentences(readSeed(t))
	const dropped = "Treasury Secretary William Richardson extended the ensign as a symbol of federal authority to federal buildings in 1874."
	i := slices.Index(sentences, dropped)
	if i < 0 {
		t.Fatalf("the seed has no sentence %q", dropped)
	}
	site := strings.Join(slices.Delete(slices.Clone(sentences), i, i+1), " ")

	got := Missing(sentences, site)
	if len(got) != 1 || got[0] != dropped {
		t.Errorf("Missing reported %q, want exactly [%q]", got, dropped)
	}
	if got := Missing(sentences, strings.Join(sentences, " ")); len(got) != 0 {
		t.Errorf("with every sentence present, Missing reported %q", got)
	}
}

// TestMissingSeesChangedWords checks that one changed or dropped word inside
// a sentence is reported, and that a rendering difference is not.
func TestMissingSeesChangedWords(t *testing.T) {
	const sentence = "CBP’s success as a threat-based, intelligence and data-driven, operationally-focused enterprise absolutely depends on how well we focus on our mission priorities."
	tests := []struct {
		name    string
		site    string
		missing bool
	}{
		{"same", "<p>" + sentence + "</p>", false},
		{"straight quote, line break, space before comma", "CBP's success as a threat-based ,\n intelligence and data-driven, operationally-focused enterprise absolutely depends on how well we focus on our mission priorities.", false},
		{"word changed", strings.Replace(sentence, "absolutely", "entirely", 1), true},
		{"word dropped", strings.Replace(sentence, "absolutely ", "", 1), true},
		{"hyphen lost", strings.Replace(sentence, "data-driven", "data driven", 1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Missing([]string{sentence}, tt.site)
			if (len(got) > 0) != tt.missing {
				t.Errorf("Missing(%q) = %q, want missing %v", tt.site, got, tt.missing)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"CBP’s “dots”", `CBP's "dots"`},
		{"2021–2026 — today", "2021-2026 - today"},
		{"costs.¹ With", "costs. With"},
		{`nearing \$3 trillion`, "nearing $3 trillion"},
		{" a\n\tb \u00a0 c ", "a b c"},
		{"2026 , we ( see ) it .", "2026, we (see) it."},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Normalize(Normalize(tt.in)); got != tt.want {
			t.Errorf("Normalize is not idempotent on %q: %q", tt.in, got)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"two sentences", "Trade is growing. CBP facilitates trade.", []string{"Trade is growing.", "CBP facilitates trade."}},
		{"initials and abbreviations", "Mark A. Morgan met the U.S. Customs team in Washington, D.C. A run followed.", []string{"Mark A. Morgan met the U.S. Customs team in Washington, D.C. A run followed."}},
		{"closing quote", "is “Combat Transnational Crime.” CBP will", []string{`is "Combat Transnational Crime."`, "CBP will"}},
		{"footnote mark ends a run", "in the U.S.³ This trend", []string{"in the U.S.", "This trend"}},
		{"paragraphs are not joined", "CBP frontline agents,\n\nofficers, trade", []string{"CBP frontline agents,", "officers, trade"}},
		{"lines are joined", "Senior Official Performing the\nDuties of the Commissioner,", []string{"Senior Official Performing the Duties of the Commissioner,"}},
		{"list items", "- Hiring over 2,000.\n- \n - Led the development.", []string{"Hiring over 2,000.", "Led the development."}},
		{"markup", "The updated *CBP Strategy 2021–2026* is <https://www.cbp.gov/>.", []string{"The updated CBP Strategy 2021-2026 is https://www.cbp.gov/."}},
		{"separate lines", "CBP Publication No. 1280-1220\nDecember 2020\nwww.cbp.gov", []string{"CBP Publication No. 1280-1220", "December 2020", "www.cbp.gov"}},
		{"furniture", "Contents\n\nForeword\t3\n\nSTRATEGY 2021–2026\n\nto be done. ■", []string{"to be done."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sentences(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFurnitureMatches keeps the allow-list honest: every entry must still
// match the seed, or it is hiding nothing and should go.
func TestFurnitureMatches(t *testing.T) {
	seed := readSeed(t)
	for _, r := range Furniture() {
		if !r.Pattern.MatchString(seed) {
			t.Errorf("allow-list entry %q (%s) matches nothing in the seed", r.Pattern, r.Reason)
		}
	}
	for _, re := range separateLines {
		if !re.MatchString(seed) {
			t.Errorf("separateLines entry %q matches nothing in the seed", re)
		}
	}
}
