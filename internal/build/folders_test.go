package build

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestPatchFoldersAtRandom makes random sequences of the changes a goal's
// or a section's folder brings — one or two goals added after the last
// with a few objectives, the last one or two deleted, a goal's folder
// renamed, sections
// added, deleted and renamed, several at once — each with references
// among the new and old items, and a title changed now and then, as the
// watcher reports them (the folder's path, and sometimes its files). After
// each, a patched site must be the full build's; a change Patch refuses is
// prepared in full, and one the full build refuses is undone, as an author
// would.
func TestPatchFoldersAtRandom(t *testing.T) {
	base, _ := smallFS(t)
	steps := 80
	if testing.Short() {
		steps = 25
	}
	targets := []string{"goal-1", "objective-1.1", "activity-1.2.1", "foreword", "conclusion", "summary"}
	for _, seed := range []uint64{1, 2, 3} {
		rng := rand.New(rand.NewPCG(seed, 11))
		ctx := context.Background()
		source := maps.Clone(base)
		prep := previewed(t, source)
		taken, made := 0, 0
		for step := range steps {
			next := maps.Clone(source)
			var paths []string
			var what string
			// The goals' folders, by number.
			folders := map[int]string{}
			for p, f := range source {
				if strings.HasSuffix(p, "/goal.md") {
					var n int
					if _, err := fmt.Sscanf(string(f.Data[strings.Index(string(f.Data), "number: ")+8:]), "%d", &n); err == nil {
						folders[n] = strings.TrimSuffix(p, "/goal.md")
					}
				}
			}
			last := len(folders)
			ref := func() string { return targets[rng.IntN(len(targets))] }
			switch op := rng.IntN(7); op {
			case 0, 1: // a goal added after the last, with 0 to 3 objectives, or two
				for g := last + 1; g <= last+1+rng.IntN(2); g++ {
					made++
					dir := fmt.Sprintf("content/g%d-%d", g, made)
					next[dir+"/goal.md"] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntype: goal\nnumber: %d\nname: \"G%d\"\nstatement: \"Goal %d.\"\n---\nSee [](ref:%s).\n", g, made, g, ref()))}
					k := rng.IntN(4)
					for i := 1; i <= k; i++ {
						to := ref()
						if i > 1 && rng.IntN(2) == 0 {
							to = fmt.Sprintf("objective-%d.%d", g, i-1)
						}
						next[fmt.Sprintf("%s/%d.%d-o.md", dir, g, i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntype: objective\nnumber: \"%d.%d\"\ntitle: \"O%d\"\nstatement: \"Do %d.%d.\"\noutcomes:\n  - \"Done.\"\nactivities:\n  - \"Act.\"\n---\nSee [](ref:%s).\n", g, i, made, g, i, to))}
					}
					paths = append(paths, dir)
					what += fmt.Sprintf("goal %d added with %d objectives; ", g, k)
				}
			case 2, 6: // the last goal deleted, or the last two
				for g := last; g > 0 && g >= last-rng.IntN(2); g-- {
					dir := folders[g]
					for p := range next {
						if strings.HasPrefix(p, dir+"/") {
							delete(next, p)
						}
					}
					paths = append(paths, dir)
					what += fmt.Sprintf("goal %d deleted; ", g)
				}
			case 3: // a goal's folder renamed
				g := 1 + rng.IntN(last)
				dir := folders[g]
				made++
				to := fmt.Sprintf("content/r%d-%d", g, made)
				for p, f := range source {
					if strings.HasPrefix(p, dir+"/") {
						delete(next, p)
						next[to+strings.TrimPrefix(p, dir)] = f
					}
				}
				paths = append(paths, dir, to)
				what = fmt.Sprintf("goal %d's folder renamed", g)
			case 4: // sections added, or deleted
				secs := pathsWith(source, "content/back/s", "")
				if len(secs) > 0 && rng.IntN(2) == 0 {
					for _, p := range secs[:1+rng.IntN(len(secs))] {
						delete(next, p)
						paths = append(paths, p)
					}
					what = "sections deleted"
					break
				}
				for range 1 + rng.IntN(3) {
					made++
					p := fmt.Sprintf("content/back/s%d.md", made)
					to := ref()
					if len(secs) > 0 && rng.IntN(2) == 0 {
						to = "s" + strings.TrimSuffix(strings.TrimPrefix(secs[0], "content/back/s"), ".md")
					}
					next[p] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntype: section\nid: s%d\ntitle: \"S%d\"\nmatter: back\norder: %d\n---\nSee [](ref:%s).\n", made, made, rng.IntN(200), to))}
					paths = append(paths, p)
				}
				what = "sections added"
			case 5: // a section's file renamed
				secs := pathsWith(source, "content/back/", "")
				p := secs[rng.IntN(len(secs))]
				made++
				q := fmt.Sprintf("content/back/renamed-%d.md", made)
				next[q] = next[p]
				delete(next, p)
				paths = append(paths, p, q)
				what = "a section's file renamed"
			}
			if rng.IntN(3) == 0 { // and a title in the same save
				docs := pathsWith(next, "", ".md")
				p := docs[rng.IntN(len(docs))]
				text := string(next[p].Data)
				for _, key := range []string{"title: \"", "name: \""} {
					if strings.Contains(text, "\n"+key) {
						next[p] = &fstest.MapFile{Data: []byte(strings.Replace(text, "\n"+key, fmt.Sprintf("\n%sStep %d ", key, step), 1))}
						paths = append(paths, p)
						what += ", a title changed"
						break
					}
				}
			}
			if rng.IntN(2) == 0 { // the watcher names the files too
				for p := range next {
					if source[p] == nil || string(source[p].Data) != string(next[p].Data) {
						paths = append(paths, p)
					}
				}
			}
			what = fmt.Sprintf("%s (step %d of seed %d)", what, step, seed)
			if patched, ok := prep.Patch(ctx, Config{Source: next, LazyData: true, Cache: &Cache{}}, paths); ok {
				sameAsBuild(t, patched, next, what)
				taken++
				source, prep = next, patched
				continue
			}
			full, errs := Prepare(ctx, Config{Source: next, LazyData: true, Cache: &Cache{}})
			if len(errs) > 0 {
				continue // the author undoes it
			}
			source, prep = next, full
		}
		t.Logf("seed %d: %d of %d changes patched", seed, taken, steps)
		if taken < steps/3 {
			t.Errorf("seed %d: Patch took %d changes of %d", seed, taken, steps)
		}
	}
}

// pathsWith returns the paths of files in m that start with prefix and end
// with suffix, sorted.
func pathsWith(m fstest.MapFS, prefix, suffix string) []string {
	var out []string
	for _, p := range slices.Sorted(maps.Keys(m)) {
		if strings.HasPrefix(p, prefix) && strings.HasSuffix(p, suffix) {
			out = append(out, p)
		}
	}
	return out
}
