package resolve

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stratpub/stratpub/internal/load"
)

// TestCollidingDocuments resolves the small fixture with documents added
// that take the ID of another one, and checks every problem reported: the
// document read later loses its ID, and nothing else it defines is
// reported again (its outcomes and activities are not defined at all).
// Documents are read on their own, in parallel, and what they define is
// registered in their order afterwards (readDoc, replay): the results are
// those of reading them one after the other, which are pinned here.
func TestCollidingDocuments(t *testing.T) {
	base := fstest.MapFS{}
	small := os.DirFS(filepath.Join("..", "..", "testdata", "small"))
	err := fs.WalkDir(small, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(small, p)
		base[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	objective := func(number string) string {
		return "---\ntype: objective\nnumber: \"" + number + "\"\ntitle: \"Copy\"\nstatement: \"s\"\noutcomes:\n  - \"x\"\n  - \"y\"\nactivities:\n  - \"z\"\n---\nBody with [](ref:goal-1).\n"
	}
	for _, c := range []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"an objective's number taken, by a later document",
			map[string]string{"content/goal-1/1.9-copy.md": objective("1.1")},
			[]string{`content/goal-1/1.9-copy.md:3:9: duplicate ID "objective-1.1": already defined at content/goal-1/1.1-alpha.md:3:9`}},
		{"an objective's number taken, by an earlier document",
			map[string]string{"content/goal-1/1.0-copy.md": objective("1.2")},
			[]string{
				`content/front/foreword.md:9:1: unknown reference "ref:activity-1.2.2"`, // 1.2 has one activity now
				`content/goal-1/1.2-beta.md:3:9: duplicate ID "objective-1.2": already defined at content/goal-1/1.0-copy.md:3:9`,
			}},
		{"three objectives with one number",
			map[string]string{"content/goal-1/1.8-copy.md": objective("1.1"), "content/goal-1/1.9-copy.md": objective("1.1")},
			[]string{
				`content/goal-1/1.8-copy.md:3:9: duplicate ID "objective-1.1": already defined at content/goal-1/1.1-alpha.md:3:9`,
				`content/goal-1/1.9-copy.md:3:9: duplicate ID "objective-1.1": already defined at content/goal-1/1.1-alpha.md:3:9`,
			}},
		{"a goal's number taken",
			map[string]string{"content/goal-1/zz-goal.md": "---\ntype: goal\nnumber: 2\nname: \"COPY\"\nstatement: \"s\"\n---\nIntro.\n"},
			[]string{`content/goal-2/goal.md:3:9: duplicate ID "goal-2": already defined at content/goal-1/zz-goal.md:3:9`}},
		{"a section's id taken",
			map[string]string{"content/front/zz.md": "---\ntype: section\nid: foreword\ntitle: \"Copy\"\nmatter: back\norder: 5\n---\nText.\n"},
			[]string{`content/front/zz.md:3:5: duplicate ID "foreword": already defined at content/front/foreword.md:3:5`}},
		{"a section's id taken and a problem of its own",
			map[string]string{"content/front/zz.md": "---\ntype: section\nid: foreword\ntitle: \"Copy\"\nmatter: side\norder: 5\n---\nText.\n"},
			[]string{
				`content/front/zz.md:3:5: duplicate ID "foreword": already defined at content/front/foreword.md:3:5`,
				`content/front/zz.md:5:9: section: matter must be front or back, found "side"`,
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for p, f := range base {
				fsys[p] = f
			}
			for p, s := range c.files {
				fsys[p] = &fstest.MapFile{Data: []byte(s)}
			}
			proj, errs := load.Dir(fsys)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			_, errs = Plan(proj, Options{Exists: func(string) bool { return true }})
			var got []string
			for _, e := range errs {
				got = append(got, e.Pos.String()+": "+e.Msg)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}
