package build

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stratpub/stratpub/internal/scale"
)

// TestPatchTakesTitles changes titles (an objective's, a goal's name, a
// section's) and checks that Patch takes each edit, alone or with others,
// once or in a row, and gives the site the full build gives: the empty
// links that show the title, the "Referenced from" lists, the previous
// and next links, the navigation and the indexes.
func TestPatchTakesTitles(t *testing.T) {
	base, _ := smallFS(t)
	cases := []patchCase{
		{"objective title, referred to by an empty link",
			nil, [][]edit{{{"content/goal-1/1.2-beta.md", `title: "Beta"`, `title: "Better beta"`}}},
			"objectives/1.1/index.html", "Objective 1.2: Better beta"},
		{"objective title, named by its neighbours' pager",
			nil, [][]edit{{{"content/goal-1/1.2-beta.md", `title: "Beta"`, `title: "Better beta"`}}},
			"objectives/2.1/index.html", "Better beta"},
		{"objective title, named only by its neighbour's pager",
			[]edit{
				{"content/goal-1/goal.md", "[](ref:objective-2.1)", "objective 2.1"},
				{"content/goal-2/2.1-gamma.md", "[](ref:outcome-1.2.2)", "outcome 1.2.2"},
			},
			[][]edit{{{"content/goal-2/2.1-gamma.md", `title: "Gamma"`, `title: "Greater gamma"`}}},
			"objectives/1.2/index.html", "Greater gamma"},
		{"goal name, referred to by an empty link",
			nil, [][]edit{{{"content/goal-1/goal.md", `name: "ONE"`, `name: "FIRST"`}}},
			"foreword/index.html", "Goal 1: FIRST"},
		{"section title, in the navigation and a Referenced from list",
			nil, [][]edit{{{"content/front/foreword.md", `title: "Foreword"`, `title: "Preface"`}}},
			"goals/1/index.html", "Preface"},
		{"the last goal's name",
			nil, [][]edit{{{"content/goal-2/goal.md", `name: "`, `name: "NEW `}}},
			"conclusion/index.html", "Goal 2: NEW "},
		{"two documents at once",
			nil, [][]edit{{
				{"content/goal-1/1.2-beta.md", `title: "Beta"`, `title: "Better beta"`},
				{"content/goal-1/goal.md", `name: "ONE"`, `name: "FIRST"`},
			}},
			"objectives/1.2/index.html", "FIRST"},
		{"titles in a row",
			nil, [][]edit{
				{{"content/goal-1/1.2-beta.md", `title: "Beta"`, `title: "Better beta"`}},
				{{"content/goal-1/goal.md", `name: "ONE"`, `name: "FIRST"`}},
				{{"content/goal-1/1.2-beta.md", `title: "Better beta"`, `title: "Best beta"`}},
				{{"content/front/foreword.md", `title: "Foreword"`, `title: "Preface"`}},
			},
			"objectives/1.1/index.html", "Objective 1.2: Best beta"},
	}
	runPatchCases(t, base, cases)
}

// patchCase is an edit sequence for patchInSteps: the edits start made
// before preparing, one Patch per step of edits, and a page of the last
// step that must hold want.
type patchCase struct {
	name  string
	start []edit
	edits [][]edit
	show  string
	want  string
}

// runPatchCases runs each case with patchInSteps, as a subtest.
func runPatchCases(t *testing.T, base fstest.MapFS, cases []patchCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { patchInSteps(t, base, c.start, c.edits, c.show, c.want) })
	}
}

// patchInSteps prepares base with the edits start made, then patches it
// with each step of edits in turn, checking that Patch takes it and gives
// the full build's site and links; at the end, the page show must hold
// want.
func patchInSteps(t *testing.T, base fstest.MapFS, start []edit, steps [][]edit, show, want string) {
	t.Helper()
	ctx := context.Background()
	source := maps.Clone(base)
	change(t, source, start)
	prep := previewed(t, source)
	for _, step := range steps {
		source = maps.Clone(source)
		change(t, source, step)
		var paths []string
		for _, e := range step {
			paths = append(paths, e.path)
		}
		next, ok := prep.Patch(ctx, Config{Source: source, LazyData: true, Cache: &Cache{}}, paths)
		if !ok {
			t.Fatalf("Patch refused %v", step)
		}
		sameAsBuild(t, next, source, strings.Join(paths, ", "))
		prep = next
	}
	page, ok, err := prep.Renderer.File(show)
	if err != nil || !ok {
		t.Fatal(show, ok, err)
	}
	if !strings.Contains(string(page), want) {
		t.Errorf("%s does not show %q", show, want)
	}
}

// TestPatchTakesReferences adds, removes and reorders references and
// checks that Patch takes each edit and gives the site and the plan's
// links of the full build: the "Referenced from" lists of what the
// document refers to, before and after.
func TestPatchTakesReferences(t *testing.T) {
	base, _ := smallFS(t)
	cases := []struct {
		name  string
		edits [][]edit
		show  string
		want  string
	}{
		{"a reference added", [][]edit{{{"content/goal-1/1.2-beta.md", "Beta builds", "[](ref:goal-2) builds"}}},
			"goals/2/index.html", "Objective 1.2: Beta"},
		{"a reference removed", [][]edit{{{"content/goal-1/1.2-beta.md", "(ref:objective-1.1)", "(https://example.org/)"}}},
			"objectives/1.2/index.html", "example.org"},
		{"a reference to a part added, from an outcome", [][]edit{{{"content/goal-2/2.1-gamma.md", `- "Gamma happens."`, `- "Gamma happens, after [](ref:activity-1.1.1)."`}}},
			"objectives/1.1/index.html", "Desired outcome 2.1.1"},
		{"a reference before another to the same objective", [][]edit{{{"content/goal-2/2.1-gamma.md", "Gamma depends on", "See [](ref:objective-1.2). Gamma depends on"}}},
			"objectives/1.2/index.html", "Objective 2.1: Gamma"},
		{"references added and removed in a row, with a title", [][]edit{
			{{"content/goal-1/1.2-beta.md", "Beta builds", "[](ref:goal-2) builds"}},
			{{"content/front/foreword.md", "[](ref:goal-1)", "goal one"}},
			{{"content/goal-1/1.2-beta.md", `title: "Beta"`, `title: "Better beta"`}},
			{{"content/goal-1/1.2-beta.md", "[](ref:goal-2) builds", "builds"}},
		}, "objectives/1.1/index.html", "Objective 1.2: Better beta"},
		{"two documents at once", [][]edit{{
			{"content/goal-1/1.2-beta.md", "Beta builds", "[](ref:conclusion) builds"},
			{"content/back/conclusion.md", "[](ref:goal-2)", "[](ref:objective-1.2)"},
		}}, "objectives/1.2/index.html", "Conclusion"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { patchInSteps(t, base, nil, c.edits, c.show, c.want) })
	}
}

// TestPatchTakesItems adds and removes desired outcomes and key
// activities, which are numbered by their place, and checks that Patch
// takes each edit and gives the site and the plan's links of the full
// build.
func TestPatchTakesItems(t *testing.T) {
	base, _ := smallFS(t)
	const beta, alpha = "content/goal-1/1.2-beta.md", "content/goal-1/1.1-alpha.md"
	cases := []struct {
		name  string
		edits [][]edit
		show  string
		want  string
	}{
		{"an outcome added", [][]edit{{{beta, `  - "Beta is measured."`, "  - \"Beta is measured.\"\n  - \"Beta is shared.\""}}},
			"outcomes/index.html", "Beta is shared."},
		{"an outcome put first, which moves the one referred to", [][]edit{{{beta, "outcomes:\n", "outcomes:\n  - \"Beta starts.\"\n"}}},
			"objectives/2.1/index.html", "Desired outcome 1.2.2"},
		{"an activity with a reference added, then removed", [][]edit{
			{{alpha, `  - "Plan alpha."`, "  - \"Plan alpha.\"\n  - \"Tell [](ref:goal-2).\""}},
			{{alpha, "  - \"Tell [](ref:goal-2).\"\n", ""}},
		}, "activities/index.html", "Plan alpha."},
		{"an activity that refers to another objective removed", [][]edit{{{alpha, "  - \"Run alpha, as in [](ref:objective-1.2).\"\n", ""}}},
			"objectives/1.2/index.html", "Referenced from"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { patchInSteps(t, base, nil, c.edits, c.show, c.want) })
	}
}

type edit struct{ path, old, new string }

// change makes the edits in source. An edit with no old text writes new
// as the file's contents; one with neither deletes the file.
func change(t *testing.T, source fstest.MapFS, edits []edit) {
	t.Helper()
	for _, e := range edits {
		if e.old == "" {
			if e.new == "" {
				delete(source, e.path)
			} else {
				source[e.path] = &fstest.MapFile{Data: []byte(e.new)}
			}
			continue
		}
		src := string(source[e.path].Data)
		if !strings.Contains(src, e.old) {
			t.Fatalf("%s has no %q", e.path, e.old)
		}
		source[e.path] = &fstest.MapFile{Data: []byte(strings.Replace(src, e.old, e.new, 1))}
	}
}

// delta is an objective after the last of goal 1 of the small
// publication, which refers to an objective and a section.
const delta = `---
type: objective
number: "1.3"
title: "Delta"
statement: "Make delta happen, after [](ref:objective-1.1)."
outcomes:
  - "Delta happens."
activities:
  - "Do delta, as the [foreword](ref:foreword) says."
  - "Measure delta."
---
Delta follows [](ref:objective-1.2) and comes before [](ref:goal-2).
`

// annex is a back section of the small publication, after the others,
// which refers to goal 1.
const annex = `---
type: section
id: annex
title: "Annex"
matter: back
order: 99
---
Text of the annex. See [](ref:goal-1).
`

