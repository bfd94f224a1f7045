package fidelity

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Rule is one entry of the allow-list: text of the source that the built site
// need not contain. Every match of Pattern in the source is cut out (replaced
// by a paragraph break) before the source is split into sentences.
type Rule struct {
	Pattern *regexp.Regexp
	Reason  string
}

// furniture is the allow-list. Keep it short: every entry hides text from the
// check, so each one says why the site may leave that text out. An entry that
// no longer matches the source fails TestFurnitureMatches.
var furniture = []Rule{
	// The contents page: its heading and its entries ("Foreword<TAB>3"). The
	// site's navigation and home page replace it.
	{regexp.MustCompile(`(?m)^(Contents|.+\t\d+)$`),
		"contents page"},
	// The running headers at the top of the pages. The organization's name
	// alone is not listed: the site prints it on every page.
	{regexp.MustCompile(`(?m)^(U\.S\. Customs and Border Protection )?STRATEGY 2021–2026$`),
		"running header"},
	// End-of-article marks after the last paragraph of a section, and the
	// bullet glyphs of the pyramid's list of priorities.
	{regexp.MustCompile(`■`),
		"end mark or bullet glyph"},
	// The objective rows of the printed summary table ("Strategic
	// Objectives<TAB><TAB>Counter Network<TAB>Leverage ..."). The generator
	// rebuilds the table from the objective pages' statements; where the
	// printed table words a statement differently, its wording is kept as
	// the objective's summary_statement and listed in docs/editorial-notes.md.
	// (The table's goal rows are checked: the site prints them as printed.)
	{regexp.MustCompile(`(?m)^(Strategic Objectives)?\t\t.+$`),
		"summary table objective row"},
	// The summary page's labels above the mission and vision; the home page
	// prints the mission and vision under its own headings.
	{regexp.MustCompile(`(?m)^CBP (MISSION|VISION)$`),
		"summary page label"},
	// The pyramid page's heading, set in capitals; the section's title uses
	// the contents page's wording, "CBP Strategy Pyramid".
	{regexp.MustCompile(`(?m)^CBP STRATEGY PYRAMID$`),
		"heading in capitals"},
	// The colon after each enduring priority's name on the pyramid page
	// ("Counter Terrorism:"); the site prints the name as a heading. The
	// name itself is still checked.
	{regexp.MustCompile(`(?m):\*\*$`),
		"colon after a priority's name"},
	// The label in objective headings ("1.1 Strategic Objective: Counter
	// Network"); the site prints the number and the title, both still checked.
	{regexp.MustCompile(` Strategic Objective: `),
		"objective heading label"},
	// The labels of the sidebars on objective pages; the site prints them as
	// headings without the colon.
	{regexp.MustCompile(`(?m)^(Desired outcome|Key activities):$`),
		"sidebar label"},
}

// separateLines lists blocks of the source whose lines are separate items
// rather than one paragraph broken into lines: each line is checked on its
// own.
var separateLines = []*regexp.Regexp{
	// The back cover: publication number, date and web address, which the
	// site prints from stratpub.yaml, each where it belongs.
	regexp.MustCompile(`(?m)^CBP Publication No\. .+\n.+\n.+$`),
}

// Furniture returns a copy of the allow-list.
func Furniture() []Rule { return slices.Clone(furniture) }

var (
	// superscript matches footnote marks. In the source a mark ends a run of
	// text: the site prints it as a separate number.
	superscript = regexp.MustCompile(`[⁰¹²³⁴⁵⁶⁷⁸⁹]+`)
	// listItem matches the "- " that starts an item of a list in the source.
	listItem = regexp.MustCompile(`^-(\s+|$)`)
	// emphasis and autolink are the Markdown-like markup of the extraction.
	emphasis = regexp.MustCompile(`\*+`)
	autolink = regexp.MustCompile(`<(https?://[^>\s]+)>`)
	// spaceBefore and spaceAfter find the space that joining text nodes puts
	// next to punctuation ("<em>Strategy</em>, we" gives "Strategy , we").
	spaceBefore = regexp.MustCompile(` ([,.;:!?)\]])`)
	spaceAfter  = regexp.MustCompile(`([(\[]) `)

	normalizer = strings.NewReplacer(
		`\$`, "$", // an escape left by the extraction
		"’", "'", "‘", "'", "“", `"`, "”", `"`,
		"—", "-", "–", "-",
		"⁰", "", "¹", "", "²", "", "³", "", "⁴", "", "⁵", "", "⁶", "", "⁷", "", "⁸", "", "⁹", "",
	)
)

