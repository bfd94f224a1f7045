package build_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/stratpub/stratpub/internal/sitetest"
)

// TestValidationRules checks each validation rule on the small fixture with
// one file changed: the exact message, its position and its hint.
func TestValidationRules(t *testing.T) {
	const beta = "content/goal-1/1.2-beta.md"
	config, err := os.ReadFile(filepath.Join(sitetest.RepoRoot(t), "testdata", "small", "stratpub.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	smallConfig := string(config)
	betaWith := func(front string) string {
		return "---\ntype: objective\n" + front + "---\nBeta body.\n"
	}
	for _, c := range []struct {
		name  string
		files map[string]string
		want  []string // each must equal one reported error
	}{
		{
			name:  "missing required field",
			files: map[string]string{beta: betaWith("number: \"1.2\"\ntitle: \"Beta\"\noutcomes:\n  - \"x\"\nactivities:\n  - \"y\"\n")},
			want:  []string{`content/goal-1/1.2-beta.md:2:1: objective: missing required key "statement" | add a line "statement: "What the objective sets out to do.""`},
		},
		{
			name:  "duplicate ID",
			files: map[string]string{beta: betaWith("number: \"1.1\"\ntitle: \"Beta\"\nstatement: \"s\"\noutcomes:\n  - \"x\"\nactivities:\n  - \"y\"\n")},
			want:  []string{`content/goal-1/1.2-beta.md:3:9: duplicate ID "objective-1.1": already defined at content/goal-1/1.1-alpha.md:3:9 | give each item its own ID or number`},
		},
		{
			name:  "objective under a goal that does not exist",
			files: map[string]string{beta: betaWith("number: \"3.1\"\ntitle: \"Beta\"\nstatement: \"s\"\noutcomes:\n  - \"x\"\nactivities:\n  - \"y\"\n")},
			want:  []string{`content/goal-1/1.2-beta.md:3:9: objective 3.1 is numbered under goal 3, which does not exist | create goal 3 first, or renumber the objective under an existing goal (goals: 1, 2)`},
		},
		{
			name:  "objective numbered under the wrong goal",
			files: map[string]string{beta: betaWith("number: \"1.2\"\ngoal: 2\ntitle: \"Beta\"\nstatement: \"s\"\noutcomes:\n  - \"x\"\nactivities:\n  - \"y\"\n")},
			want:  []string{`content/goal-1/1.2-beta.md:4:7: objective 1.2 is numbered under goal 1 but says goal: 2 | renumber it 2.N, or set goal: 1`},
		},
		{
			name:  "unknown key",
			files: map[string]string{beta: betaWith("number: \"1.2\"\ntitle: \"Beta\"\nstatment: \"s\"\nstatement: \"s\"\noutcomes:\n  - \"x\"\nactivities:\n  - \"y\"\n")},
			want:  []string{`content/goal-1/1.2-beta.md:5:1: objective: unknown key "statment" | did you mean "statement"?`},
		},
		{
			name:  "empty outcome list",
			files: map[string]string{beta: betaWith("number: \"1.2\"\ntitle: \"Beta\"\nstatement: \"s\"\noutcomes: []\nactivities:\n  - \"y\"\n")},
			want: []string{`content/goal-1/1.2-beta.md:6:11: objective: "outcomes" is empty | list at least one item:
  - "The desired outcome."`},
		},
		{
			name:  "empty activity item",
			files: map[string]string{beta: betaWith("number: \"1.2\"\ntitle: \"Beta\"\nstatement: \"s\"\noutcomes:\n  - \"x\"\nactivities:\n  - \"y\"\n  -\n")},
			want:  []string{`content/goal-1/1.2-beta.md:10:4: objective: empty item in "activities" | delete the empty "- " line or write the item`},
		},
		{
			name:  "missing image",
			files: map[string]string{beta: betaWith("number: \"1.2\"\ntitle: \"Beta\"\nstatement: \"s\"\noutcomes:\n  - \"x\"\nactivities:\n  - \"y\"\nfigures:\n  - caption: \"c\"\n    image: images/nope.jpg\n    alt: \"a chart\"\n")},
			want:  []string{`content/goal-1/1.2-beta.md:12:12: figure image "images/nope.jpg" not found | check the file name, or leave image empty to show the caption alone`},
		},
		{
			name:  "unknown reference",
			files: map[string]string{beta: betaWith("number: \"1.2\"\ntitle: \"Beta\"\nstatement: \"s\"\noutcomes:\n  - \"x\"\nactivities:\n  - \"y\"\n") + "See [it](ref:objective-1.9).\n"},
			want:  []string{`content/goal-1/1.2-beta.md:12:5: unknown reference "ref:objective-1.9" | did you mean "objective-1.1", "objective-1.2", "objective-2.1"?`},
		},
		{
			name:  "section id wants a generated page's URL",
			files: map[string]string{"content/front/foreword.md": "---\ntype: section\nid: summary\ntitle: \"Foreword\"\nmatter: front\norder: 1\n---\nText.\n"},
			want:  []string{`content/front/foreword.md:3:5: two pages want the same URL summary/: section id "summary" is used by the strategy summary | choose another id`},
		},
		{
			name:  "base URL that is not a web folder's address",
			files: map[string]string{"stratpub.yaml": strings.Replace(smallConfig, `base_url: "https://plans.example.org/2030/"`, `base_url: "https://plans.example.org\"/2030/?q=1"`, 1)},
			want:  []string{`stratpub.yaml:6:11: base URL "https://plans.example.org\"/2030/?q=1" is not the address of a web folder | give the scheme, host name and path only, with no user, query or fragment, e.g. https://www.example.gov/strategy/`},
		},
		{
			name:  "base URL with characters to escape",
			files: map[string]string{"stratpub.yaml": strings.Replace(smallConfig, `base_url: "https://plans.example.org/2030/"`, `base_url: "https://plans.example.org/plan 2030/"`, 1)},
			want:  []string{`stratpub.yaml:6:11: base URL "https://plans.example.org/plan 2030/" has characters that must be escaped in a URL | write it as https://plans.example.org/plan%202030/`},
		},
		{
			name:  "invalid YAML",
			files: map[string]string{beta: "---\ntype: objective\ntitle: \"Beta\n---\nBody\n"},
			want:  []string{`content/goal-1/1.2-beta.md:3:8: invalid front matter: a quote that is never closed | end the value with the same quote it starts with; inside a "..." value write \" for a quote, inside '...' write ''`},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
			for name, data := range c.files {
				writeFile(t, filepath.Join(src, filepath.FromSlash(name)), data)
			}
			got := buildErrors(t, src)
			for _, w := range c.want {
				found := false
				for _, g := range got {
					if g == w {
						found = true
					}
				}
				if !found {
					t.Errorf("missing error:\n  %s\ngot:\n  %s", w, strings.Join(got, "\n  "))
				}
			}
		})
	}
}

// TestAllErrorsInOneRun checks that problems in several files are all
// reported by one build.
func TestAllErrorsInOneRun(t *testing.T) {
	src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	writeFile(t, filepath.Join(src, "content/goal-1/1.1-alpha.md"), "---\ntype: objective\nnumber: \"1.1\"\ntitle: \"A\"\nstatement: \"s\"\noutcomes: [\"o\"]\nactivities: [\"a\"]\ncolour: red\n---\n[](ref:nope-1)\n")
	writeFile(t, filepath.Join(src, "content/back/conclusion.md"), "---\ntype: section\nid: conclusion\ntitle: \"C\"\nmatter: middle\norder: 1\n---\n[](ref:goal-9)\n")
	got := buildErrors(t, src)
	wantPrefixes := []string{
		`content/back/conclusion.md:5:9: section: matter must be front or back`,
		`content/back/conclusion.md:8:1: unknown reference "ref:goal-9"`,
		`content/goal-1/1.1-alpha.md:10:1: unknown reference "ref:nope-1"`,
		`content/goal-1/1.1-alpha.md:8:1: objective: unknown key "colour"`,
	}
	if len(got) != len(wantPrefixes) {
		t.Fatalf("got %d errors, want %d:\n%s", len(got), len(wantPrefixes), strings.Join(got, "\n"))
	}
	for i, w := range wantPrefixes {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("error %d:\n  %s\nwant prefix:\n  %s", i, got[i], w)
		}
	}
}