// TestPatchTakesNewDocuments adds an objective after the last of its goal
// and deletes the last objective of a goal, alone, with other edits and in
// a row, and checks that Patch takes each and gives the full build's site
// and links: the goal's page and the indexes, the new neighbours' pagers,
// the "Referenced from" lists of what it refers to.
func TestPatchTakesNewDocuments(t *testing.T) {
	base, _ := smallFS(t)
	const d, a = "content/goal-1/1.3-delta.md", "content/back/annex.md"
	cases := []patchCase{
		{"an objective added", nil, [][]edit{{{d, "", delta}}}, "objectives/2.1/index.html", `<span class="num">1.3</span> Delta`},
		{"an objective added, in the goal's page", nil, [][]edit{{{d, "", delta}}}, "goals/1/index.html", "Delta"},
		{"an objective added, referring to others", nil, [][]edit{{{d, "", delta}}}, "foreword/index.html", "Key activity 1.3.1"},
		{"an objective added and edited", nil, [][]edit{
			{{d, "", delta}},
			{{d, `title: "Delta"`, `title: "Delta prime"`}},
			{{d, "Measure delta.", "Measure delta, with [](ref:objective-2.1)."}},
		}, "objectives/2.1/index.html", `<span class="num">1.3</span> Delta prime`},
		{"the last objective deleted", []edit{{d, "", delta}}, [][]edit{{{d, "", ""}}}, "objectives/1.2/index.html", "Objective 2.1: Gamma"},
		{"an objective added that refers to nothing after it", nil, [][]edit{{{d, "", strings.Replace(delta, " and comes before [](ref:goal-2)", "", 1)}}},
			"objectives/2.1/index.html", `<span class="num">1.3</span> Delta`},
		{"the last objective deleted, that referred to nothing after it", []edit{{d, "", strings.Replace(delta, " and comes before [](ref:goal-2)", "", 1)}},
			[][]edit{{{d, "", ""}}}, "objectives/2.1/index.html", `<span class="num">1.2</span> Beta`},
		{"added, then deleted", nil, [][]edit{{{d, "", delta}}, {{d, "", ""}}}, "goals/1/index.html", "Beta"},
		{"a section added", nil, [][]edit{{{a, "", annex}}}, "index.html", "Annex"},
		{"a section added before another", nil, [][]edit{{{a, "", strings.Replace(annex, "order: 99", "order: 5", 1)}}}, "index.html", "Annex"},
		{"a front section added, referring to a goal", nil, [][]edit{{{"content/front/preface.md", "", strings.NewReplacer("id: annex", "id: preface", "matter: back", "matter: front", `"Annex"`, `"Preface"`).Replace(annex)}}},
			"goals/1/index.html", "Preface"},
		{"a section deleted", []edit{{a, "", annex}}, [][]edit{{{a, "", ""}}}, "goals/1/index.html", "Foreword"},
		{"a section deleted that refers to nothing", []edit{{a, "", strings.Replace(annex, " See [](ref:goal-1).", "", 1)}}, [][]edit{{{a, "", ""}}}, "index.html", "Conclusion"},
		{"added with another edit", nil, [][]edit{{
			{d, "", delta},
			{"content/goal-1/goal.md", `name: "ONE"`, `name: "FIRST"`},
		}}, "objectives/1.3/index.html", "Goal 1: FIRST"},
		{"a section added and another deleted", nil, [][]edit{{{a, "", annex}, {"content/back/conclusion.md", "", ""}}}, "index.html", "Annex"},
		{"two sections added, one referring to the other", nil, [][]edit{{{a, "", annex}, {"content/back/annex-b.md", "", annexB}}}, "annex/index.html", "Annex B"},
		{"two sections deleted", []edit{{a, "", annex}, {"content/back/annex-b.md", "", annexB}}, [][]edit{{{a, "", ""}, {"content/back/annex-b.md", "", ""}}},
			"index.html", "Conclusion"},
		{"a section's file renamed", []edit{{a, "", annex}}, [][]edit{{{a, "", ""}, {"content/back/appendix.md", "", annex}}}, "goals/1/index.html", "Annex"},
		{"a section's file renamed, retitled and moved", []edit{{a, "", annex}}, [][]edit{{{a, "", ""},
			{"content/back/appendix.md", "", strings.NewReplacer(`"Annex"`, `"Appendix"`, "order: 99", "order: 1").Replace(annex)}}}, "goals/1/index.html", "Appendix"},
		{"a section deleted, the reference to it removed in the same save", []edit{{a, "", annex}, {"content/back/conclusion.md", "In conclusion, see", "In conclusion, see [](ref:annex) and"}},
			[][]edit{{{a, "", ""}, {"content/back/conclusion.md", "In conclusion, see [](ref:annex) and", "In conclusion, see"}}}, "index.html", "Conclusion"},
		{"a section's file renamed that others refer to", nil, [][]edit{{{"content/front/foreword.md", "", ""},
			{"content/front/0-foreword.md", "", string(base["content/front/foreword.md"].Data)}}}, "goals/1/index.html", "Foreword"},
	}
	runPatchCases(t, base, cases)
}

// annexB is a back section of the small publication after annex, which
// refers to it.
var annexB = strings.NewReplacer("id: annex", "id: annex-b", `"Annex"`, `"Annex B"`, "order: 99", "order: 100", "See [](ref:goal-1).", "See [](ref:annex).").Replace(annex)

// delta2 is delta without its reference to objective 1.2 and with a second
// outcome, so that it can take the number 1.2: it then neither refers to
// itself nor leaves gamma's reference to outcome 1.2.2 without a target.
var delta2 = strings.NewReplacer("Delta follows [](ref:objective-1.2) and", "Delta follows beta and",
	`  - "Delta happens."`, "  - \"Delta happens.\"\n  - \"Delta is measured.\"").Replace(delta)

// delta0 is delta2 without references to objectives.
var delta0 = strings.Replace(delta2, "Make delta happen, after [](ref:objective-1.1).", "Make delta happen.", 1)

// TestPatchTakesRenumbering exchanges the numbers of objectives of a goal,
// alone, with other edits and in a row, and checks that Patch takes each
// and gives the full build's site and links: every page of the objectives
// that moved, the empty links to them (alpha's activity shows the title of
// objective 1.2), their neighbours' pagers, the "Referenced from" lists
// they are in and the indexes.
func TestPatchTakesRenumbering(t *testing.T) {
	base, _ := smallFS(t)
	const alpha, beta, d = "content/goal-1/1.1-alpha.md", "content/goal-1/1.2-beta.md", "content/goal-1/1.3-delta.md"
	num := func(path, from, to string) edit { return edit{path, `number: "` + from + `"`, `number: "` + to + `"`} }
	withDelta := []edit{{d, "", delta2}}
	cases := []patchCase{
		{"two objectives exchange numbers", withDelta, [][]edit{{num(beta, "1.2", "1.3"), num(d, "1.3", "1.2")}},
			"objectives/1.1/index.html", "Delta"},
		{"three objectives rotate", []edit{{d, "", delta2}, {beta, "Beta builds on [alpha](ref:objective-1.1)", "Beta builds on alpha"}},
			[][]edit{{num(alpha, "1.1", "1.3"), num(beta, "1.2", "1.1"), num(d, "1.3", "1.2")}},
			"objectives/1.3/index.html", "Objective 1.2: Delta"},
		{"exchanged, then back", withDelta, [][]edit{
			{num(beta, "1.2", "1.3"), num(d, "1.3", "1.2")},
			{num(beta, "1.3", "1.2"), num(d, "1.2", "1.3")},
		}, "objectives/1.1/index.html", "Beta"},
		{"exchanged with another edit", withDelta, [][]edit{{
			num(beta, "1.2", "1.3"), num(d, "1.3", "1.2"),
			{"content/goal-1/goal.md", `name: "ONE"`, `name: "FIRST"`},
		}}, "objectives/1.3/index.html", "Goal 1: FIRST"},
		{"exchanged, with more activities", []edit{{d, "", delta2}, {d, `  - "Measure delta."`, "  - \"Measure delta.\"\n  - \"Report on delta.\""}},
			[][]edit{{num(beta, "1.2", "1.3"), num(d, "1.3", "1.2")}},
			"activities/index.html", "Report on delta."},
		{"exchanged and retitled", withDelta, [][]edit{{num(beta, "1.2", "1.3"), num(d, "1.3", "1.2"), {d, `title: "Delta"`, `title: "Delta first"`}}},
			"objectives/1.1/index.html", "Delta first"},
	}
	runPatchCases(t, base, cases)
}

// zeta is an objective of goal 1 of the small publication, numbered 1.N
// (replace N), with two outcomes and two activities, which refers to no
// objective.
const zeta = `---
type: objective
number: "1.N"
title: "Zeta"
statement: "Make zeta happen."
outcomes:
  - "Zeta happens."
  - "Zeta is measured."
activities:
  - "Plan zeta."
  - "Run zeta."
---
Zeta comes in among the others; see [](ref:goal-2).
`

// unlinked are edits of the small publication after which its goal 1 may
// be renumbered: no text refers to an objective of goal 1 or its parts by
// number any more, but the foreword's reference to activity 1.2.2, which
// stays valid as long as objective 1.2 has two activities, and the
// conclusion's new one to objective 1.2, which shows its title.
var unlinked = []edit{
	{"content/goal-1/1.1-alpha.md", "(ref:objective-1.2)", "(ref:goal-2)"},
	{"content/goal-1/1.1-alpha.md", "(ref:objective-1.2)", "(ref:goal-2)"},
	{"content/goal-1/1.2-beta.md", "(ref:objective-1.1)", "(ref:goal-2)"},
	{"content/goal-2/2.1-gamma.md", "(ref:outcome-1.2.2)", "(ref:goal-1)"},
	{"content/back/conclusion.md", "In conclusion, see", "In conclusion, see [](ref:objective-1.2),"},
}