// Normalize returns s with white space collapsed to single spaces, curly
// quotes made straight, em and en dashes made hyphens, superscript digits
// removed, "\$" read as "$", and no space after an opening or before a
// closing punctuation mark. It is idempotent.
func Normalize(s string) string {
	s = normalizer.Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	s = spaceBefore.ReplaceAllString(s, "$1")
	s = spaceAfter.ReplaceAllString(s, "$1")
	return s
}

// Sentences returns the normalized sentences of src, the text of the
// printed publication, leaving out the text the allow-list names.
//
// The source is read in runs of text: a paragraph (lines up to a blank line),
// a list item, a line of a block of separate lines (the back cover), or the
// text between two footnote marks. Runs are never joined,
// so a paragraph that the layout split around a sidebar gives two fragments,
// and each must occur in the site. Each run is split into sentences after
// ".", "?" or "!" (and any closing quote or parenthesis) followed by a space
// and a capital letter, digit or opening quote, except after an initial or
// abbreviation ("Mark A. Morgan", "U.S. Customs", "No. 1280").
func Sentences(src string) []string {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	for _, r := range furniture {
		src = r.Pattern.ReplaceAllString(src, "\n\n")
	}
	for _, re := range separateLines {
		src = re.ReplaceAllStringFunc(src, func(block string) string {
			return strings.ReplaceAll(block, "\n", "\n\n")
		})
	}
	src = superscript.ReplaceAllString(src, "\n\n")

	var out []string
	for _, run := range runs(src) {
		run = autolink.ReplaceAllString(run, "$1")
		run = emphasis.ReplaceAllString(run, "")
		for _, s := range split(Normalize(run)) {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// runs cuts text into paragraphs and list items, lines joined by spaces.
func runs(text string) []string {
	var out, cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" {
			flush()
			continue
		}
		if listItem.MatchString(t) {
			flush()
			t = listItem.ReplaceAllString(t, "")
		}
		if t != "" {
			cur = append(cur, t)
		}
	}
	flush()
	return out
}

// split cuts normalized text into sentences.
func split(s string) []string {
	rs := []rune(s)
	var out []string
	start := 0
	for i := 0; i < len(rs); i++ {
		if rs[i] != '.' && rs[i] != '?' && rs[i] != '!' {
			continue
		}
		j := i + 1
		for j < len(rs) && strings.ContainsRune(`"')`, rs[j]) {
			j++
		}
		if j+1 >= len(rs) || rs[j] != ' ' || !opensSentence(rs[j+1]) {
			continue
		}
		if rs[i] == '.' && abbreviation(rs[start:i]) {
			continue
		}
		out = append(out, strings.TrimSpace(string(rs[start:j])))
		start = j + 1
	}
	return append(out, strings.TrimSpace(string(rs[start:])))
}

func opensSentence(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune(`"'($`, r)
}

// abbreviations are words that end with a period but not a sentence.
var abbreviations = []string{"Jr", "No", "Mr", "Mrs", "Ms", "Dr", "St", "vs"}

// abbreviation reports whether text, which a period follows, ends with an
// initial ("A", the "S" of "U.S") or one of the abbreviations.
func abbreviation(text []rune) bool {
	n := len(text)
	if n == 0 {
		return false
	}
	if unicode.IsLetter(text[n-1]) && (n == 1 || !unicode.IsLetter(text[n-2])) {
		return true
	}
	s := string(text)
	return slices.Contains(abbreviations, s[strings.LastIndexFunc(s, unicode.IsSpace)+1:])
}

// Missing returns, in order, the sentences that do not occur in the
// normalized siteText. Sentences are normalized again, so raw text works too.
func Missing(sentences []string, siteText string) []string {
	site := Normalize(siteText)
	var out []string
	for _, s := range sentences {
		if !strings.Contains(site, Normalize(s)) {
			out = append(out, s)
		}
	}
	return out
}

// Report describes the result of a check: the coverage, then every missing
// sentence on a line of its own.
func Report(sentences, missing []string) string {
	var b strings.Builder
	found := len(sentences) - len(missing)
	pct := 100.0
	if len(sentences) > 0 {
		pct = 100 * float64(found) / float64(len(sentences))
	}
	fmt.Fprintf(&b, "coverage: %d/%d sentences found (%.1f%%)\n", found, len(sentences), pct)
	for _, s := range missing {
		fmt.Fprintf(&b, "missing: %s\n", s)
	}
	return b.String()
}
