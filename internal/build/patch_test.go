package build

import (
	"context"
	"maps"
	"strings"
	"testing"
	"testing/fstest"
)

// TestPatchTakesTitles changes titles (an objective's, a goal's name, a
// section's) and checks that Patch takes each edit, alone or with others,
// once or in a row, and gives the site the full build gives: the empty
// links that show the title, the "Referenced from" lists, the previous
// and next links, the navigation and the indexes.
func TestPatchTakesTitles(t *testing.T) {
	base, _ := smallFS(t)
	cases := []struct {
		name  string
		start []edit   // made before preparing
		edits [][]edit // one Patch per step
		show  string   // a page of the last step, which must hold want
		want  string
	}{
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
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			source := maps.Clone(base)
			change(t, source, c.start)
			prep, errs := Prepare(ctx, Config{Source: source, LazyData: true, Cache: &Cache{}})
			if len(errs) > 0 {
				t.Fatal(errs.Err())
			}
			for _, step := range c.edits {
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
			page, ok, err := prep.Renderer.File(c.show)
			if err != nil || !ok {
				t.Fatal(c.show, ok, err)
			}
			if !strings.Contains(string(page), c.want) {
				t.Errorf("%s does not show %q", c.show, c.want)
			}
		})
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
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			source := maps.Clone(base)
			prep, errs := Prepare(ctx, Config{Source: source, LazyData: true, Cache: &Cache{}})
			if len(errs) > 0 {
				t.Fatal(errs.Err())
			}
			for _, step := range c.edits {
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
			page, ok, err := prep.Renderer.File(c.show)
			if err != nil || !ok {
				t.Fatal(c.show, ok, err)
			}
			if !strings.Contains(string(page), c.want) {
				t.Errorf("%s does not show %q", c.show, c.want)
			}
		})
	}
}

type edit struct{ path, old, new string }

// change makes the edits in source.
func change(t *testing.T, source fstest.MapFS, edits []edit) {
	t.Helper()
	for _, e := range edits {
		src := string(source[e.path].Data)
		if !strings.Contains(src, e.old) {
			t.Fatalf("%s has no %q", e.path, e.old)
		}
		source[e.path] = &fstest.MapFile{Data: []byte(strings.Replace(src, e.old, e.new, 1))}
	}
}

// TestPatchRefuses checks that Patch leaves to Prepare the edits that
// reach beyond texts, titles and references.
func TestPatchRefuses(t *testing.T) {
	base, _ := smallFS(t)
	ctx := context.Background()
	prep, errs := Prepare(ctx, Config{Source: base, LazyData: true, Cache: &Cache{}})
	if len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	for _, e := range []struct{ why, path, old, new string }{
		{"a number", "content/goal-2/2.1-gamma.md", `number: "2.1"`, `number: "2.2"`},
		{"an outcome added", "content/goal-1/1.2-beta.md", `  - "Beta is measured."`, "  - \"Beta is measured.\"\n  - \"More.\""},
		{"a section's order", "content/front/foreword.md", "order: 10", "order: 11"},
		{"an unknown reference", "content/goal-1/1.2-beta.md", "ref:objective-1.1", "ref:objective-9.9"},
		{"a title left empty", "content/goal-1/1.2-beta.md", `title: "Beta"`, `title: ""`},
	} {
		source := maps.Clone(base)
		change(t, source, []edit{{e.path, e.old, e.new}})
		if _, ok := prep.Patch(ctx, Config{Source: source, LazyData: true, Cache: &Cache{}}, []string{e.path}); ok {
			t.Errorf("Patch took %s", e.why)
		}
	}
}