// TestPatchTakesObjectivesInTheMiddle adds an objective before others of
// its goal and deletes one that is not the last, with the objectives after
// it renumbered in the same change, as an author inserts or removes one,
// renames objectives' files (a document deleted and one added in one
// change), and moves one to another goal, and checks that Patch takes each
// and gives the full build's site and links: the objectives after it have
// new pages, the references to their numbers show their new titles (the
// conclusion's link to objective 1.2), and the goals have a page more or
// less.
func TestPatchTakesObjectivesInTheMiddle(t *testing.T) {
	base, _ := smallFS(t)
	// unlinkedText is the text of a document of base after unlinked.
	unlinkedText := func(path string) string {
		source := maps.Clone(base)
		change(t, source, unlinked)
		return string(source[path].Data)
	}
	const alpha, beta, d, z = "content/goal-1/1.1-alpha.md", "content/goal-1/1.2-beta.md", "content/goal-1/1.3-delta.md", "content/goal-1/1.0-zeta.md"
	num := func(path, from, to string) edit { return edit{path, `number: "` + from + `"`, `number: "` + to + `"`} }
	zetaAt := func(n string) edit { return edit{z, "", strings.Replace(zeta, "1.N", "1."+n, 1)} }
	cases := []patchCase{
		{"an objective added first", unlinked, [][]edit{{zetaAt("1"), num(alpha, "1.1", "1.2"), num(beta, "1.2", "1.3")}},
			"conclusion/index.html", "Alpha"},
		{"an objective added in the middle", unlinked, [][]edit{{zetaAt("2"), num(beta, "1.2", "1.3")}},
			"conclusion/index.html", "Zeta"},
		{"the first objective deleted", append(slices.Clone(unlinked), edit{d, "", delta0}), [][]edit{{{alpha, "", ""}, num(beta, "1.2", "1.1"), num(d, "1.3", "1.2")}},
			"conclusion/index.html", "Delta"},
		{"an objective in the middle deleted", append(slices.Clone(unlinked), edit{d, "", delta0}), [][]edit{{{beta, "", ""}, num(d, "1.3", "1.2")}},
			"conclusion/index.html", "Delta"},
		{"added in the middle, then deleted", unlinked, [][]edit{
			{zetaAt("2"), num(beta, "1.2", "1.3")},
			{{z, "", ""}, num(beta, "1.3", "1.2")},
		}, "conclusion/index.html", "Beta"},
		{"an objective added first and another deleted", unlinked, [][]edit{{zetaAt("1"), num(alpha, "1.1", "1.2"), {beta, "", ""}}},
			"conclusion/index.html", "Alpha"},
		{"an objective's file renamed", unlinked, [][]edit{{{alpha, "", ""}, {"content/goal-1/1.1-first.md", "", unlinkedText(alpha)}}},
			"goals/1/index.html", "Alpha"},
		{"two objectives exchanged, their files renamed to match", append(slices.Clone(unlinked), edit{d, "", delta0}), [][]edit{{
			{beta, "", ""}, {d, "", ""},
			{"content/goal-1/1.3-beta.md", "", strings.Replace(unlinkedText(beta), `number: "1.2"`, `number: "1.3"`, 1)},
			{"content/goal-1/1.2-delta.md", "", strings.Replace(delta0, `number: "1.3"`, `number: "1.2"`, 1)},
		}}, "conclusion/index.html", "Delta"},
		{"two objectives exchanged between goals", append(slices.Clone(unlinked), edit{d, "", delta0}), [][]edit{{
			num(d, "1.3", "2.1"), num("content/goal-2/2.1-gamma.md", "2.1", "1.3"),
		}}, "goals/1/index.html", "Gamma"},
		{"the last objective of a goal renumbered to the end of the next", append(slices.Clone(unlinked), edit{d, "", delta0}), [][]edit{{
			num(d, "1.3", "2.2"),
		}}, "goals/2/index.html", "Delta"},
		{"the last objective of a goal moved to the end of the next", append(slices.Clone(unlinked), edit{d, "", delta0}), [][]edit{{
			{d, "", ""}, {"content/goal-2/2.2-delta.md", "", strings.Replace(delta0, `number: "1.3"`, `number: "2.2"`, 1)},
		}}, "goals/2/index.html", "Delta"},
		{"added first, with another edit", unlinked, [][]edit{{
			zetaAt("1"), num(alpha, "1.1", "1.2"), num(beta, "1.2", "1.3"),
			{"content/goal-1/goal.md", `name: "ONE"`, `name: "FIRST"`},
		}}, "objectives/1.3/index.html", "Goal 1: FIRST"},
	}
	runPatchCases(t, base, cases)
}

// TestPatchRefusesRenumbering checks that Patch refuses numbers that are
// not exchanged among the objectives of one goal, or whose exchange leaves
// a reference without its target or pointing to its own item, so that
// Prepare reports what is wrong.
func TestPatchRefusesRenumbering(t *testing.T) {
	base, _ := smallFS(t)
	const alpha, beta, gamma, d, z = "content/goal-1/1.1-alpha.md", "content/goal-1/1.2-beta.md", "content/goal-2/2.1-gamma.md", "content/goal-1/1.3-delta.md", "content/goal-1/1.0-zeta.md"
	num := func(path, from, to string) edit { return edit{path, `number: "` + from + `"`, `number: "` + to + `"`} }
	withDelta := func(text string) []edit { return []edit{{d, "", text}} }
	for _, c := range []struct {
		why   string
		start []edit
		edits []edit
	}{
		// delta0 refers to no objective: only the numbers are wrong.
		{"a number taken from an objective that keeps it", withDelta(delta0), []edit{num(d, "1.3", "1.1")}},
		{"a number left to no objective", withDelta(delta0), []edit{num(beta, "1.2", "1.3"), num(d, "1.3", "1.4")}},
		{"two objectives given the same number", withDelta(delta0), []edit{num(alpha, "1.1", "1.3"), num(beta, "1.2", "1.3"), num(d, "1.3", "1.1")}},
		{"numbers exchanged between goals, an outcome referred to gone", nil, []edit{num(beta, "1.2", "2.1"), num(gamma, "2.1", "1.2")}},
		{"an objective then referring to itself", nil, []edit{num(alpha, "1.1", "1.2"), num(beta, "1.2", "1.1")}},
		{"an outcome referred to gone", withDelta(strings.Replace(delta2, "  - \"Delta is measured.\"\n", "", 1)), []edit{num(beta, "1.2", "1.3"), num(d, "1.3", "1.2")}},
		{"an objective deleted, the next given a number after the gap", unlinked, []edit{{alpha, "", ""}, num(beta, "1.2", "1.3")}},
		{"an objective deleted, the next not renumbered", unlinked, []edit{{alpha, "", ""}}},
		{"an objective deleted, the others not renumbered", append(slices.Clone(unlinked), edit{d, "", delta0}), []edit{{alpha, "", ""}}},
		{"an objective added, with an outcome referred to gone", nil, []edit{{z, "", strings.NewReplacer("1.N", "1.2", "  - \"Zeta is measured.\"\n", "").Replace(zeta)}, num(beta, "1.2", "1.3")}},
		{"an objective deleted, the last number referred to", append(slices.Clone(unlinked), edit{"content/front/foreword.md", "This plan", "See [](ref:activity-1.2.1). This plan"}),
			[]edit{{alpha, "", ""}, num(beta, "1.2", "1.1")}},
		{"two objectives added at the end", unlinked, []edit{{z, "", strings.Replace(zeta, "1.N", "1.3", 1)}, {d, "", strings.Replace(delta0, `number: "1.3"`, `number: "1.4"`, 1)}}},
		{"two objectives deleted", append(slices.Clone(unlinked), edit{d, "", delta0}), []edit{{beta, "", ""}, {d, "", ""}}},
		{"two sections added with the same id", nil, []edit{{"content/back/annex.md", "", annex}, {"content/back/annex-2.md", "", annex}}},
		{"a section's file renamed with another id, others referring to it", nil, []edit{{"content/front/foreword.md", "", ""},
			{"content/front/preface.md", "", strings.Replace(string(base["content/front/foreword.md"].Data), "id: foreword", "id: preface", 1)}}},
	} {
		t.Run(c.why, func(t *testing.T) { refusedAfter(t, base, c.start, c.edits) })
	}
}

// refusedAfter prepares base with the edits start made, then checks that
// Patch refuses the edits as one change.
func refusedAfter(t *testing.T, base fstest.MapFS, start, edits []edit) {
	t.Helper()
	source := maps.Clone(base)
	change(t, source, start)
	prep := previewed(t, source)
	var paths []string
	for _, e := range edits {
		paths = append(paths, e.path)
	}
	source = maps.Clone(source)
	change(t, source, edits)
	if _, ok := prep.Patch(context.Background(), Config{Source: source, LazyData: true, Cache: &Cache{}}, paths); ok {
		t.Errorf("Patch took it")
	}
}

// TestPatchTakesSectionsMoved changes the order and matter of sections,
// alone, with other edits and in a row, and checks that Patch takes each
// and gives the full build's site and links: the navigation, the home and
// print pages in the new order, and the "Referenced from" lists the moved
// section is in, sorted again in reading order.
func TestPatchTakesSectionsMoved(t *testing.T) {
	base, _ := smallFS(t)
	const fw, a = "content/front/foreword.md", "content/back/annex.md"
	order := func(file, from, to string) edit { return edit{file, "order: " + from, "order: " + to} }
	cases := []patchCase{
		{"a front section's order, no move", nil, [][]edit{{order(fw, "10", "11")}}, "index.html", "Foreword"},
		{"a back section moved before another", []edit{{a, "", annex}}, [][]edit{{order(a, "99", "1")}}, "print/index.html", "Annex"},
		{"a section moved to the back", nil, [][]edit{{{fw, "matter: front", "matter: back"}}}, "print/index.html", "Foreword"},
		{"a section moved, referring to a goal others refer to", []edit{{a, "", annex}}, [][]edit{{{a, "matter: back\norder: 99", "matter: front\norder: 1"}}}, "goals/1/index.html", "Annex"},
		{"moved and retitled", []edit{{a, "", annex}}, [][]edit{{{a, "matter: back\norder: 99", "matter: front\norder: 1"}, {a, `title: "Annex"`, `title: "Appendix"`}}}, "goals/1/index.html", "Appendix"},
		{"moved with another edit", []edit{{a, "", annex}}, [][]edit{{order(a, "99", "1"), {"content/goal-1/goal.md", `name: "ONE"`, `name: "FIRST"`}}}, "annex/index.html", "Goal 1: FIRST"},
		{"moved in a row", []edit{{a, "", annex}}, [][]edit{
			{order(a, "99", "1")},
			{{a, "matter: back", "matter: front"}},
			{order(a, "1", "50")},
			{{a, "matter: front", "matter: back"}},
		}, "print/index.html", "Annex"},
	}
	runPatchCases(t, base, cases)
}

