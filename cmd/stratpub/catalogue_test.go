package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// The catalogue of bad input: every way an author, a site operator or the
// file system can hand stratpub something wrong. Each case starts from a
// copy of testdata/small that has been built once, breaks one thing, and
// builds again, in this process through run and as a real process through
// the built binary. A bad case must exit with status 1 (never 2, never a
// panic), print the problem with its position and a hint on how to fix it,
// and leave both the previous output folder and the publication byte for
// byte as they were. A case marked works must build.

const (
	beta       = "content/goal-1/1.2-beta.md"
	alpha      = "content/goal-1/1.1-alpha.md"
	goal1      = "content/goal-1/goal.md"
	conclusion = "content/back/conclusion.md"
	foreword   = "content/front/foreword.md"
	config     = "stratpub.yaml"
)

// betaFM is the front matter of beta, to build broken variants from.
const betaFM = "type: objective\nnumber: \"1.2\"\ntitle: \"Beta\"\nstatement: \"Make beta happen.\"\n" +
	"outcomes:\n  - \"Beta happens.\"\n  - \"Beta is measured.\"\nactivities:\n  - \"Plan beta.\"\n  - \"Measure beta.\"\n"

const betaBody = "Beta builds on [alpha](ref:objective-1.1).\n"

func doc(fm, body string) string { return "---\n" + fm + "---\n" + body }

type badCase struct {
	name string
	edit func(p *pub)
	// args returns the command line; nil means build --source DIR --out OUT.
	args func(p *pub) []string
	// want are substrings of the error output, the first usually
	// "path:line:col: message".
	want []string
	// works marks input that must build (exit 0).
	works bool
	// nonRoot marks cases that need a non-root user (file permissions).
	nonRoot bool
}