// TestFigureCreditAlone checks that a figure may have a credit and no
// caption, but not neither.
func TestFigureCreditAlone(t *testing.T) {
	const alpha = "content/goal-1/1.1-alpha.md"
	front := "---\ntype: objective\nnumber: \"1.1\"\ntitle: \"Alpha\"\nstatement: \"s\"\noutcomes: [\"o\"]\nactivities: [\"a\"]\nfigures:\n"
	src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	writeFile(t, filepath.Join(src, alpha), front+"  - credit: \"Photo by A. Person\"\n---\nBody.\n")
	if got := buildErrors(t, src); len(got) != 0 {
		t.Fatalf("a credit alone should build; got:\n%s", strings.Join(got, "\n"))
	}
	dir, _ := sitetest.Build(t, src)
	pages := parseSite(t, dir)
	caps := find(pages["objectives/1.1/index.html"].doc, func(n *html.Node) bool { return n.Data == "figcaption" })
	if len(caps) != 1 || text(caps[0]) != "Photo by A. Person" {
		t.Errorf("figcaption of a credit-only figure: %d found", len(caps))
	}
	writeFile(t, filepath.Join(src, alpha), front+"  - image: \"\"\n---\nBody.\n")
	want := `content/goal-1/1.1-alpha.md:9:5: figure has neither a caption nor a credit | add caption: saying what the image shows, and credit: who made it`
	if got := buildErrors(t, src); len(got) != 1 || got[0] != want {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}

// A document that cannot be read leaves its IDs undefined; the references
// to them, and the gap it leaves in the numbering, are not reported as
// problems of their own: the author sees the one problem there is.
func TestUnreadableDocumentReportedAlone(t *testing.T) {
	src := sitetest.Copy(t, filepath.Join(sitetest.RepoRoot(t), "testdata", "small"))
	// The fixture refers to objective 1.2, its outcome and activity from
	// three other documents, and goal 1 would skip 1.2.
	writeFile(t, filepath.Join(src, "content/goal-1/1.2-beta.md"), "---\ntype: objective\nnumber: \"1.2\"\ntitle: \"Beta\n---\nBody\n")
	got := buildErrors(t, src)
	if len(got) != 1 || !strings.HasPrefix(got[0], "content/goal-1/1.2-beta.md:4:8: invalid front matter") {
		t.Errorf("got %d errors; want only the invalid front matter:\n  %s", len(got), strings.Join(got, "\n  "))
	}
	// Negative control: a reference to an ID no document defines is still
	// reported when every document could be read.
	writeFile(t, filepath.Join(src, "content/goal-1/1.2-beta.md"), "---\ntype: objective\nnumber: \"1.2\"\ntitle: \"Beta\"\nstatement: \"s\"\noutcomes: [\"o\", \"p\"]\nactivities: [\"a\", \"b\"]\n---\n[](ref:objective-1.9)\n")
	got = buildErrors(t, src)
	if len(got) != 1 || !strings.Contains(got[0], `unknown reference "ref:objective-1.9"`) {
		t.Errorf("got %v; want the unknown reference", got)
	}
}