// TestPatchTakesImages adds and changes images and the figures that show
// them, alone, with other edits and in a row, and checks that Patch takes
// each and gives the full build's site: the pages that show them and the
// copies of the images.
func TestPatchTakesImages(t *testing.T) {
	base, _ := smallFS(t)
	const alpha, fw = "content/goal-1/1.1-alpha.md", "content/front/foreword.md"
	withImage := edit{alpha, "    credit: \"Example Photo by A. Person\"\n", "    credit: \"Example Photo by A. Person\"\n    image: \"images/alpha.png\"\n    alt: \"Two people at a desk.\"\n"}
	photo := func(name, data string) edit { return edit{name, "", data} }
	cases := []patchCase{
		{"an image added under images/", nil, [][]edit{{photo("images/new.png", "new image")}}, "images/new.png", "new image"},
		{"an image changed", []edit{photo("images/alpha.png", "first")}, [][]edit{{photo("images/alpha.png", "second")}}, "images/alpha.png", "second"},
		{"an image shown by a figure, changed", []edit{photo("images/alpha.png", "first"), withImage}, [][]edit{{photo("images/alpha.png", "second")}}, "images/alpha.png", "second"},
		{"an image outside images/ shown by a figure, changed", []edit{photo("content/goal-1/alpha.jpg", "first"), {alpha, withImage.old, strings.Replace(withImage.new, "images/alpha.png", "content/goal-1/alpha.jpg", 1)}},
			[][]edit{{photo("content/goal-1/alpha.jpg", "second")}}, "content/goal-1/alpha.jpg", "second"},
		{"a figure given an image", []edit{photo("images/alpha.png", "first")}, [][]edit{{withImage}}, "objectives/1.1/index.html", "Two people at a desk."},
		{"an image and the figure that shows it, at once", nil, [][]edit{{photo("images/alpha.png", "first"), withImage}}, "objectives/1.1/index.html", "images/alpha.png"},
		{"a figure's image taken away", []edit{photo("images/alpha.png", "first"), withImage}, [][]edit{{{alpha, withImage.new, withImage.old}}}, "images/alpha.png", "first"},
		{"a figure's image outside images/ taken away", []edit{photo("content/goal-1/alpha.jpg", "first"), {alpha, withImage.old, strings.Replace(withImage.new, "images/alpha.png", "content/goal-1/alpha.jpg", 1)}},
			[][]edit{{{alpha, strings.Replace(withImage.new, "images/alpha.png", "content/goal-1/alpha.jpg", 1), withImage.old}}}, "objectives/1.1/index.html", "Alpha at work."},
		{"an image shown in a body", []edit{photo("images/chart.png", "chart")}, [][]edit{{{fw, "## Background", "![A chart of the goals.](images/chart.png)\n\n## Background"}}}, "foreword/index.html", "A chart of the goals."},
		{"an image that nothing shows, deleted", []edit{photo("images/alpha.png", "first"), photo("images/beta.png", "beta")}, [][]edit{{{"images/alpha.png", "", ""}}}, "images/beta.png", "beta"},
		{"an image no longer shown, deleted", []edit{photo("images/chart.png", "chart"), {fw, "## Background", "![A chart of the goals.](images/chart.png)\n\n## Background"}},
			[][]edit{{{fw, "![A chart of the goals.](images/chart.png)\n\n## Background", "## Background"}}, {{"images/chart.png", "", ""}}}, "foreword/index.html", "Background"},
		{"in a row", nil, [][]edit{
			{photo("images/alpha.png", "first")},
			{withImage},
			{photo("images/alpha.png", "second")},
			{{alpha, `title: "Alpha"`, `title: "Alpha prime"`}, photo("images/beta.png", "beta")},
		}, "images/alpha.png", "second"},
	}
	runPatchCases(t, base, cases)
}

// TestPatchTakesConfiguration edits the configuration, alone, with a
// document and in a row, and checks that Patch takes each edit and gives
// the full build's site: every page's header and metadata, the home page,
// the sitemap, the open data and the search index.
func TestPatchTakesConfiguration(t *testing.T) {
	base, _ := smallFS(t)
	const c = "stratpub.yaml"
	cases := []patchCase{
		{"the title", nil, [][]edit{{{c, `title: "Example Plan 2030"`, `title: "Better Plan 2030"`}}}, "objectives/1.2/index.html", "Better Plan 2030"},
		{"the vision and mission", nil, [][]edit{{
			{c, `vision: "A safer example."`, `vision: "A much safer example."`},
			{c, `mission: "Serve the example public."`, `mission: "Serve the public, by example."`},
		}}, "index.html", "A much safer example."},
		{"the subtitle, organization and dates", nil, [][]edit{{
			{c, `subtitle: "ONE | TWO"`, `subtitle: "ONE | TWO | THREE"`},
			{c, `organization: "Example Agency"`, `organization: "Example Department"`},
			{c, `publication_date: "2025-01-15"`, `publication_date: "2025-02-01"`},
			{c, `publication_date_label: "January 2025"`, `publication_date_label: "February 2025"`},
		}}, "data/strategy.json", "Example Department"},
		{"the base URL", nil, [][]edit{{{c, `base_url: "https://plans.example.org/2030/"`, `base_url: "https://www.example.org/plan"`}}}, "sitemap.xml", "https://www.example.org/plan/objectives/1.2/"},
		{"the base URL removed", nil, [][]edit{{{c, "base_url: \"https://plans.example.org/2030/\"\n", ""}}}, "index.html", "Example Plan 2030"},
		{"the language", nil, [][]edit{{{c, "language: en", "language: en-GB"}}}, "index.html", `lang="en-GB"`},
		{"a priority's description", nil, [][]edit{{{c, `description: "Keep examples safe."`, `description: "Keep every example safe."`}}}, "index.html", "Keep every example safe."},
		{"a priority's title, nothing referring to it", nil, [][]edit{{{c, `title: "Safety"`, `title: "Security"`}}}, "index.html", "Security"},
		{"the heading of the priorities", nil, [][]edit{{{c, `priorities_title: "Enduring priorities"`, `priorities_title: "Lasting priorities"`}}}, "index.html", "Lasting priorities"},
		{"a priority referred to, its description", []edit{{"content/goal-1/1.2-beta.md", "Beta builds", "Beta serves [](ref:priority-safety) and builds"}},
			[][]edit{{{c, `description: "Keep examples safe."`, `description: "Keep every example safe."`}}}, "index.html", "Keep every example safe."},
		{"a priority's id", nil, [][]edit{{{c, "id: safety", "id: security"}}}, "index.html", `id="priority-security"`},
		{"a priority removed", nil, [][]edit{{{c, service, ""}}}, "data/strategy.json", "priority-safety"},
		{"a priority added", nil, [][]edit{{{c, "  - id: service\n", "  - id: speed\n    title: \"Speed\"\n  - id: service\n"}}}, "index.html", "Speed"},
		{"the priorities in another order", nil, [][]edit{{{c, service, ""}, {c, "  - id: safety\n", service + "  - id: safety\n"}}}, "data/strategy.json", "priority-service"},
		{"a priority added, then referred to, then moved and retitled", nil, [][]edit{
			{{c, "  - id: service\n", "  - id: speed\n    title: \"Speed\"\n  - id: service\n"}},
			{{"content/goal-1/1.2-beta.md", "Beta builds", "Beta serves [](ref:priority-speed) and builds"}},
			{{c, `title: "Safety"`, `title: "Security"`}, {c, service, ""}, {c, "  - id: safety\n", service + "  - id: safety\n"}},
		}, "objectives/1.2/index.html", "Speed"},
		{"with a document", nil, [][]edit{{
			{c, `title: "Example Plan 2030"`, `title: "Better Plan 2030"`},
			{"content/goal-1/goal.md", `name: "ONE"`, `name: "FIRST"`},
		}}, "objectives/1.2/index.html", "Goal 1: FIRST"},
		{"in a row", nil, [][]edit{
			{{c, `title: "Example Plan 2030"`, `title: "Better Plan 2030"`}},
			{{"content/goal-1/1.2-beta.md", `title: "Beta"`, `title: "Better beta"`}},
			{{c, `title: "Better Plan 2030"`, `title: "Best Plan 2030"`}},
			{{c, `title: "Safety"`, `title: "Security"`}},
		}, "objectives/1.1/index.html", "Best Plan 2030"},
	}
	runPatchCases(t, base, cases)
}

// TestPatchSavedUnchanged checks that files saved without a change (an
// editor writing the same text, a file touched) give the prepared site
// itself, which the preview then does not reload, and that a change does
// not.
func TestPatchSavedUnchanged(t *testing.T) {
	base, _ := smallFS(t)
	ctx := context.Background()
	prep := previewed(t, base)
	cfg := Config{Source: base, LazyData: true, Cache: &Cache{}}
	for _, paths := range [][]string{
		{"stratpub.yaml"},
		{"content/goal-1/1.2-beta.md"},
		{"stratpub.yaml", "content/goal-1/1.2-beta.md", "content/goal-1/goal.md"},
	} {
		next, ok := prep.Patch(ctx, cfg, paths)
		if !ok || next != prep {
			t.Errorf("%v saved unchanged: Patch gave %p, %v; want the prepared site itself (%p)", paths, next, ok, prep)
		}
	}
	// The control: a change is a new site.
	for _, e := range []edit{
		{"stratpub.yaml", `title: "Example Plan 2030"`, `title: "Better Plan 2030"`},
		{"content/goal-1/1.2-beta.md", "Beta builds", "Beta now builds"},
	} {
		source := maps.Clone(base)
		change(t, source, []edit{e})
		next, ok := prep.Patch(ctx, Config{Source: source, LazyData: true, Cache: &Cache{}}, []string{e.path})
		if !ok || next == prep {
			t.Errorf("%s changed: Patch gave %p, %v; want a new site", e.path, next, ok)
			continue
		}
		sameAsBuild(t, next, source, e.path)
		// Saved again as it now is: the new site itself.
		if again, ok := next.Patch(ctx, Config{Source: source, LazyData: true, Cache: &Cache{}}, []string{e.path}); !ok || again != next {
			t.Errorf("%s saved again unchanged: Patch gave %p, %v; want %p", e.path, again, ok, next)
		}
	}
}