func catalogue() []badCase {
	hintYAML := "hint: check the YAML syntax"
	return []badCase{
		// Malformed YAML.
		{name: "bad indentation", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, "statement:", "  statement:", 1), betaBody))
		}, want: []string{beta + ":5:3: invalid front matter: did not find expected key", hintYAML}},
		{name: "bad indentation in a list", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, "  - \"Beta is measured.\"", " - \"Beta is measured.\"", 1), betaBody))
		}, want: []string{beta + ":8:2: invalid front matter: did not find expected key", hintYAML}},
		{name: "bad indentation in the configuration", edit: func(p *pub) {
			p.replace(config, "organization:", "   organization:")
		}, want: []string{config + ":3:4: invalid front matter: did not find expected key", hintYAML}},
		{name: "tab indentation", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, "  - \"Plan beta.\"", "\t- \"Plan beta.\"", 1), betaBody))
		}, want: []string{beta + ":10:1: invalid front matter: a tab in the indentation", "hint: indent YAML with spaces, never tabs"}},
		{name: "tab indentation in the configuration", edit: func(p *pub) {
			p.replace(config, "  - id: service", "\t- id: service")
		}, want: []string{config + ":17:1: invalid front matter: a tab in the indentation", "never tabs"}},
		{name: "unclosed double quote", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, `title: "Beta"`, `title: "Beta`, 1), betaBody))
		}, want: []string{beta + ":4:8: invalid front matter: a quote that is never closed", "hint: end the value with the same quote"}},
		{name: "unclosed single quote", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, `title: "Beta"`, `title: 'Beta`, 1), betaBody))
		}, want: []string{beta + ":4:8: invalid front matter: a quote that is never closed", "same quote"}},
		{name: "unclosed quote in a list", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, `"Plan beta."`, `"Plan beta.`, 1), betaBody))
		}, want: []string{beta + ":10:5: invalid front matter: a quote that is never closed", "same quote"}},
		{name: "unclosed flow list", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, "outcomes:\n", "figures: [a, b\noutcomes:\n", 1), betaBody))
		}, want: []string{beta + ":6:1: invalid front matter: did not find expected ',' or ']'", hintYAML}},
		{name: "colon in a plain value", edit: func(p *pub) {
			p.replace(goal1, `statement: "Do the first thing."`, `statement: Do this: the first thing.`)
		}, want: []string{goal1 + ":5:19: invalid front matter: mapping values are not allowed", `put the value in quotes when it contains ": ", e.g. statement: "Do this: the first thing."`}},
		{name: "duplicate key", edit: func(p *pub) {
			p.write(beta, doc(betaFM+"title: \"Beta again\"\n", betaBody))
		}, want: []string{beta + ":12:1: duplicate key \"title\" (first at line 4)", "hint: keep one of the two"}},
		{name: "duplicate key in the configuration", edit: func(p *pub) {
			p.appendTo(config, "title: \"Another\"\n")
		}, want: []string{config + ":20:1: duplicate key \"title\" (first at line 1)", "keep one"}},
		{name: "undefined alias", edit: func(p *pub) {
			p.replace(goal1, `name: "ONE"`, `name: *one`)
		}, want: []string{goal1 + ":4:7: invalid front matter: unknown anchor 'one' referenced", `hint: a value that starts with * refers to an anchor (&one) defined earlier in YAML; to write it as text, put it in quotes: "*one"`}},
		{name: "front matter is a list", edit: func(p *pub) {
			p.write(beta, doc("- type\n- objective\n", betaBody))
		}, want: []string{beta + ":2:1: document must be a set of \"key: value\" lines, found a list", "hint: write one \"key: value\" per line"}},

		// Wrong types.
		{name: "title is a list", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, `title: "Beta"`, `title: [Beta, Gamma]`, 1), betaBody))
		}, want: []string{beta + `:4:8: objective: "title" must be text, found a list`, "hint: write it on one line"}},
		{name: "outcomes is text", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, "outcomes:\n  - \"Beta happens.\"\n  - \"Beta is measured.\"", "outcomes: \"Beta happens.\"", 1), betaBody))
		}, want: []string{beta + `:6:11: objective: "outcomes" must be a list, found "Beta happens."`, `starting with "- "`}},
		{name: "goal number is a word", edit: func(p *pub) {
			p.replace(goal1, "number: 1", "number: one")
		}, want: []string{goal1 + `:3:9: goal: "number" must be a whole number, found "one"`, "hint: write e.g. number: 1"}},
		{name: "section order is a word", edit: func(p *pub) {
			p.replace(conclusion, "order: 10", "order: last")
		}, want: []string{conclusion + `:6:8: section: "order" must be a whole number, found "last"`, "number: 10"[7:]}},
		{name: "allow_raw_html is not a boolean", edit: func(p *pub) {
			p.appendTo(config, "allow_raw_html: sometimes\n")
		}, want: []string{config + `:20:17: configuration: "allow_raw_html" must be true or false, found "sometimes"`, "hint: write true or false"}},
		{name: "figures is a set of keys", edit: func(p *pub) {
			p.write(beta, doc(betaFM+"figures:\n  caption: x\n", betaBody))
		}, want: []string{beta + `:13:3: objective: "figures" must be a list, found a set of keys`, "hint: write one item per line"}},
		{name: "outcome is a set of keys", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, `  - "Beta happens."`, `  - text: "Beta happens."`, 1), betaBody))
		}, want: []string{beta + `:7:5: objective: each item of "outcomes" must be text, found a set of keys`, `in quotes if it contains ": "`}},

		// Structure of a document.
		{name: "front matter never closed", edit: func(p *pub) {
			p.write(beta, "---\n"+betaFM+betaBody)
		}, want: []string{beta + ":1:1: front matter is never closed", `hint: add a line "---"`}},
		{name: "missing front matter", edit: func(p *pub) {
			p.write(beta, betaBody)
		}, want: []string{beta + ":1:1: missing front matter", `hint: start the file with a line "---"`}},
		{name: "empty file", edit: func(p *pub) {
			p.write(beta, "")
		}, want: []string{beta + ":1:1: the file is empty", "hint: start it with front matter"}},
		{name: "only a byte-order mark", edit: func(p *pub) {
			p.write(beta, "\xef\xbb\xbf\r\n")
		}, want: []string{beta + ":1:1: the file is empty", "or delete it"}},
		{name: "empty front matter", edit: func(p *pub) {
			p.write(beta, doc("", betaBody))
		}, want: []string{beta + ":2:1: the front matter is empty", "hint: add at least"}},
		{name: "missing type", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, "type: objective\n", "", 1), betaBody))
		}, want: []string{beta + `:2:1: missing "type" in front matter`, `hint: add "type: section"`}},
		{name: "unknown type", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, "type: objective", "type: objectiv", 1), betaBody))
		}, want: []string{beta + `:2:7: unknown document type "objectiv"`, `(did you mean "objective"?)`}},
		{name: "unknown key", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, "title:", "titel:", 1), betaBody))
		}, want: []string{beta + `:4:1: objective: unknown key "titel"`, `hint: did you mean "title"?`}},
		{name: "unknown configuration key", edit: func(p *pub) {
			p.replace(config, "subtitle:", "sub_title:")
		}, want: []string{config + `:2:1: configuration: unknown key "sub_title"`, `did you mean "subtitle"?`}},
		{name: "missing required key", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, "statement: \"Make beta happen.\"\n", "", 1), betaBody))
		}, want: []string{beta + `:2:1: objective: missing required key "statement"`, `hint: add a line "statement: `}},
		{name: "empty outcomes", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, "outcomes:\n  - \"Beta happens.\"\n  - \"Beta is measured.\"", "outcomes: []", 1), betaBody))
		}, want: []string{beta + `:6:11: objective: "outcomes" is empty`, "hint: list at least one item"}},
		{name: "empty activity", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, `"Plan beta."`, `""`, 1), betaBody))
		}, want: []string{beta + `:10:5: objective: empty item in "activities"`, `hint: delete the empty "- " line`}},

		// Text encoding.
		{name: "invalid UTF-8", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, "Beta happens.", "Beta h\xe4ppens.", 1), betaBody))
		}, want: []string{beta + ":7:12: invalid UTF-8 (byte 0xe4)", "hint: save the file as UTF-8"}},
		{name: "Latin-1 configuration", edit: func(p *pub) {
			p.replace(config, "Example Agency", "Example Ag\xe9ncy")
		}, want: []string{config + ":3:26: invalid UTF-8 (byte 0xe9)", "save the file as UTF-8"}},
		{name: "NUL byte", edit: func(p *pub) {
			p.write(beta, doc(betaFM, "Beta\x00 builds.\n"))
		}, want: []string{beta + ":13:5: the file contains a NUL byte", "hint: save it as UTF-8 text"}},
		{name: "UTF-16 file", edit: func(p *pub) {
			p.write(beta, "\xff\xfe-\x00-\x00-\x00\n\x00")
		}, want: []string{beta + ":1:4: the file contains a NUL byte", "UTF-8"}},
		{name: "50 MB file", edit: func(p *pub) {
			f, err := os.Create(p.path("content/back/huge.md"))
			if err != nil {
				p.t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(50 << 20); err != nil { // sparse: costs no disk
				p.t.Fatal(err)
			}
		}, want: []string{"content/back/huge.md: file is larger than the limit of 4 MiB", "hint: split it into smaller documents"}},
		{name: "byte-order mark", works: true, edit: func(p *pub) {
			p.write(beta, "\xef\xbb\xbf"+p.read(beta))
		}},
		{name: "CRLF line endings", works: true, edit: func(p *pub) {
			for _, f := range []string{beta, alpha, config, foreword} {
				p.write(f, strings.ReplaceAll(p.read(f), "\n", "\r\n"))
			}
		}},

		// Markdown.
		{name: "deeply nested quotes", edit: func(p *pub) {
			p.appendTo(conclusion, "\n"+strings.Repeat(">", 10000)+" deep\n")
		}, want: []string{conclusion + ":10:", "the Markdown is nested more than 32 levels deep", "hint: flatten it"}},
		{name: "deeply nested lists", edit: func(p *pub) {
			var b strings.Builder
			for i := range 200 {
				b.WriteString(strings.Repeat("  ", i) + "- item\n")
			}
			p.appendTo(conclusion, "\n"+b.String())
		}, want: []string{conclusion + ":", "nested more than 32 levels deep", "flatten"}},
		{name: "deeply nested emphasis", edit: func(p *pub) {
			p.appendTo(conclusion, "\n"+strings.Repeat("*a ", 5000)+"x"+strings.Repeat(" a*", 5000)+"\n")
		}, want: []string{conclusion + ":", "nested more than 32 levels deep", "flatten"}},
		{name: "skipped heading level", edit: func(p *pub) {
			p.appendTo(conclusion, "\n#### Deep\n")
		}, want: []string{conclusion + ":10:1: heading level skipped", "hint: use ## for the first heading"}},
		{name: "javascript: link", edit: func(p *pub) {
			p.appendTo(conclusion, "\nSee [the plan](javascript:alert(1)).\n")
		}, want: []string{conclusion + `:10:5: link to "javascript:alert(1)" is not allowed`, "hint: link with http:, https:"}},
		{name: "entity-encoded javascript: link", edit: func(p *pub) {
			p.appendTo(conclusion, "\nSee [the plan](&#x6A;ava&#115;cript&colon;alert(1)).\n")
		}, want: []string{conclusion + `:10:5: link to "&#x6A;ava&#115;cript&colon;alert(1)" is not allowed`, "link with"}},
		{name: "data: link in a footnote", edit: func(p *pub) {
			p.appendTo(conclusion, "\nSee the note.[^1]\n\n[^1]: [Data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==).\n")
		}, want: []string{conclusion + `:12:7: link to "data:text/html;base64,`, "link with"}},
		{name: "javascript: autolink", edit: func(p *pub) {
			p.appendTo(conclusion, "\nGo to <javascript:alert(1)>.\n")
		}, want: []string{conclusion + `:10:7: link to "javascript:alert(1)" is not allowed`, "link with"}},
		{name: "javascript: link in an activity", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, `"Plan beta."`, `"Plan [beta](JavaScript:alert(1))."`, 1), betaBody))
		}, want: []string{beta + `:10:`, `link to "JavaScript:alert(1)" is not allowed`, "link with"}},
		{name: "remote image", edit: func(p *pub) {
			p.appendTo(conclusion, "\n![A chart](https://tracker.example/pixel.png)\n")
		}, want: []string{conclusion + `:10:1: image "https://tracker.example/pixel.png" is not a file of the publication`, "hint: put the image under images/"}},
		{name: "missing image", edit: func(p *pub) {
			p.appendTo(conclusion, "\n![A chart](images/chart.png)\n")
		}, want: []string{conclusion + `:10:1: image file "images/chart.png" not found`, "hint: check the path"}},
		{name: "figure image outside the publication", edit: func(p *pub) {
			p.write(beta, doc(betaFM+"figures:\n  - caption: \"x\"\n    image: \"../../etc/passwd\"\n    alt: \"y\"\n", betaBody))
		}, want: []string{beta + `:14:12: figure image "../../etc/passwd" is not a path inside the publication`, "hint: use a relative path such as images/photo.jpg"}},

		// References.
		{name: "unknown reference", edit: func(p *pub) {
			p.appendTo(conclusion, "\nSee [beta](ref:objective-1.9).\n")
		}, want: []string{conclusion + `:10:5: unknown reference "ref:objective-1.9"`, `hint: did you mean "objective-1.1", "objective-1.2", "objective-2.1"?`}},
		{name: "unknown reference in a footnote", edit: func(p *pub) {
			p.appendTo(conclusion, "\nSee the note.[^1]\n\n[^1]: As in [](ref:goal-9).\n")
		}, want: []string{conclusion + `:12:13: unknown reference "ref:goal-9"`, `did you mean "goal-1", "goal-2"`}},
		{name: "unknown reference in front matter", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, `"Plan beta."`, `"Plan [beta](ref:outcome-1.2.9)."`, 1), betaBody))
		}, want: []string{beta + `:10:11: unknown reference "ref:outcome-1.2.9"`, `did you mean "outcome-1.2.1"`}},
		{name: "reference to itself", edit: func(p *pub) {
			p.write(beta, doc(betaFM, "Beta is [](ref:objective-1.2).\n"))
		}, want: []string{beta + `:13:9: "ref:objective-1.2" refers to itself`, "hint: link to another part of the plan"}},
		{name: "mutual references", works: true, edit: func(p *pub) {
			// testdata/small already has 1.1 → 1.2 → 1.1; add a longer cycle.
			p.appendTo(conclusion, "\nSee [](ref:foreword).\n")
			p.appendTo(foreword, "\nSee [](ref:conclusion).\n")
		}},
		{name: "duplicate section id", edit: func(p *pub) {
			p.write("content/back/conclusion-2.md", strings.Replace(p.read(conclusion), "order: 10", "order: 20", 1))
		}, want: []string{conclusion + ":3:5: duplicate ID \"conclusion\": already defined at content/back/conclusion-2.md:3:5", "hint: give each item its own ID"}},
		{name: "duplicate objective number", edit: func(p *pub) {
			p.write("content/goal-1/1.2-copy.md", p.read(beta))
		}, want: []string{`content/goal-1/1.2-copy.md:3:9: duplicate ID "objective-1.2": already defined at ` + beta + ":3:9", "give each item its own ID or number"}},
		{name: "duplicate goal number", edit: func(p *pub) {
			p.replace("content/goal-2/goal.md", "number: 2", "number: 1")
		}, want: []string{`content/goal-2/goal.md:3:9: duplicate ID "goal-1": already defined at ` + goal1 + ":3:9", "own ID or number"}},
		{name: "section id of a priority", edit: func(p *pub) {
			p.replace(conclusion, "id: conclusion", "id: priority-safety")
		}, want: []string{conclusion + `:3:5: duplicate ID "priority-safety": already defined at stratpub.yaml:14:9`, "own ID"}},
		{name: "section id of a generated page", edit: func(p *pub) {
			p.replace(conclusion, "id: conclusion", "id: summary")
		}, want: []string{conclusion + `:3:5: two pages want the same URL summary/: section id "summary" is used by the strategy summary`, "hint: choose another id"}},
		{name: "section id of the goal pages", edit: func(p *pub) {
			p.replace(conclusion, "id: conclusion", "id: goals")
		}, want: []string{conclusion + `:3:5: two pages want the same URL goals/`, "choose another id"}},
		{name: "section id not a slug", edit: func(p *pub) {
			p.replace(conclusion, "id: conclusion", "id: \"../Conclusion\"")
		}, want: []string{conclusion + `:3:5: section id "../Conclusion" is not valid`, "hint: use lower-case letters, digits and hyphens"}},
		{name: "objective under the wrong goal", edit: func(p *pub) {
			p.replace(alpha, "goal: 1", "goal: 2")
		}, want: []string{alpha + ":4:7: objective 1.1 is numbered under goal 1 but says goal: 2", "hint: renumber it 2.N, or set goal: 1"}},
		{name: "objective under a missing goal", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, `number: "1.2"`, `number: "3.1"`, 1), betaBody))
		}, want: []string{beta + ":3:9: objective 3.1 is numbered under goal 3, which does not exist", "hint: create goal 3 first"}},
		{name: "objective numbers skip", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, `number: "1.2"`, `number: "1.3"`, 1), betaBody))
		}, want: []string{beta + ":3:9: objective numbers under goal 1 skip 1.2: found 1.3", "hint: number the objectives of a goal 1, 2, 3"}},
		{name: "goal numbers skip", edit: func(p *pub) {
			p.replace("content/goal-2/goal.md", "number: 2", "number: 3")
		}, want: []string{"content/goal-2/goal.md: goal numbers skip 2: found goal 3", "hint: number goals 1, 2, 3"}},
		{name: "objective number not GOAL.N", edit: func(p *pub) {
			p.write(beta, doc(strings.Replace(betaFM, `number: "1.2"`, `number: "1.b"`, 1), betaBody))
		}, want: []string{beta + `:3:9: objective number "1.b" is not GOAL.N`, `hint: write it in quotes`}},
		{name: "section matter unknown", edit: func(p *pub) {
			p.replace(conclusion, "matter: back", "matter: middle")
		}, want: []string{conclusion + `:5:9: section: matter must be front or back, found "middle"`, "hint: front sections come before the goals"}},

		// Configuration.
		{name: "missing configuration", edit: func(p *pub) {
			p.remove(config)
		}, want: []string{"stratpub.yaml: no configuration file", "hint: create stratpub.yaml"}},
		{name: "empty configuration", edit: func(p *pub) {
			p.write(config, "# nothing yet\n")
		}, want: []string{"stratpub.yaml: the configuration file is empty", "hint: add at least title"}},
		{name: "configuration is a folder", edit: func(p *pub) {
			p.remove(config)
			p.write(config+"/x", "")
		}, want: []string{"stratpub.yaml: stratpub.yaml is a folder, not a file", "hint: check that the file is readable"}},
		{name: "missing title", edit: func(p *pub) {
			p.replace(config, "title: \"Example Plan 2030\"\n", "")
		}, want: []string{config + `:1:1: configuration: missing required key "title"`, `hint: add a line "title: `}},
		{name: "bad date", edit: func(p *pub) {
			p.replace(config, "2025-01-15", "15/01/2025")
		}, want: []string{config + `:8:19: configuration: publication_date "15/01/2025" is not a date`, "hint: write it as YYYY-MM-DD"}},
		{name: "bad language", edit: func(p *pub) {
			p.replace(config, "language: en", "language: English!")
		}, want: []string{config + `:5:11: configuration: "English!" is not a language tag`, "hint: use a BCP 47 tag"}},
		{name: "javascript: base URL", edit: func(p *pub) {
			p.replace(config, `"https://plans.example.org/2030/"`, `"javascript:alert(1)//"`)
		}, want: []string{config + `:6:11: base URL "javascript:alert(1)//" is not an absolute http(s) URL`, "hint: write it like https://"}},
		{name: "bad priority id", edit: func(p *pub) {
			p.replace(config, "id: safety", "id: Safety First")
		}, want: []string{config + `:14:9: priority id "Safety First" is not valid`, "hint: use lower-case letters"}},
		{name: "no documents", edit: func(p *pub) {
			p.remove("content")
		}, want: []string{"content: no Markdown documents found", "hint: add sections, goals and objectives"}},

		// The file system.
		{name: "unreadable file", nonRoot: true, edit: func(p *pub) {
			if err := os.Chmod(p.path(beta), 0); err != nil {
				p.t.Fatal(err)
			}
		}, want: []string{beta + ": open " + beta + ": permission denied", "hint: check that the file is readable"}},
		{name: "named pipe", edit: func(p *pub) {
			if err := syscall.Mkfifo(p.path("content/back/pipe.md"), 0o644); err != nil {
				p.t.Fatal(err)
			}
		}, want: []string{"content/back/pipe.md: not a regular file (p---------)", "hint: remove it"}},
		{name: "dangling symbolic link", edit: func(p *pub) {
			if err := os.Symlink("nowhere.md", p.path("content/back/gone.md")); err != nil {
				p.t.Fatal(err)
			}
		}, want: []string{"content/back/gone.md: the file does not exist (a symbolic link that leads nowhere?)", "hint: check that the file is readable"}},
		{name: "symbolic link outside", edit: func(p *pub) {
			secret := filepath.Join(filepath.Dir(p.dir), "secret.md")
			if err := os.WriteFile(secret, []byte(doc("type: section\nid: secret\ntitle: Secret\nmatter: back\norder: 1\n", "SECRET\n")), 0o644); err != nil {
				p.t.Fatal(err)
			}
			if err := os.Symlink(secret, p.path("content/back/secret.md")); err != nil {
				p.t.Fatal(err)
			}
		}, want: []string{"content/back/secret.md: refused: the path leads outside the publication folder", "hint: check that the file is readable; symbolic links must stay inside the publication folder"}},
		{name: "relative symbolic link outside", edit: func(p *pub) {
			if err := os.Symlink("../../../../../../../../etc/hostname", p.path("content/back/host.md")); err != nil {
				p.t.Fatal(err)
			}
		}, want: []string{"content/back/host.md: refused: the path leads outside the publication folder", "symbolic links must stay inside"}},
		{name: "configuration links outside", edit: func(p *pub) {
			moved := filepath.Join(filepath.Dir(p.dir), "stratpub.yaml")
			if err := os.Rename(p.path(config), moved); err != nil {
				p.t.Fatal(err)
			}
			if err := os.Symlink(moved, p.path(config)); err != nil {
				p.t.Fatal(err)
			}
		}, want: []string{"stratpub.yaml: refused: the path leads outside the publication folder", "symbolic links must stay inside"}},
		{name: "content folder links outside", edit: func(p *pub) {
			moved := filepath.Join(filepath.Dir(p.dir), "content")
			if err := os.Rename(p.path("content"), moved); err != nil {
				p.t.Fatal(err)
			}
			if err := os.Symlink(moved, p.path("content")); err != nil {
				p.t.Fatal(err)
			}
		}, want: []string{"content: ", "outside the publication folder"}},
		{name: "source is a file", args: func(p *pub) []string {
			return []string{"build", "--source", p.path(config), "--out", p.out}
		}, want: []string{"is not a folder; --source takes the publication's folder"}},
		{name: "source does not exist", args: func(p *pub) []string {
			return []string{"build", "--source", p.path("nope"), "--out", p.out}
		}, want: []string{"cannot open the publication folder", "no such file or directory"}},

		// Templates.
		{name: "template syntax error", edit: func(p *pub) {
			p.write("templates/objective.html", "{{define \"main\"}}\n<h1>{{.Heading}</h1>\n{{end}}\n")
		}, want: []string{"templates/objective.html:2: template: bad character U+007D '}'", "hint: fix the template; delete your copy"}},
		{name: "template calls a missing field", edit: func(p *pub) {
			p.write("templates/objective.html", "{{define \"main\"}}\n<h1>{{.Heading}}</h1>\n<p>{{.Objective.Budget}}</p>\n{{end}}\n")
		}, want: []string{"templates/objective.html:3:16: template: executing \"main\" at <.Objective.Budget>: can't evaluate field Budget", "hint: the field does not exist on this page's data"}},
		{name: "template calls a missing function", edit: func(p *pub) {
			p.write("templates/goal.html", "{{define \"main\"}}\n\n{{shout .Heading}}\n{{end}}\n")
		}, want: []string{"templates/goal.html:3: template: function \"shout\" not defined", "hint: fix the template"}},
		{name: "base template unclosed action", edit: func(p *pub) {
			p.write("templates/base.html", "<!doctype html>\n<title>{{.Title}}</title>\n{{if .Print}}\n")
		}, want: []string{"templates/base.html:", "unexpected EOF", "hint: fix the template"}},

		// The output folder.
		{name: "output inside content", args: func(p *pub) []string {
			return []string{"build", "--source", p.dir, "--out", p.path("content/site")}
		}, want: []string{"refused: the output folder is inside content/ of the publication; use --out with a folder outside it"}},
		{name: "output is the publication", args: func(p *pub) []string {
			return []string{"build", "--source", p.dir, "--out", p.dir}
		}, want: []string{"refused: the output folder is the publication folder: building would replace your content; use --out with another folder"}},
		{name: "output is the publication, relatively", args: func(p *pub) []string {
			return []string{"build", "--source", p.dir, "--out", p.dir + "/content/.."}
		}, want: []string{"refused: the output folder is the publication folder"}},
		{name: "output contains the publication", args: func(p *pub) []string {
			return []string{"build", "--source", p.dir, "--out", filepath.Dir(p.dir)}
		}, want: []string{"refused: the output folder contains the publication folder; use --out with a folder inside or beside it"}},
		{name: "output is content", args: func(p *pub) []string {
			return []string{"build", "--source", p.dir, "--out", p.path("content")}
		}, want: []string{"refused: the output folder is inside content/"}},
		{name: "output inside templates", args: func(p *pub) []string {
			return []string{"build", "--source", p.dir, "--out", p.path("templates/out")}
		}, want: []string{"refused: the output folder is inside templates/"}},
		{name: "output through a link into content", edit: func(p *pub) {
			if err := os.Symlink(p.path("content"), filepath.Join(filepath.Dir(p.dir), "shortcut")); err != nil {
				p.t.Fatal(err)
			}
		}, args: func(p *pub) []string {
			return []string{"build", "--source", p.dir, "--out", filepath.Join(filepath.Dir(p.dir), "shortcut", "site")}
		}, want: []string{"refused: the output folder is inside content/"}},
		{name: "output holds foreign files", edit: func(p *pub) {
			if err := os.MkdirAll(filepath.Join(filepath.Dir(p.dir), "mine"), 0o755); err != nil {
				p.t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(filepath.Dir(p.dir), "mine", "thesis.docx"), []byte("years of work"), 0o644); err != nil {
				p.t.Fatal(err)
			}
		}, args: func(p *pub) []string {
			return []string{"build", "--source", p.dir, "--out", filepath.Join(filepath.Dir(p.dir), "mine")}
		}, want: []string{"refused: output folder holds files stratpub did not write", "has 1 entries and no .stratpub-output marker", "hint: choose an empty folder with --out, or pass --force"}},
		{name: "output is a file", edit: func(p *pub) {
			if err := os.WriteFile(filepath.Join(filepath.Dir(p.dir), "notes.txt"), []byte("notes"), 0o644); err != nil {
				p.t.Fatal(err)
			}
		}, args: func(p *pub) []string {
			return []string{"build", "--source", p.dir, "--out", filepath.Join(filepath.Dir(p.dir), "notes.txt")}
		}, want: []string{"notes.txt exists and is not a folder"}},
		{name: "output holds foreign files, forced", works: true, edit: func(p *pub) {
			if err := os.WriteFile(filepath.Join(p.out, "stray.txt"), []byte("x"), 0o644); err != nil {
				p.t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(p.out, ".stratpub-output")); err != nil {
				p.t.Fatal(err)
			}
		}, args: func(p *pub) []string {
			return []string{"build", "--source", p.dir, "--out", p.out, "--force"}
		}},
	}
}