// service is the second priority of the small publication's configuration.
const service = "  - id: service\n    title: \"Service\"\n    description: \"Serve the public well.\"\n"

// TestPatchRefuses checks that Patch leaves to Prepare the edits that
// reach beyond texts, titles and references.
func TestPatchRefuses(t *testing.T) {
	base, _ := smallFS(t)
	ctx := context.Background()
	prep := previewed(t, base)
	const alpha, beta = "content/goal-1/1.1-alpha.md", "content/goal-1/1.2-beta.md"
	for _, c := range []struct {
		why   string
		edits []edit // of one file
	}{
		{"a number", []edit{{"content/goal-2/2.1-gamma.md", `number: "2.1"`, `number: "2.2"`}}},
		{"an activity others refer to removed", []edit{{beta, "  - \"Measure beta.\"\n", ""}}},
		{"a reference to an activity removed in the same edit", []edit{
			{alpha, "  - \"Run alpha, as in [](ref:objective-1.2).\"\n", ""},
			{alpha, "Alpha is the first objective.", "Alpha is the first objective, see [](ref:activity-1.1.2)."},
		}},
		{"an unknown reference", []edit{{beta, "ref:objective-1.1", "ref:objective-9.9"}}},
		{"a title left empty", []edit{{beta, `title: "Beta"`, `title: ""`}}},
		{"an objective added in a gap", []edit{{"content/goal-1/1.4-delta.md", "", strings.Replace(delta, `"1.3"`, `"1.4"`, 1)}}},
		{"an objective added under a goal that is not there", []edit{{"content/goal-3/3.1-delta.md", "", strings.Replace(delta, `"1.3"`, `"3.1"`, 1)}}},
		{"an objective added with a number taken", []edit{{"content/goal-1/1.2-delta.md", "", strings.Replace(delta, `"1.3"`, `"1.2"`, 1)}}},
		{"an objective added with a problem", []edit{{"content/goal-1/1.3-delta.md", "", strings.Replace(delta, "ref:foreword", "ref:forward", 1)}}},
		{"a section added with an id taken", []edit{{"content/back/annex.md", "", strings.Replace(annex, "id: annex", "id: foreword", 1)}}},
		{"a section added with a reserved id", []edit{{"content/back/annex.md", "", strings.Replace(annex, "id: annex", "id: summary", 1)}}},
		{"a section others refer to deleted", []edit{{"content/front/foreword.md", "", ""}}},
		{"an objective others refer to deleted", []edit{{beta, "", ""}}},
		{"an objective deleted that is not the last", []edit{{alpha, "", ""}}},
		{"a goal deleted", []edit{{"content/goal-2/goal.md", "", ""}}},
		{"a file that is not a document", []edit{{"content/goal-1/notes.txt", "", "notes"}}},
		{"raw HTML allowed", []edit{{"stratpub.yaml", "language: en\n", "language: en\nallow_raw_html: true\n"}}},
		{"the configuration with a problem", []edit{{"stratpub.yaml", `title: "Example Plan 2030"`, `title: ""`}}},
		{"the configuration with an unknown key", []edit{{"stratpub.yaml", "language: en", "langauge: en"}}},
		{"the configuration deleted", []edit{{"stratpub.yaml", "", ""}}},
		{"a figure given an image that is not there", []edit{{alpha, "    credit: \"Example Photo by A. Person\"\n", "    credit: \"Example Photo by A. Person\"\n    image: \"images/none.png\"\n    alt: \"Nothing.\"\n"}}},
		{"a file outside images/ that no figure shows", []edit{{"content/goal-1/photo.jpg", "", "a photo"}}},
	} {
		source := maps.Clone(base)
		change(t, source, c.edits)
		if _, ok := prep.Patch(ctx, Config{Source: source, LazyData: true, Cache: &Cache{}}, []string{c.edits[0].path}); ok {
			t.Errorf("Patch took %s", c.why)
		}
	}
	// An image deleted that a figure or a body shows, or that a text
	// names (TestPatchTakesImages has one that nothing shows).
	for _, shown := range []edit{
		{alpha, "    credit: \"Example Photo by A. Person\"\n", "    credit: \"Example Photo by A. Person\"\n    image: \"images/alpha.png\"\n    alt: \"Two people.\"\n"},
		{"content/front/foreword.md", "## Background", "![A chart.](images/alpha.png)\n\n## Background"},
		{beta, "Beta builds", "Beta builds (see images/alpha.png)"},
	} {
		withImage := maps.Clone(base)
		withImage["images/alpha.png"] = &fstest.MapFile{Data: []byte("an image")}
		change(t, withImage, []edit{shown})
		prep := previewed(t, withImage)
		gone := maps.Clone(withImage)
		delete(gone, "images/alpha.png")
		if _, ok := prep.Patch(ctx, Config{Source: gone, LazyData: true, Cache: &Cache{}}, []string{"images/alpha.png"}); ok {
			t.Errorf("Patch took an image deleted that %s names", shown.path)
		}
	}
	// A priority that a document refers to retitled (the empty link that
	// shows its title would change), given another id or removed (the
	// reference would lose its target); one added with a section's ID.
	refers := maps.Clone(base)
	change(t, refers, []edit{{beta, "Beta builds", "Beta serves [](ref:priority-safety) and builds"}})
	prep = previewed(t, refers)
	source := maps.Clone(refers)
	change(t, source, []edit{{"stratpub.yaml", `title: "Safety"`, `title: "Security"`}})
	if _, ok := prep.Patch(ctx, Config{Source: source, LazyData: true, Cache: &Cache{}}, []string{"stratpub.yaml"}); ok {
		t.Errorf("Patch took a priority retitled that a document refers to")
	}
	for _, e := range []edit{
		{"stratpub.yaml", "id: safety", "id: security"},
		{"stratpub.yaml", "  - id: safety\n    title: \"Safety\"\n    description: \"Keep examples safe.\"\n", ""},
	} {
		source := maps.Clone(refers)
		change(t, source, []edit{e})
		if _, ok := prep.Patch(ctx, Config{Source: source, LazyData: true, Cache: &Cache{}}, []string{"stratpub.yaml"}); ok {
			t.Errorf("Patch took a priority that a document refers to removed or given another id (%q)", e.new)
		}
	}
	clash := maps.Clone(base)
	change(t, clash, []edit{{"content/back/annex.md", "", strings.Replace(annex, "id: annex", "id: priority-speed", 1)}})
	prep = previewed(t, clash)
	source = maps.Clone(clash)
	change(t, source, []edit{{"stratpub.yaml", "  - id: service\n", "  - id: speed\n    title: \"Speed\"\n  - id: service\n"}})
	if _, ok := prep.Patch(ctx, Config{Source: source, LazyData: true, Cache: &Cache{}}, []string{"stratpub.yaml"}); ok {
		t.Errorf("Patch took a priority added with the ID of a section")
	}
}

// TestPatchInLongSequences makes long random sequences of the edits Patch
// takes — titles, goal names, references added and removed, activities
// added and removed, paragraphs — each on the result of the ones before,
// as an author's session does, and checks after every one that the
// patched site and links are the full build's. An edit Patch refuses is
// prepared in full, as the preview does.
func TestPatchInLongSequences(t *testing.T) {
	base, docs := smallFS(t)
	ids := []string{"goal-1", "goal-2", "objective-1.1", "objective-1.2", "objective-2.1",
		"outcome-1.2.1", "activity-2.1.1", "foreword", "conclusion", "summary", "goal-3", "objective-3.1"}
	type state struct {
		title  string   // "" keeps the document's
		paras  []string // closing paragraphs
		extras int      // activities put first
	}
	steps := 120
	if testing.Short() {
		steps = 30
	}
	for _, seed := range []uint64{1, 2, 3} {
		rng := rand.New(rand.NewPCG(seed, 0))
		ctx := context.Background()
		source := maps.Clone(base)
		prep := previewed(t, source)
		states := map[string]*state{}
		patched, comings, goals := 0, 0, 0
		// apply patches prep with the edit of path made in source, as the
		// preview does, and checks the result against a full build, or
		// prepares it all again when Patch refuses. took says Patch took
		// it, built that the site is the edited one (Prepare found no
		// problem).
		apply := func(path, edit string) (took, built bool) {
			cfg := Config{Source: source, LazyData: true, Cache: &Cache{}}
			if next, ok := prep.Patch(ctx, cfg, []string{path}); ok {
				patched++
				sameAsBuild(t, next, source, edit)
				prep = next
				return true, true
			}
			next, errs := Prepare(ctx, cfg)
			if len(errs) > 0 {
				return false, false
			}
			prep = next
			return false, true
		}
		// Objective 1.3 comes and goes, after the last of goal 1, and so
		// do a back section, and goal 3 with its objective: its folder
		// whole, or either document.
		three := goalThreeWith(1)
		extra := map[string]string{"content/goal-1/1.3-delta.md": delta, "content/back/annex.md": annex,
			three[0].path: three[0].new, three[1].path: three[1].new}
		docs := append(slices.Clip(docs), "content/goal-1/1.3-delta.md", "content/back/annex.md", three[0].path, three[1].path, "content/goal-3")
		for step := range steps {
			path := docs[rng.IntN(len(docs))]
			if path == "stratpub.yaml" {
				continue
			}
			if path == "content/goal-3" {
				before := source
				source = maps.Clone(source)
				for _, e := range three {
					if before[three[0].path] == nil && before[three[1].path] == nil {
						source[e.path] = &fstest.MapFile{Data: []byte(e.new)}
					} else {
						delete(source, e.path)
					}
					delete(states, e.path)
				}
				took, built := apply(path, fmt.Sprintf("goal 3's folder added or deleted, step %d of seed %d", step, seed))
				if took {
					comings++
					goals++
				} else if !built {
					source = before
				}
				continue
			}
			if text, ok := extra[path]; ok && rng.IntN(2) == 0 {
				d := path
				before := source
				source = maps.Clone(source)
				if source[d] == nil {
					source[d] = &fstest.MapFile{Data: []byte(text)}
				} else {
					delete(source, d)
				}
				delete(states, d)
				took, built := apply(d, fmt.Sprintf("%s added or deleted, step %d of seed %d", d, step, seed))
				if took {
					comings++
				} else if !built {
					source = before // the author puts it back
				}
				continue
			}
			if source[path] == nil {
				continue // objective 1.3 or the annex, while it is not there
			}
			st := states[path]
			if st == nil {
				st = &state{}
				states[path] = st
			}
			orig, ok := extra[path]
			if !ok {
				orig = string(base[path].Data)
			}
			was, before := *st, source
			st.paras = slices.Clone(st.paras)
			switch k := rng.IntN(6); {
			case k == 0:
				st.title = fmt.Sprintf("T%d", step)
			case k == 1 || k == 2:
				st.paras = append(st.paras, fmt.Sprintf("Step %d, see [](ref:%s).", step, ids[rng.IntN(len(ids))]))
			case k == 3 && len(st.paras) > 0:
				st.paras = slices.Delete(st.paras, 0, 1)
			case k == 4 && strings.Contains(orig, "\nactivities:\n"):
				st.extras++
			case k == 5 && st.extras > 0:
				st.extras--
			default:
				st.paras = append(st.paras, fmt.Sprintf("Plain step %d.", step))
			}
			text := orig
			if st.title != "" {
				for _, key := range []string{"title", "name"} {
					if i := strings.Index(text, "\n"+key+": \""); i >= 0 {
						end := i + 1 + strings.IndexByte(text[i+1:], '\n')
						text = text[:i] + "\n" + key + ": \"" + st.title + "\"" + text[end:]
						break
					}
				}
			}
			for i := range st.extras {
				text = strings.Replace(text, "\nactivities:\n", fmt.Sprintf("\nactivities:\n  - \"Extra %d.\"\n", i), 1)
			}
			for _, p := range st.paras {
				text += "\n" + p + "\n"
			}
			source = maps.Clone(source)
			source[path] = &fstest.MapFile{Data: []byte(text)}
			if _, built := apply(path, fmt.Sprintf("%s, step %d of seed %d", path, step, seed)); !built {
				// An edit with a problem (a link from an item to itself):
				// the author undoes it.
				*st, source = was, before
			}
		}
		if patched < steps/2 {
			t.Errorf("seed %d: Patch took %d edits of %d", seed, patched, steps)
		}
		t.Logf("seed %d: %d edits taken of %d; %d documents added or deleted, %d of them goal 3's folder", seed, patched, steps, comings, goals)
		if goals == 0 && !testing.Short() {
			t.Errorf("seed %d: Patch never took goal 3's folder added or deleted", seed)
		}
		if comings < steps/30 {
			t.Errorf("seed %d: Patch took a document added or deleted %d times in %d steps", seed, comings, steps)
		}
	}
}

// TestProblemsAreTheFullBuilds breaks documents in ways Patch refuses and
// checks that Problems, from the changed files alone, finds exactly what
// Prepare finds on the whole publication; and, where Prepare finds more
// (problems between documents), nothing Prepare does not.
func TestProblemsAreTheFullBuilds(t *testing.T) {
	base, _ := smallFS(t)
	ctx := context.Background()
	prep := previewed(t, base)
	const alpha, beta, fw = "content/goal-1/1.1-alpha.md", "content/goal-1/1.2-beta.md", "content/front/foreword.md"
	for _, c := range []struct {
		why   string
		edits []edit
		all   bool // Problems finds all Prepare finds
	}{
		{"an unknown reference", []edit{{beta, "Beta builds", "Beta, see [](ref:objective-9.9), builds"}}, true},
		{"a reference to itself", []edit{{beta, "Beta builds", "Beta, see [](ref:objective-1.2), builds"}}, true},
		{"an unknown key", []edit{{beta, "\ntitle:", "\ntitel: \"T\"\ntitle:"}}, true},
		{"a title missing", []edit{{beta, "title: \"Beta\"\n", ""}}, true},
		{"invalid front matter", []edit{{beta, `title: "Beta"`, `title: "Beta`}}, true},
		{"an image not found", []edit{{alpha, "    credit: \"Example Photo by A. Person\"\n", "    credit: \"Example Photo by A. Person\"\n    image: \"images/none.png\"\n    alt: \"None.\"\n"}}, true},
		{"a problem in a section and in an objective", []edit{
			{fw, "This plan", "This [plan](ref:nothing) plan"},
			{beta, "Beta builds", "Beta, see [](ref:objective-9.9), builds"},
		}, true},
		{"a reference to an objective added in the same save", []edit{
			{"content/goal-1/1.3-delta.md", "", strings.Replace(delta, "Make delta happen", "Make [delta](ref:nothing-at-all) happen", 1)},
			{beta, "Beta builds", "Beta, see [](ref:objective-1.3), builds"},
		}, true},
		{"invalid front matter and an unknown reference", []edit{
			{beta, `title: "Beta"`, `title: "Beta`},
			{fw, "This plan", "This [plan](ref:nothing) plan"},
		}, false},
		{"an ID defined twice", []edit{{beta, `number: "1.2"`, `number: "1.1"`}}, false},
		{"an activity others refer to removed", []edit{{beta, "  - \"Measure beta.\"\n", ""}}, false},
		{"the configuration with an unknown key", []edit{{"stratpub.yaml", "language: en", "langauge: en"}}, false},
	} {
		source := maps.Clone(base)
		var paths []string
		for _, e := range c.edits {
			change(t, source, []edit{e})
			paths = append(paths, e.path)
		}
		cfg := Config{Source: source, LazyData: true, Cache: &Cache{}}
		if _, ok := prep.Patch(ctx, cfg, paths); ok {
			t.Fatalf("%s: Patch took it", c.why)
		}
		quick := prep.Problems(cfg, paths)
		_, full := Prepare(ctx, Config{Source: source})
		if len(full) == 0 {
			t.Fatalf("%s: the full build took it", c.why)
		}
		fullSet := map[string]bool{}
		for _, e := range full {
			fullSet[e.Error()] = true
		}
		for _, e := range quick {
			if !fullSet[e.Error()] {
				t.Errorf("%s: Problems finds %q, which the full build does not", c.why, e.Error())
			}
		}
		if c.all && len(quick) != len(full) {
			t.Errorf("%s: Problems finds %d problems, the full build %d:\n%v\n%v", c.why, len(quick), len(full), quick.Err(), full.Err())
		}
	}
}

// TestPatchTakesRenumberingAtScale renumbers objectives in three copies
// of the CBP publication, whose objectives refer to the same objective of
// the next copy and to its first activity, in a row of saves: each pair of
// neighbours of copy 2 exchanged, three objectives rotated, two of two
// goals exchanged, objectives added before others and deleted again, those
// after them renumbered, and objectives' files renamed, alone and with an
// exchange. Each
// exchange that Patch takes must give the full build's site and links;
// one it refuses must be one the full build refuses too: one that
// leaves a reference to an outcome or activity without its target or one
// pointing to its own item: the full build refuses those too.
func TestPatchTakesRenumberingAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three copies of the CBP publication many times")
	}
	repo, err := os.OpenRoot(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	dir := t.TempDir()
	if _, err := scale.Dir(context.Background(), repo.FS(), 3, dir); err != nil {
		t.Fatal(err)
	}
	source := fstest.MapFS{}
	err = fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(filepath.Join(dir, p))
		source[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// files maps each objective's number to its file, in source as it is.
	numberRE := regexp.MustCompile(`(?m)^number: "(\d+\.\d+)"`)
	files := func(source fstest.MapFS) map[string]string {
		m := map[string]string{}
		for p, f := range source {
			if n := numberRE.FindSubmatch(f.Data); n != nil {
				m[string(n[1])] = p
			}
		}
		return m
	}
	ctx := context.Background()
	prep := previewed(t, source)
	// Each save gives the objectives numbered from[i] the numbers to[i],
	// and may add a document (a new objective numbered add) or delete the
	// objective numbered del.
	type save struct {
		from, to []string
		add, del string
		rename   string // the number of an objective whose file is renamed
	}
	var saves []save
	for _, g := range []string{"4", "5", "6"} {
		for i := 1; ; i++ {
			a, b := fmt.Sprintf("%s.%d", g, i), fmt.Sprintf("%s.%d", g, i+1)
			if files(source)[b] == "" {
				break
			}
			saves = append(saves, save{from: []string{a, b}, to: []string{b, a}})
		}
	}
	saves = append(saves,
		save{from: []string{"5.1", "5.2", "5.3"}, to: []string{"5.2", "5.3", "5.1"}},
		save{from: []string{"5.1", "5.2", "5.3"}, to: []string{"5.2", "5.3", "5.4"}, add: "5.1"},
		save{from: []string{"5.2", "5.3", "5.4"}, to: []string{"5.1", "5.2", "5.3"}, del: "5.1"},
		save{from: []string{"6.2", "6.3"}, to: []string{"6.3", "6.4"}, add: "6.2"},
		save{from: []string{"6.3", "6.4"}, to: []string{"6.2", "6.3"}, del: "6.2"},
		save{from: []string{"4.1", "5.1"}, to: []string{"5.1", "4.1"}},
		save{rename: "4.2"},
		save{from: []string{"4.1", "4.2"}, to: []string{"4.2", "4.1"}, rename: "4.1"})
	const added = "content/p0002/goal-3/0-inserted.md"
	taken := 0
	for _, sv := range saves {
		next := maps.Clone(source)
		now := files(source)
		var paths []string
		for i, num := range sv.from {
			p := now[num]
			paths = append(paths, p)
			text := strings.Replace(string(source[p].Data), `number: "`+num+`"`, `number: "`+sv.to[i]+`"`, 1)
			// The goal a document names follows its number.
			from, _, _ := strings.Cut(num, ".")
			to, _, _ := strings.Cut(sv.to[i], ".")
			text = strings.Replace(text, "\ngoal: "+from+"\n", "\ngoal: "+to+"\n", 1)
			next[p] = &fstest.MapFile{Data: []byte(text)}
		}
		what := fmt.Sprintf("%v → %v", sv.from, sv.to)
		if sv.add != "" {
			p := strings.Replace(added, "goal-3", "goal-"+sv.add[:1], 1)
			next[p] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntype: objective\nnumber: %q\ntitle: \"Inserted\"\nstatement: \"Inserted before the others.\"\noutcomes:\n  - \"It is in.\"\nactivities:\n  - \"Put it in.\"\n---\nIt comes first; see [](ref:goal-1).\n", sv.add))}
			paths = append(paths, p)
			what += ", " + sv.add + " added"
		}
		if sv.del != "" {
			p := now[sv.del]
			delete(next, p)
			paths = append(paths, p)
			what += ", " + sv.del + " deleted"
		}
		if sv.rename != "" {
			p := now[sv.rename]
			q := strings.TrimSuffix(p, ".md") + "-renamed.md"
			next[q] = next[p]
			delete(next, p)
			paths = append(paths, p, q)
			what += ", the file of " + sv.rename + " renamed"
		}
		patched, ok := prep.Patch(ctx, Config{Source: next, LazyData: true, Cache: &Cache{}}, paths)
		if !ok {
			// Prepare reports why.
			_, errs := Prepare(ctx, Config{Source: next})
			if len(errs) == 0 {
				t.Errorf("Patch refused %s, which the full build takes", what)
			} else {
				t.Logf("Patch refused %s, as the full build: %v", what, errs[0])
			}
			continue
		}
		sameAsBuild(t, patched, next, what)
		taken++
		// The next save starts from this one, as in the preview.
		source, prep = next, patched
	}
	if taken < len(saves)*2/3 {
		t.Errorf("Patch took %d of %d saves", taken, len(saves))
	}
	t.Logf("Patch took %d of %d saves", taken, len(saves))
}