// TestCatalogue runs every case of the catalogue in this process and as a
// real process, and reports the figures.
func TestCatalogue(t *testing.T) {
	bin := buildBinary(t)
	cases := catalogue()
	bad := 0
	for _, c := range cases {
		if !c.works {
			bad++
		}
	}
	if bad < 60 {
		t.Errorf("the catalogue has %d bad-input cases; it must have at least 60", bad)
	}
	var panics, changed atomic.Int32
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.nonRoot && os.Geteuid() == 0 {
				t.Skip("root reads files whatever their permissions; the unreadable file is covered by internal/load's TestDirUnreadable")
			}
			t.Parallel()
			p := newPub(t, "small")
			if code, _, stderr := runCLI("build", "--source", p.dir, "--out", p.out); code != 0 {
				t.Fatalf("the fixture does not build: %s", stderr)
			}
			if c.edit != nil {
				c.edit(p)
			}
			args := []string{"build", "--source", p.dir, "--out", p.out}
			if c.args != nil {
				args = c.args(p)
			}
			// Everything beside the publication: the output folder, the
			// publication itself and the other folders a case made.
			world := filepath.Dir(p.dir)
			before := snapshot(t, world)
			for _, via := range []string{"run", "binary"} {
				var code int
				var stderr string
				if via == "run" {
					code, _, stderr = runCLI(args...)
				} else {
					code, _, stderr = runBinary(t, bin, args...)
				}
				if strings.Contains(stderr, "internal error") || strings.Contains(stderr, "goroutine ") {
					panics.Add(1)
					t.Fatalf("%s: panic:\n%s", via, stderr)
				}
				if c.works {
					if code != 0 {
						t.Fatalf("%s: exit %d, want 0:\n%s", via, code, stderr)
					}
					continue
				}
				if code != 1 {
					t.Errorf("%s: exit %d, want 1", via, code)
				}
				for _, w := range c.want {
					if !strings.Contains(stderr, w) {
						t.Errorf("%s: the output lacks %q:\n%s", via, w, stderr)
					}
				}
				if d := diffSnapshots(before, snapshot(t, world)); d != "" {
					changed.Add(1)
					t.Errorf("%s: files changed: %s", via, d)
				}
			}
		})
	}
	t.Cleanup(func() {
		t.Logf("catalogue: %d cases (%d bad input, %d that must build), each run in-process and as a process; %d panics, %d changed outputs", len(cases), bad, len(cases)-bad, panics.Load(), changed.Load())
	})
}

// TestCatalogueWorksForCRLF checks that the CRLF case builds the same site
// as the LF original, byte for byte: CRLF must work, not merely pass.
func TestCatalogueWorksForCRLF(t *testing.T) {
	lf, crlf := newPub(t, "small"), newPub(t, "small")
	err := filepath.WalkDir(crlf.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(path, []byte("\xef\xbb\xbf"+strings.ReplaceAll(string(b), "\n", "\r\n")), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*pub{lf, crlf} {
		if code, _, stderr := runCLI("build", "--source", p.dir, "--out", p.out); code != 0 {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
	}
	if d := diffSnapshots(snapshot(t, lf.out), snapshot(t, crlf.out)); d != "" {
		t.Errorf("BOM and CRLF change the site: %s", d)
	}
}