// TestPatchRenumbersAtRandom makes random sequences of the renumberings
// Patch takes, each on the result of the ones before, on goal 1 of the
// small publication with five objectives that refer to none of its
// objectives by number (so that any order is a valid plan), nor to goal 2
// (whose first objective then names the last of goal 1 only as its
// neighbour): objectives
// exchanged or rotated, one added with any number and those after it
// renumbered, one deleted and those after it renumbered, a file renamed,
// with or without a title changed in the same save. Every save must be
// taken, and give the full build's site and links.
func TestPatchRenumbersAtRandom(t *testing.T) {
	base, _ := smallFS(t)
	source := maps.Clone(base)
	change(t, source, unlinked)
	const dir = "content/goal-1/"
	source[dir+"1.3-delta.md"] = &fstest.MapFile{Data: []byte(delta0)}
	source[dir+"1.4-zeta.md"] = &fstest.MapFile{Data: []byte(strings.Replace(zeta, "1.N", "1.4", 1))}
	source[dir+"1.5-eta.md"] = &fstest.MapFile{Data: []byte(strings.NewReplacer("1.N", "1.5", "Zeta", "Eta", "zeta", "eta").Replace(zeta))}
	// No objective of goal 1 refers to goal 2, whose first objective's
	// pager then shows the last of goal 1 only as its neighbour.
	for p, f := range source {
		if strings.HasPrefix(p, dir) {
			source[p] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(f.Data), "(ref:goal-2)", "(ref:conclusion)"))}
		}
	}
	numberRE := regexp.MustCompile(`(?m)^number: "1\.(\d+)"`)
	steps := 60
	if testing.Short() {
		steps = 20
	}
	for _, seed := range []uint64{1, 2} {
		rng := rand.New(rand.NewPCG(seed, 7))
		ctx := context.Background()
		source := maps.Clone(source)
		prep := previewed(t, source)
		made := 0 // files added, for their names
		for step := range steps {
			// The objectives of goal 1, in order of number.
			var files []string
			for p, f := range source {
				if m := numberRE.FindSubmatch(f.Data); m != nil && strings.HasPrefix(p, dir) {
					n, _ := strconv.Atoi(string(m[1]))
					for len(files) < n {
						files = append(files, "")
					}
					files[n-1] = p
				}
			}
			next := maps.Clone(source)
			var paths []string
			renumber := func(p string, to int) {
				f := next[p].Data
				next[p] = &fstest.MapFile{Data: numberRE.ReplaceAll(f, []byte(`number: "1.`+strconv.Itoa(to)+`"`))}
				paths = append(paths, p)
			}
			var what string
			switch op := rng.IntN(5); {
			case op == 0 || op == 1: // exchanged or rotated
				k := 2 + rng.IntN(len(files)-1)
				at := rng.Perm(len(files))[:k]
				for i, from := range at {
					renumber(files[from], at[(i+1)%k]+1)
				}
				what = fmt.Sprintf("objectives %v rotated", at)
			case op == 2 && len(files) < 8: // one added with number i
				i := 1 + rng.IntN(len(files)+1)
				for n := i; n <= len(files); n++ {
					renumber(files[n-1], n+1)
				}
				made++
				p := fmt.Sprintf("%s0-new-%d.md", dir, made)
				next[p] = &fstest.MapFile{Data: []byte(strings.NewReplacer("1.N", "1."+strconv.Itoa(i), "Zeta", fmt.Sprintf("New %d", made), "(ref:goal-2)", "(ref:conclusion)").Replace(zeta))}
				paths = append(paths, p)
				what = fmt.Sprintf("an objective added as 1.%d", i)
			case op == 3 && len(files) > 3: // objective i deleted
				i := 1 + rng.IntN(len(files))
				delete(next, files[i-1])
				paths = append(paths, files[i-1])
				for n := i + 1; n <= len(files); n++ {
					renumber(files[n-1], n-1)
				}
				what = fmt.Sprintf("objective 1.%d deleted", i)
			default: // a file renamed
				p := files[rng.IntN(len(files))]
				made++
				q := fmt.Sprintf("%s0-renamed-%d.md", dir, made)
				next[q] = next[p]
				delete(next, p)
				paths = append(paths, p, q)
				what = "a file renamed"
			}
			if rng.IntN(3) == 0 { // and a title in the same save
				p := files[rng.IntN(len(files))]
				if f := next[p]; f != nil {
					next[p] = &fstest.MapFile{Data: []byte(strings.Replace(string(f.Data), `title: "`, fmt.Sprintf(`title: "Step %d `, step), 1))}
					paths = append(paths, p)
					what += ", a title changed"
				}
			}
			what = fmt.Sprintf("%s (step %d of seed %d)", what, step, seed)
			patched, ok := prep.Patch(ctx, Config{Source: next, LazyData: true, Cache: &Cache{}}, paths)
			if !ok {
				_, errs := Prepare(ctx, Config{Source: next})
				t.Fatalf("Patch refused %s: %v", what, errs.Err())
			}
			sameAsBuild(t, patched, next, what)
			source, prep = next, patched
		}
	}
}

// goalThree is a goal after the last of the small publication.
const goalThree = `---
type: goal
number: 3
name: "THREE"
statement: "Do the third thing."
---
The third goal, after [](ref:goal-2).
`

// objectiveThree returns objective 3.n of goalThree, which refers to
// text, a Markdown text.
func objectiveThree(n int, text string) string {
	return fmt.Sprintf(`---
type: objective
number: "3.%d"
title: "Theta %d"
statement: "Make theta %d happen."
outcomes:
  - "Theta %d happens."
activities:
  - "Do theta %d."
---
%s
`, n, n, n, n, n, text)
}

// goalThreeWith returns the edits that add goalThree with objectives 3.1
// to 3.n, each referring to the one before (the first to its goal).
func goalThreeWith(n int) []edit {
	edits := []edit{{"content/goal-3/goal.md", "", goalThree}}
	for i := 1; i <= n; i++ {
		ref := fmt.Sprintf("Theta %d follows [](ref:objective-3.%d).", i, i-1)
		if i == 1 {
			ref = "Theta 1 serves [](ref:goal-3) and [](ref:activity-1.1.1)."
		}
		edits = append(edits, edit{fmt.Sprintf("content/goal-3/3.%d-theta.md", i), "", objectiveThree(i, ref)})
	}
	return edits
}

// folder returns edits that write the files of base under the folder
// prefix as they are.
func folder(base fstest.MapFS, prefix string) []edit {
	var out []edit
	for _, path := range slices.Sorted(maps.Keys(base)) {
		if strings.HasPrefix(path, prefix) {
			out = append(out, edit{path, "", string(base[path].Data)})
		}
	}
	return out
}

// deleted returns edits that delete the files added by edits.
func deleted(edits []edit) []edit {
	var out []edit
	for _, e := range edits {
		out = append(out, edit{e.path, "", ""})
	}
	return out
}

// unreferred returns edits that write the files of edits, goalThree and
// its objectives, without their references to the goal or to the goal
// before it, so that it can go without leaving a reference behind.
func unreferred(edits []edit) []edit {
	out := slices.Clone(edits)
	for i := range out {
		out[i].new = strings.NewReplacer("[](ref:goal-3)", "goal three", "[](ref:goal-2)", "goal two").Replace(out[i].new)
	}
	return out
}

// renumbered returns edits that write the files of edits, a goal numbered
// from and its objectives (under content/goal-3/), as goal to's, in its
// folder content/goal-to/.
func renumbered(edits []edit, from, to string) []edit {
	out := slices.Clone(edits)
	for i := range out {
		out[i].path = strings.Replace(out[i].path, "goal-3", "goal-"+to, 1)
		out[i].new = strings.NewReplacer("number: "+from, "number: "+to, `number: "`+from+".", `number: "`+to+".").Replace(out[i].new)
	}
	return out
}

// moved returns edits that write the files of edits under another folder
// name, from for to.
func moved(edits []edit, from, to string) []edit {
	var out []edit
	for _, e := range edits {
		out = append(out, edit{strings.Replace(e.path, "/"+from+"/", "/"+to+"/", 1), "", e.new})
	}
	return out
}

// TestPatchTakesGoals adds a goal after the last, with its objectives,
// and deletes the last goal with its objectives, alone, with other
// edits and in a row, and checks that Patch takes each and gives the full
// build's site and links: the goal's page, the home and summary pages,
// the pager of the objective before it, the "Referenced from" lists its
// objectives are in, and the indexes.
func TestPatchTakesGoals(t *testing.T) {
	base, _ := smallFS(t)
	one, eleven := goalThreeWith(1), goalThreeWith(11)
	cases := []patchCase{
		{"a goal added with an objective", nil, [][]edit{one}, "objectives/2.1/index.html", `<span class="num">3.1</span> Theta 1`},
		{"a goal added alone", nil, [][]edit{one[:1]}, "goals/3/index.html", "Goal 3: THREE"},
		{"a goal added, then its objective", nil, [][]edit{one[:1], one[1:]}, "goals/3/index.html", "Theta 1"},
		{"a goal added with eleven objectives", nil, [][]edit{eleven}, "objectives/3.10/index.html", "Objective 3.11: Theta 11"},
		{"a goal added, referred to in the same save", nil, [][]edit{append(slices.Clone(one),
			edit{"content/front/foreword.md", "This plan sets out two goals.", "This plan sets out three goals, the last [](ref:objective-3.1)."})},
			"objectives/3.1/index.html", "Foreword"},
		{"a goal added, then deleted", nil, [][]edit{eleven, deleted(eleven)}, "objectives/2.1/index.html", "Gamma"},
		{"the last goal deleted", eleven, [][]edit{deleted(eleven)}, "summary/index.html", "Gamma"},
		{"the last goal deleted, the reference to it removed in the same save", append(slices.Clone(one), edit{"content/front/foreword.md", "two goals", "[](ref:activity-3.1.1)"}),
			[][]edit{append(deleted(one), edit{"content/front/foreword.md", "[](ref:activity-3.1.1)", "two goals"})}, "foreword/index.html", "two goals"},
		{"two goals added, one referring to the other", nil, [][]edit{append(slices.Clone(one),
			renumbered([]edit{one[0], {one[1].path, "", strings.Replace(one[1].new, "[](ref:goal-3)", "[](ref:objective-3.1)", 1)}}, "3", "4")...)},
			"objectives/3.1/index.html", "Objective 4.1"},
		{"the last two goals deleted", append(slices.Clone(one), renumbered(one, "3", "4")...),
			[][]edit{append(deleted(one), deleted(renumbered(one, "3", "4"))...)}, "objectives/2.1/index.html", "Gamma"},
		{"the last goal deleted, with another edit", one, [][]edit{append(deleted(one),
			edit{"content/goal-2/2.1-gamma.md", `title: "Gamma"`, `title: "Gamma last"`})}, "objectives/1.2/index.html", "Gamma last"},
		{"the last goal deleted, an objective of the goal before it added", one, [][]edit{append(deleted(one),
			edit{"content/goal-2/2.2-delta.md", "", strings.Replace(delta, `number: "1.3"`, `number: "2.2"`, 1)})}, "objectives/2.1/index.html", "Delta"},
		{"the only objective of a goal deleted, then added back", one, [][]edit{deleted(one[1:]), one[1:]}, "goals/3/index.html", "Theta 1"},
		{"a goal's folder renamed, its only objective with it", one, [][]edit{append(deleted(one), moved(one, "goal-3", "goal-three")...)},
			"objectives/3.1/index.html", "Theta 1"},
		{"a goal's folder renamed", eleven, [][]edit{append(deleted(eleven), moved(eleven, "goal-3", "goal-three")...)},
			"goals/3/index.html", "Theta 11"},
		{"a goal's folder renamed, and back", eleven, [][]edit{
			append(deleted(eleven), moved(eleven, "goal-3", "goal-three")...),
			append(deleted(moved(eleven, "goal-3", "goal-three")), eleven...),
		}, "goals/3/index.html", "Theta 11"},
		{"a goal's document renamed and retitled", nil, [][]edit{{
			{"content/goal-1/goal.md", "", ""},
			{"content/goal-1/index.md", "", strings.Replace(string(base["content/goal-1/goal.md"].Data), `name: "ONE"`, `name: "FIRST"`, 1)},
		}}, "foreword/index.html", "Goal 1: FIRST"},
		{"the first goal's folder renamed", nil, [][]edit{append(deleted(folder(base, "content/goal-1/")), moved(folder(base, "content/goal-1/"), "goal-1", "goal-one")...)},
			"objectives/1.2/index.html", "Beta"},
		{"the last objective of a goal moved to a goal added", nil, [][]edit{{
			{"content/goal-3/goal.md", "", strings.Replace(goalThree, "after [](ref:goal-2)", "after goal 2", 1)},
			{"content/goal-1/1.3-delta.md", "", strings.Replace(delta, "comes before [](ref:goal-2)", "comes before goal 2", 1)},
		}, {
			{"content/goal-1/1.3-delta.md", "", ""},
			{"content/goal-3/3.1-delta.md", "", strings.NewReplacer(`number: "1.3"`, `number: "3.1"`, "comes before [](ref:goal-2)", "comes before goal 2").Replace(delta)},
		}}, "goals/3/index.html", "Delta"},
	}
	runPatchCases(t, base, cases)
}

// TestPatchTakesGoalFolders gives Patch the paths a watcher reports for a
// goal's folder created whole (the folder and its files) and deleted (the
// folder alone), and for a folder whose name is ignored, and checks that
// it takes each and gives the full build's site; then the folder renamed
// (the old name and the new).
func TestPatchTakesGoalFolders(t *testing.T) {
	base, _ := smallFS(t)
	ctx := context.Background()
	prep := previewed(t, base)
	source := maps.Clone(base)
	change(t, source, goalThreeWith(2))
	renamed := maps.Clone(source)
	change(t, renamed, append(deleted(goalThreeWith(2)), moved(goalThreeWith(2), "goal-3", "goal-three")...))
	// The folder made under a hidden name first, then renamed.
	hidden := maps.Clone(base)
	for _, e := range goalThreeWith(2) {
		hidden[strings.Replace(e.path, "goal-3", ".goal-3.tmp", 1)] = &fstest.MapFile{Data: []byte(e.new)}
	}
	steps := []struct {
		source fstest.MapFS
		paths  []string
	}{
		{source, []string{"content/goal-3", "content/goal-3/3.1-theta.md", "content/goal-3/3.2-theta.md", "content/goal-3/goal.md"}},
		{base, []string{"content/goal-3"}},
		{hidden, []string{"content/.goal-3.tmp", "content/.goal-3.tmp/goal.md"}},
		{source, []string{"content/.goal-3.tmp", "content/goal-3"}}, // the files not named
		{renamed, []string{"content/goal-3", "content/goal-three"}},
	}
	for _, s := range steps {
		next, ok := prep.Patch(ctx, Config{Source: s.source, LazyData: true, Cache: &Cache{}}, s.paths)
		if !ok {
			t.Fatalf("Patch refused %v", s.paths)
		}
		sameAsBuild(t, next, s.source, strings.Join(s.paths, ", "))
		prep = next
	}
}

// TestPatchRefusesGoals checks that Patch refuses goals added or deleted
// otherwise than one after the last, with objectives numbered 1 to n, or
// the last with all its objectives, which nothing else refers to, so that
// Prepare reports what is wrong or resolves the goals again.
func TestPatchRefusesGoals(t *testing.T) {
	base, _ := smallFS(t)
	one, two := goalThreeWith(1), goalThreeWith(2)
	for _, c := range []struct {
		why   string
		start []edit
		edits []edit
	}{
		{"a goal added with a gap", nil, renumbered(one, "3", "4")},
		{"a goal added with a number taken", nil, renumbered(one, "3", "2")},
		{"two goals added with a gap", nil, append(slices.Clone(one), renumbered(one, "3", "5")...)},
		{"a goal added and the last deleted", one, append(deleted(one), renumbered(one, "3", "4")...)},
		{"two goals deleted, not the last two", append(slices.Clone(one), renumbered(one, "3", "4")...),
			append(deleted(renumbered(one, "3", "4")), edit{"content/goal-2/goal.md", "", ""}, edit{"content/goal-2/2.1-gamma.md", "", ""})},
		{"a goal deleted before the last, nothing referring to it", append(unreferred(one), renumbered(unreferred(one), "3", "4")...), deleted(one)},
		{"a goal added, its objectives with a gap", nil, []edit{two[0], two[2]}},
		{"a goal added, an objective numbered under no goal", nil, append(slices.Clone(one), renumbered(one[1:], "3", "4")...)},
		{"a goal added that refers to nothing", nil, []edit{{"content/goal-3/goal.md", "", strings.Replace(goalThree, "ref:goal-2", "ref:goal-9", 1)}}},
		{"the last goal deleted, its objective kept", two, deleted(two[:2])},
		{"the last goal deleted, an objective of it kept", two, deleted(two[:1])},
		{"the last goal deleted, that another document refers to", append(slices.Clone(one), edit{"content/front/foreword.md", "two goals", "[](ref:objective-3.1)"}), deleted(one)},
		{"the last goal deleted, an activity of it referred to", append(slices.Clone(one), edit{"content/front/foreword.md", "two goals", "[](ref:activity-3.1.1)"}), deleted(one)},
		{"a goal deleted that is not the last", one, []edit{{"content/goal-2/goal.md", "", ""}, {"content/goal-2/2.1-gamma.md", "", ""}}},
		{"a goal added and a section with its ID", nil, append(slices.Clone(one), edit{"content/back/annex.md", "", strings.Replace(annex, "id: annex", "id: goal-3", 1)})},
		{"a goal's document renamed, with another number", one, []edit{{"content/goal-3/goal.md", "", ""}, {"content/goal-3/intro.md", "", strings.Replace(goalThree, "number: 3", "number: 4", 1)}}},
	} {
		t.Run(c.why, func(t *testing.T) { refusedAfter(t, base, c.start, c.edits) })
	}
}
