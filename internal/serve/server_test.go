package serve

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/sitetest"
)

const objFile = "content/goal-1/1.3-secure-and-compliant-trade.md"

// checkSameAsBuild fetches every file of a fresh full build of the folder
// and compares it with what the server serves. HTML pages differ only by
// the reload script.
func checkSameAsBuild(t *testing.T, l *live, step string) {
	t.Helper()
	site := sitetest.Site(t, l.dir)
	var want []string
	for _, f := range site.Files {
		want = append(want, f.Path)
	}
	if got := l.srv.snap.Load().prep.Renderer.Paths(); !slices.Equal(got, want) {
		t.Errorf("%s: the server has %d files, the full build %d; first different: %s", step, len(got), len(want), firstDiff(got, want))
	}
	for _, f := range site.Files {
		resp, got := l.get(f.Path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s: %s", step, f.Path, resp.Status)
			continue
		}
		if strings.HasSuffix(f.Path, ".html") {
			if why := servedEquals([]byte(got), f.Data); why != "" {
				t.Errorf("%s: %s: %s", step, f.Path, why)
			}
			continue
		}
		if got != string(f.Data) {
			t.Errorf("%s: %s: served bytes differ from the full build (%d vs %d bytes)", step, f.Path, len(got), len(f.Data))
		}
	}
}

// firstDiff returns the first path that is in one sorted list and not
// the other.
func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " / " + b[i]
		}
	}
	if len(a) > len(b) {
		return a[len(b)]
	}
	if len(b) > len(a) {
		return b[len(a)]
	}
	return ""
}

func TestServedEqualsFullBuildOverEdits(t *testing.T) {
	dir := copyCBP(t)
	// Give the documents edited below "Referenced from" lists, on their
	// pages and on their outcomes and activities.
	for file, refs := range map[string]string{
		"content/goal-1/1.4-biometric-identification.md": "See [](ref:activity-1.3.2) and [](ref:outcome-1.3.1).",
		"content/goal-3/3.1-data-and-analytics.md":       "See [](ref:goal-2) and [](ref:foreword).",
	} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, file), append(b, "\n"+refs+"\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l := startLive(t, dir)
	checkSameAsBuild(t, l, "start")
	obj := l.read(objFile)
	const (
		sectionFile = "content/front/foreword.md"
		goalFile    = "content/goal-2/goal.md"
	)
	section, goal, config := l.read(sectionFile), l.read(goalFile), l.read("stratpub.yaml")
	const first, second = "content/goal-1/1.1-counter-network.md", "content/goal-1/1.2-awareness-and-enforcement.md"
	firstText, secondText := l.read(first), l.read(second)
	const inserted = "content/goal-1/1.0-inserted.md"
	goal1, _ := filepath.Glob(filepath.Join(dir, "content/goal-1/1.*.md"))
	goal1Text := make([]string, len(goal1))
	for i, f := range goal1 { // 1.1-..., 1.2-...: in order
		goal1[i], _ = filepath.Rel(dir, f)
		goal1[i] = filepath.ToSlash(goal1[i])
		goal1Text[i] = l.read(goal1[i])
	}
	if len(goal1) != 6 {
		t.Fatalf("goal 1 has %d objectives; the steps below expect 6", len(goal1))
	}
	// how is what the server's log says it did again: "documents only" when
	// it read the changed documents (and those that refer to a retitled
	// item) again and reused the rest, "configuration only" (or "and
	// documents") when the configuration was one of them, "" when it
	// prepared everything again.
	steps := []struct {
		name, how, event string
		edit             func()
	}{
		{"body edit adding a reference", "documents only", "reload", func() {
			l.write(objFile, obj+"\nA new closing paragraph with a [reference](ref:objective-1.4).\n")
		}},
		{"body edit, same references", "documents only", "reload", func() {
			l.write(objFile, obj+"\nAnother closing paragraph with a [reference](ref:objective-1.4) and *emphasis*.\n\n### A new heading\n\nWith a note.[^new]\n\n[^new]: A new footnote.\n")
		}},
		{"section body edit", "documents only", "reload", func() {
			l.write(sectionFile, strings.Replace(section, "\n\n", "\n\nA new first paragraph of the foreword, long enough to change the description of the page and the context of its search entry.\n\n", 1))
		}},
		{"goal body edit", "documents only", "reload", func() { l.write(goalFile, goal+"\nA closing sentence for the goal.\n") }},
		{"two bodies in one batch", "documents only", "reload", func() {
			l.write(sectionFile, section+"\nOne more.\n")
			l.write(goalFile, goal+"\nOne more.\n")
		}},
		{"body edit removing a reference", "documents only", "reload", func() { l.write(objFile, obj) }},
		{"statement, outcome, activity and caption edit", "documents only", "reload", func() {
			e := strings.Replace(obj, "threats that inhibit cross-border commerce.", "threats that hold back cross-border commerce.", 1)
			e = strings.Replace(e, `"Trade is safe and secure."`, `"Trade is *safe* and secure."`, 1)
			e = strings.Replace(e, "Efficient Trade Facilitation — Streamline", "Efficient Trade Facilitation — Simplify", 1)
			e = strings.Replace(e, `credit: "CBP Photo by Mani Albrecht"`, `credit: "CBP photo by Mani Albrecht"`, 1)
			l.write(objFile, e)
		}},
		{"outcome edit adding a reference", "documents only", "reload", func() {
			l.write(objFile, strings.Replace(obj, `"Trade is safe and secure."`, `"Trade is safe and secure; see [](ref:objective-1.2)."`, 1))
		}},
		{"outcome edit keeping the reference", "documents only", "reload", func() {
			l.write(objFile, strings.Replace(obj, `"Trade is safe and secure."`, `"Trade is safe; see [the objective](ref:objective-1.2)."`, 1))
		}},
		{"one activity more", "documents only", "reload", func() {
			l.write(objFile, strings.Replace(obj, "activities:\n", "activities:\n  - \"A new first activity.\"\n", 1))
		}},
		{"goal statement edit", "documents only", "reload", func() {
			l.write(goalFile, strings.Replace(goal, "adaptable and resilient", "adaptable, resilient", 1))
		}},
		{"goal name edit", "documents only", "reload", func() { l.write(goalFile, strings.Replace(goal, `name: "TEAM"`, `name: "PEOPLE"`, 1)) }},
		{"configuration title edit", "configuration only", "reload", func() {
			l.write("stratpub.yaml", strings.Replace(config, `title: "CBP Strategy 2021–2026"`, `title: "CBP Strategy 2021–2026, revised"`, 1))
		}},
		{"configuration and a document", "configuration and documents only", "reload", func() {
			l.write("stratpub.yaml", strings.Replace(config, `vision: "`, `vision: "Always `, 1))
			l.write(goalFile, goal+"\nOne more, with the configuration.\n")
		}},
		{"configuration put back", "configuration only", "reload", func() { l.write("stratpub.yaml", config) }},
		{"raw HTML allowed in the configuration", "", "reload", func() {
			l.write("stratpub.yaml", strings.Replace(config, "allow_raw_html: false", "allow_raw_html: true", 1))
		}},
		{"raw HTML no longer allowed", "", "reload", func() { l.write("stratpub.yaml", config) }},
		{"the first image, in a new folder", "", "reload", func() { l.write("images/first.png", "not a PNG either") }},
		{"an image added", "documents only", "reload", func() { l.write("images/preview-test.png", "not really a PNG") }},
		{"a figure shows it", "documents only", "reload", func() {
			l.write(objFile, strings.Replace(obj, "    image: \"\"\n    alt: \"\"", "    image: \"images/preview-test.png\"\n    alt: \"Officers inspect a truck.\"", 1))
		}},
		{"the image changed", "documents only", "reload", func() { l.write("images/preview-test.png", "still not a PNG") }},
		{"the figure shows none again", "documents only", "reload", func() { l.write(objFile, obj) }},
		{"the image deleted, nothing showing it", "documents only", "reload", func() { l.remove("images/preview-test.png") }},
		{"section order edit", "documents only", "reload", func() { l.write(sectionFile, strings.Replace(section, "order: 20", "order: 25", 1)) }},
		{"section summary edit", "documents only", "reload", func() {
			l.write(sectionFile, strings.Replace(section, "order: 20", "order: 25\nsummary: \"Why this strategy, in the Commissioner's words.\"", 1))
		}},
		{"title edit removing an activity", "documents only", "reload", func() {
			l.write(objFile, strings.Replace(obj, `title: "Secure and Compliant Trade"`, `title: "Secure, Compliant Trade"`, 1))
		}},
		{"objective title edit", "documents only", "reload", func() {
			l.write(objFile, strings.Replace(obj, `title: "Secure and Compliant Trade"`, `title: "Compliant Trade"`, 1))
		}},
		{"two objectives exchange numbers", "documents only", "reload", func() {
			l.write(first, strings.Replace(firstText, `number: "1.1"`, `number: "1.2"`, 1))
			l.write(second, strings.Replace(secondText, `number: "1.2"`, `number: "1.1"`, 1))
		}},
		{"and exchange them back", "documents only", "reload", func() {
			l.write(first, firstText)
			l.write(second, secondText)
		}},
		{"an objective added first in its goal, the others renumbered", "documents only", "reload", func() {
			l.write(inserted, strings.Replace(firstText, `title: "`, `title: "Inserted `, 1))
			for i, f := range goal1 {
				l.write(f, strings.Replace(goal1Text[i], fmt.Sprintf(`number: "1.%d"`, i+1), fmt.Sprintf(`number: "1.%d"`, i+2), 1))
			}
		}},
		{"an objective's file renamed", "documents only", "reload", func() {
			l.rename(second, "content/goal-1/1.2-renamed.md")
		}},
		{"and named back", "documents only", "reload", func() {
			l.rename("content/goal-1/1.2-renamed.md", second)
		}},
		{"and deleted, the others numbered back", "documents only", "reload", func() {
			l.remove(inserted)
			for i, f := range goal1 {
				l.write(f, goal1Text[i])
			}
		}},
		{"new folder with a new goal and objective", "documents only", "reload", func() {
			// The folder appears whole (made under a name the watcher
			// ignores, then renamed), as a copy or a checkout brings one:
			// written file by file, the goal alone may make a batch of
			// its own, and the objective another.
			l.write("content/.goal-4/goal.md", "---\ntype: goal\nnumber: 4\nname: \"NEW\"\nstatement: \"A fourth goal.\"\n---\nIntro.\n")
			l.write("content/.goal-4/4.1-new.md", "---\ntype: objective\nnumber: \"4.1\"\ntitle: \"Brand New\"\nstatement: \"New.\"\noutcomes:\n  - \"Done.\"\nactivities:\n  - \"Do it.\"\n---\nBody of [](ref:objective-1.3).\n")
			l.rename("content/.goal-4", "content/goal-4")
		}},
		{"body edit of the new objective", "documents only", "reload", func() {
			l.write("content/goal-4/4.1-new.md", "---\ntype: objective\nnumber: \"4.1\"\ntitle: \"Brand New\"\nstatement: \"New.\"\noutcomes:\n  - \"Done.\"\nactivities:\n  - \"Do it.\"\n---\nThe body of [](ref:objective-1.3), changed.\n")
		}},
		{"stylesheet edit", "theme only", "css", func() { l.write("assets/site.css", l.read("assets/site.css")+"\n.x-test { color: red; }\n") }},
		{"template edit", "theme only", "reload", func() {
			l.write("templates/objective.html", strings.Replace(l.read("templates/objective.html"), "{{", "<!-- preview test -->{{", 1))
		}},
		{"rename a folder", "documents only", "reload", func() { l.rename("content/goal-4", "content/goal-four") }},
		{"delete a folder", "documents only", "reload", func() {
			// Gone at once (moved out of the publication), for the same
			// reason.
			gone := filepath.Join(t.TempDir(), "goal-4")
			if err := os.Rename(filepath.Join(l.dir, "content/goal-four"), gone); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, s := range steps {
		s.edit()
		e, errs := l.settle()
		if len(errs) > 0 {
			t.Fatalf("%s: rebuild failed: %v", s.name, errs.Err())
		}
		if e != s.event {
			t.Errorf("%s: event %q; want %q", s.name, e, s.event)
		}
		if how := lastRebuild(l.log.String()); how != s.how {
			t.Errorf("%s: the server did %q again; want %q", s.name, how, s.how)
		}
		checkSameAsBuild(t, l, s.name)
	}
	// Negative control: the comparison sees a difference.
	if resp, _ := l.get("objectives/4.1/"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a deleted objective is still served: %s", resp.Status)
	}
}

// lastRebuild returns what the last rebuild in a server log did again,
// as the log says after "; ": "documents only", "theme only", or "" for
// everything.
func lastRebuild(log string) string { return lastSaid(log, "rebuilt in ", "no rebuild") }

// lastFix returns what the last rebuild that fixed an error did again, as
// the log says after "; ": "documents only", or "" for everything.
func lastFix(log string) string { return lastSaid(log, "fixed; rebuilt in ", "no fix in the log") }

// lastSaid returns what the last log line that starts with prefix says
// after "; " (without the closing parenthesis), or none when no line does.
func lastSaid(log, prefix, none string) string {
	lines := strings.Split(strings.TrimSpace(log), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if rest, ok := strings.CutPrefix(lines[i], prefix); ok {
			if _, how, ok := strings.Cut(rest, "; "); ok {
				return strings.TrimSuffix(how, ")")
			}
			return ""
		}
	}
	return none
}

// A save that changes nothing (the same text written again) rebuilds
// nothing and reloads no page; a save that changes the text, after it,
// does both (the control).
func TestUnchangedSaveReloadsNothing(t *testing.T) {
	l := startLive(t, copyCBP(t))
	obj := l.read(objFile)
	for len(l.rebuilt) > 0 {
		<-l.rebuilt // the first build's
	}
	for i := range 2 {
		l.write(objFile, obj)
		select {
		case e := <-l.events:
			t.Fatalf("save %d without a change: event %q", i+1, e)
		case <-l.rebuilt:
			t.Fatalf("save %d without a change: a rebuild", i+1)
		case <-time.After(time.Second): // the watcher waits 100 ms
		}
	}
	if !strings.Contains(l.log.String(), "no change in "+objFile+"; nothing rebuilt") {
		t.Errorf("the log does not say so:\n%s", l.log.String())
	}
	// The configuration file, saved as it is.
	config := l.read("stratpub.yaml")
	l.write("stratpub.yaml", config)
	select {
	case e := <-l.events:
		t.Fatalf("stratpub.yaml saved without a change: event %q", e)
	case <-l.rebuilt:
		t.Fatal("stratpub.yaml saved without a change: a rebuild")
	case <-time.After(time.Second):
	}
	if !strings.Contains(l.log.String(), "no change in stratpub.yaml; nothing rebuilt") {
		t.Errorf("the log does not say so for stratpub.yaml:\n%s", l.log.String())
	}
	l.write(objFile, obj+"\nA new closing paragraph.\n")
	if e, errs := l.settle(); e != "reload" || len(errs) > 0 {
		t.Fatalf("a changed save: event %q, errors %v", e, errs)
	}
	if _, page := l.get("objectives/1.3/"); !strings.Contains(page, "A new closing paragraph.") {
		t.Error("the changed text is not served")
	}
	// Back as it was: a change from what was served last.
	l.write(objFile, obj)
	if e, errs := l.settle(); e != "reload" || len(errs) > 0 {
		t.Fatalf("the text put back: event %q, errors %v", e, errs)
	}
	checkSameAsBuild(t, l, "unchanged saves")
}

// A body edit that breaks a reference is reported like any error, with its
// position, and fixing it brings back the text-only path.
func TestBodyErrorInPreview(t *testing.T) {
	l := startLive(t, copyCBP(t))
	obj := l.read(objFile)
	l.write(objFile, obj+"\nSee [this](ref:objective-9.9).\n")
	_, errs := l.settle()
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, `unknown reference "ref:objective-9.9"`) {
		t.Fatalf("errors %v; want the unknown reference", errs)
	}
	if want := strings.Count(obj, "\n") + 2; errs[0].Pos.File != objFile || errs[0].Pos.Line != want {
		t.Errorf("position %v; want %s:%d", errs[0].Pos, objFile, want)
	}
	if _, page := l.get("objectives/1.3/"); !strings.Contains(page, `id="stratpub-error"`) {
		t.Error("no overlay")
	}
	l.fix(objFile, obj, "objectives/1.3/")
	if how := lastFix(l.log.String()); how != "documents only" {
		t.Errorf("the fix did %q again; want documents only (the last good site patched)", how)
	}
	checkSameAsBuild(t, l, "the fix")
	l.write(objFile, obj+"\nFine again.\n")
	if _, errs := l.settle(); len(errs) > 0 {
		t.Fatal(errs.Err())
	}
	if how := lastRebuild(l.log.String()); how != "documents only" {
		t.Errorf("after the fix, an edit of the text did %q again; want documents only", how)
	}
	checkSameAsBuild(t, l, "after the fix")
}

// TestFixPatchesTheLastGoodSite makes edits while the preview shows an
// error, then fixes it: the fix patches the last good site with every
// file changed since (or prepares everything when one of them needs it),
// and the site served is the full build's.
func TestFixPatchesTheLastGoodSite(t *testing.T) {
	l := startLive(t, copyCBP(t))
	const goalFile, sectionFile = "content/goal-2/goal.md", "content/front/foreword.md"
	obj, goal, section := l.read(objFile), l.read(goalFile), l.read(sectionFile)
	broken := obj + "\nSee [this](ref:objective-9.9).\n"
	for _, c := range []struct {
		name  string
		while []func() // edits made while the error shows
		how   string   // what the fix does again
	}{
		{"the fix alone", nil, "documents only"},
		{"other documents edited meanwhile", []func(){
			func() { l.write(goalFile, strings.Replace(goal, `name: "TEAM"`, `name: "PEOPLE"`, 1)) },
			func() { l.write(sectionFile, section+"\nA new closing paragraph, see [](ref:goal-2).\n") },
		}, "documents only"},
		{"the broken document edited again, still broken", []func(){
			func() { l.write(objFile, broken+"\nMore text.\n") },
		}, "documents only"},
		{"a document edited meanwhile, then put back", []func(){
			func() { l.write(sectionFile, strings.Replace(section, `title: "Foreword"`, `title: "Preface"`, 1)) },
			func() { l.write(sectionFile, section) },
		}, "documents only"},
		{"a file meanwhile that is not a document", []func(){
			func() { l.write("images/extra.png", "an image the site copies") },
		}, ""},
	} {
		l.write(objFile, broken)
		if _, errs := l.settle(); len(errs) == 0 {
			t.Fatalf("%s: the broken reference built", c.name)
		}
		for _, edit := range c.while {
			edit()
			if _, errs := l.settle(); len(errs) == 0 {
				t.Fatalf("%s: built while the reference is still broken", c.name)
			}
		}
		l.fix(objFile, obj, "objectives/1.3/")
		if how := lastFix(l.log.String()); how != c.how {
			t.Errorf("%s: the fix did %q again; want %q", c.name, how, c.how)
		}
		checkSameAsBuild(t, l, c.name)
	}
}

func TestErrorOverlayAndRecovery(t *testing.T) {
	l := startLive(t, copyCBP(t))
	obj := l.read(objFile)
	_, page := l.get("objectives/1.3/")
	if strings.Contains(page, "stratpub-error") {
		t.Fatal("overlay before any error")
	}
	// Line 4 gets an unclosed quote.
	broken := strings.Replace(obj, `title: "Secure and Compliant Trade"`, `title: "Secure and Compliant Trade`, 1)
	l.write(objFile, broken)
	if _, errs := l.settle(); len(errs) == 0 {
		t.Fatal("a broken front matter built")
	}
	want := objFile + ":" + strconv.Itoa(titleLine(t, obj)) + ":" // where the quote is left open
	resp, page := l.get("objectives/1.3/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %s; want the last good page", resp.Status)
	}
	if !strings.Contains(page, "Secure and Compliant Trade") {
		t.Error("the last good page is not served")
	}
	dlg := page[strings.Index(page, `<dialog id="stratpub-error"`):]
	where := regexp.MustCompile(`<p class="stratpub-where">([^<]*)</p>`).FindStringSubmatch(dlg)
	if where == nil || !strings.HasPrefix(where[1], want) {
		t.Fatalf("overlay position %v; want %s…", where, want)
	}
	// The terminal shows the same position and message.
	if !strings.Contains(l.log.String(), where[1]+": invalid front matter") {
		t.Errorf("terminal log lacks %q:\n%s", where[1], l.log.String())
	}
	// The highlighted line is the broken one, the overlay uses classes only.
	hl := regexp.MustCompile(`(?s)<span class="line hl">(.*?)\n`).FindStringSubmatch(dlg)
	if hl == nil || !strings.Contains(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(hl[1], ""), "title") {
		t.Errorf("highlighted line %q; want the title line", hl)
	}
	if strings.Contains(dlg, "style=") {
		t.Error("overlay has inline styles")
	}
	// Every HTML page carries the overlay, other files do not.
	if _, home := l.get(""); !strings.Contains(home, `id="stratpub-error"`) {
		t.Error("the home page lacks the overlay")
	}
	// Fixing the file removes it.
	l.fix(objFile, obj, "objectives/1.3/")
}

// titleLine returns the line of the title key in a document.
func titleLine(t *testing.T, src string) int {
	for i, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(line, "title:") {
			return i + 1
		}
	}
	t.Fatal("no title line")
	return 0
}

func TestNoBuildYetServesErrorPage(t *testing.T) {
	dir := copyCBP(t)
	cfg := filepath.Join(dir, "stratpub.yaml")
	good, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte("title: [\n"), 0o644)
	l := startLive(t, dir)
	resp, page := l.get("")
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(page, `<p class="stratpub-where">stratpub.yaml:`) {
		t.Fatalf("status %s, page:\n%s", resp.Status, page)
	}
	l.write("stratpub.yaml", string(good))
	l.settle()
	if resp, _ := l.get(""); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the fix: %s", resp.Status)
	}
}

func TestShutdownLeavesNothing(t *testing.T) {
	dir := copyCBP(t)
	before := listFiles(t, dir)
	base := runtime.NumGoroutine()
	l := startLive(t, dir)
	l.get("objectives/1.3/")
	l.write(objFile, l.read(objFile)+"\nx\n")
	l.settle()
	if err := l.stop(); err != nil {
		t.Fatal(err)
	}
	var n int
	for range 100 {
		if n = runtime.NumGoroutine(); n <= base {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n > base {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after stop, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
	after := listFiles(t, dir)
	if !slices.Equal(before, after) {
		t.Errorf("files changed:\nbefore %v\nafter  %v", before, after)
	}
}

func listFiles(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// testServer is a server with a snapshot of the CBP publication and no
// watcher running, for handler tests.
func testServer(t *testing.T) *Server {
	t.Helper()
	s, err := New(context.Background(), copyCBP(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if s.snap.Load() == nil {
		t.Fatal("no snapshot")
	}
	return s
}

// raw sends a request line as a browser or an attacker would, unparsed.
func raw(t *testing.T, h http.Handler, target, host string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	msg := "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + strings.Join(hdr, "") + "\r\n"
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(msg)))
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

var loopback = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1414}

func TestPathAttacks(t *testing.T) {
	h := testServer(t).handler(newHostCheck(loopback))
	const host = "127.0.0.1:1414"
	tests := []struct {
		target string
		status int
	}{
		{"/", 200},
		{"/objectives/1.3/", 200},
		{"/objectives/1.3/index.html", 200},
		{"/objectives/1.3", 301},
		{"/../stratpub.yaml", 400},
		{"/objectives/../../stratpub.yaml", 400},
		{"/%2e%2e/stratpub.yaml", 400},
		{"/%2E%2E/go.mod", 400},
		{"/.%2e/stratpub.yaml", 400},
		{"/objectives%2f1.3/index.html", 400},
		{"/objectives%2F..%2F..%2Fstratpub.yaml", 400},
		{"/..%5cstratpub.yaml", 400},
		{`/..\stratpub.yaml`, 400},
		{`/objectives\1.3\index.html`, 400},
		{"//etc/passwd", 400},
		{"/objectives//1.3/", 400},
		{"/index.html%00.css", 400},
		{"/./index.html", 400},
		{"/stratpub.yaml", 404},
		{"/content/goal-1/goal.md", 404},
		{"/templates/base.html", 404},
		{"/assets/", 404},
		{"/objectives/", 404},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			w := raw(t, h, tt.target, host)
			if w.Code != tt.status {
				t.Fatalf("status %d; want %d", w.Code, tt.status)
			}
			body := w.Body.String()
			if strings.Contains(body, "publication_date") || strings.Contains(body, "type: goal") || strings.Contains(body, "{{") {
				t.Error("a source file leaked")
			}
			if tt.status == 301 && w.Header().Get("Location") != tt.target+"/" {
				t.Errorf("Location %q", w.Header().Get("Location"))
			}
		})
	}
}

func TestHostAttacks(t *testing.T) {
	s := testServer(t)
	all := &net.TCPAddr{IP: net.IPv4zero, Port: 1414}
	tests := []struct {
		host   string
		bound  net.Addr
		status int
	}{
		{"127.0.0.1:1414", loopback, 200},
		{"localhost:1414", loopback, 200},
		{"LOCALHOST:1414", loopback, 200},
		{"[::1]:1414", loopback, 200},
		{"evil.example:1414", loopback, 403},
		{"localhost.evil.example:1414", loopback, 403},
		{"127.0.0.1.nip.io:1414", loopback, 403},
		{"127.0.0.1:8080", loopback, 403},
		{"127.0.0.1", loopback, 403},
		{"localhost", loopback, 403},
		{"", loopback, 403},
		{"127.0.0.2:1414", loopback, 403},
		{"192.168.1.5:1414", loopback, 403},
		{"192.168.1.5:1414", all, 200},
		{"evil.example:1414", all, 403},
	}
	for _, tt := range tests {
		t.Run(tt.host+" on "+tt.bound.String(), func(t *testing.T) {
			w := raw(t, s.handler(newHostCheck(tt.bound)), "/", tt.host)
			if w.Code != tt.status {
				t.Fatalf("status %d; want %d", w.Code, tt.status)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	h := testServer(t).handler(newHostCheck(loopback))
	for _, target := range []string{"/", "/objectives/1.3/", "/nope", "/../x", reloadPath, overlayPath} {
		w := raw(t, h, target, "127.0.0.1:1414", "Origin: http://evil.example\r\n")
		hd := w.Header()
		if hd.Get("X-Content-Type-Options") != "nosniff" || hd.Get("Content-Security-Policy") != "default-src 'self'" || hd.Get("Referrer-Policy") == "" {
			t.Errorf("%s: security headers missing: %v", target, hd)
		}
		for k := range hd {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s: CORS header %s", target, k)
			}
		}
	}
	w := raw(t, h, "/objectives/1.3/", "127.0.0.1:1414")
	if !strings.Contains(w.Body.String(), reloadTag+"</body>") || strings.Contains(w.Body.String(), "<script>") {
		t.Error("the reload script is not injected as an external script before </body>")
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Host = "127.0.0.1:1414"
	pw := httptest.NewRecorder()
	h.ServeHTTP(pw, r)
	if pw.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", pw.Code)
	}
}

func TestEventsFromAnotherOrigin(t *testing.T) {
	h := testServer(t).handler(newHostCheck(loopback))
	for _, hdr := range []string{"Origin: http://evil.example\r\n", "Origin: null\r\n", "Sec-Fetch-Site: cross-site\r\n", "Origin: http://127.0.0.1:9999\r\n"} {
		if w := raw(t, h, eventsPath, "127.0.0.1:1414", hdr); w.Code != http.StatusForbidden {
			t.Errorf("%q: status %d; want 403", hdr, w.Code)
		}
	}
	// Same origin is served: a stream that ends when the request does.
	w, cancel, done := startStream(t, h, "http://127.0.0.1:1414")
	cancel()
	<-done
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "event: hello") {
		t.Errorf("same origin: %d %q", w.Code, w.Body.String())
	}
}

func TestRecoverPanics(t *testing.T) {
	var log syncBuffer
	h := recoverPanics(&log, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusInternalServerError || !strings.Contains(log.String(), "boom") {
		t.Fatalf("status %d, log %q", w.Code, log.String())
	}
	// ErrAbortHandler keeps its meaning.
	defer func() {
		if v := recover(); !errors.Is(v.(error), http.ErrAbortHandler) {
			t.Fatalf("recovered %v", v)
		}
	}()
	recoverPanics(&log, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })).
		ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}

// startStream requests the event stream from h, from origin when not
// empty, and waits for the first bytes of the answer. Cancelling ends the
// request; done is closed when the handler has returned.
func startStream(t *testing.T, h http.Handler, origin string) (w *firstWrite, cancel context.CancelFunc, done chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequestWithContext(ctx, http.MethodGet, eventsPath, nil)
	r.Host = "127.0.0.1:1414"
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	w = &firstWrite{ResponseRecorder: httptest.NewRecorder(), wrote: make(chan struct{})}
	done = make(chan struct{})
	go func() { h.ServeHTTP(w, r); close(done) }()
	select {
	case <-w.wrote:
	case <-time.After(10 * time.Second):
		cancel()
		<-done
		t.Fatal("no answer within 10 s")
	}
	return w, cancel, done
}

// firstWrite is a response recorder that says when the handler first
// writes to it.
type firstWrite struct {
	*httptest.ResponseRecorder
	once  sync.Once
	wrote chan struct{}
}

func (w *firstWrite) Write(b []byte) (int, error) {
	n, err := w.ResponseRecorder.Write(b)
	w.once.Do(func() { close(w.wrote) })
	return n, err
}

// The event streams open at once are bounded: beyond the limit a stream is
// refused with 503 and Retry-After, and closing one lets the next one in.
func TestEventStreamsBounded(t *testing.T) {
	s := testServer(t)
	s.hub.limit = 3
	h := s.handler(newHostCheck(loopback))
	open := func() (*firstWrite, context.CancelFunc, chan struct{}) { return startStream(t, h, "") }
	var cancels []context.CancelFunc
	var dones []chan struct{}
	for i := range 3 {
		w, cancel, done := open()
		cancels, dones = append(cancels, cancel), append(dones, done)
		if w.Code != http.StatusOK {
			t.Fatalf("stream %d: status %d", i+1, w.Code)
		}
	}
	w, cancel, done := open()
	<-done
	cancel()
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("stream 4 of 3: status %d, Retry-After %q; want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	cancels[0]()
	<-dones[0]
	w, cancel, done = open()
	if w.Code != http.StatusOK {
		t.Errorf("after one closed: status %d; want 200", w.Code)
	}
	cancel()
	<-done
	for i := 1; i < 3; i++ {
		cancels[i]()
		<-dones[i]
	}
}

// TestProblemsShownAtOnce breaks a document in several ways and checks
// that the first report of each save, made from the changed document alone
// before the full rebuild ends, already holds every problem the full
// rebuild (and stratpub check) reports, worded and positioned the same:
// the overlay does not change when the full rebuild ends.
func TestProblemsShownAtOnce(t *testing.T) {
	l := startLive(t, copyCBP(t))
	for len(l.rebuilt) > 0 {
		<-l.rebuilt // the first build's
	}
	obj := l.read(objFile)
	figure := "    image: \"\"\n    alt: \"\""
	for _, c := range []struct{ name, text string }{
		{"an unknown reference", obj + "\nSee [this](ref:objective-9.9).\n"},
		{"a reference to itself", obj + "\nSee [](ref:objective-1.3).\n"},
		{"an unknown key", strings.Replace(obj, "\ntitle:", "\ntitel: \"Typo\"\ntitle:", 1)},
		{"a title missing", regexp.MustCompile(`(?m)^title: .*\n`).ReplaceAllString(obj, "")},
		{"invalid front matter", strings.Replace(obj, `title: "Secure and Compliant Trade"`, `title: "Secure and Compliant Trade`, 1)},
		{"an image not found", strings.Replace(obj, figure, "    image: \"images/none.png\"\n    alt: \"A truck.\"", 1)},
		{"an unknown reference in an outcome", strings.Replace(obj, `"Trade is safe and secure."`, `"Trade is safe; see [](ref:outcome-9.9.9)."`, 1)},
	} {
		if c.text == obj {
			t.Fatalf("%s: the edit changes nothing", c.name)
		}
		l.write(objFile, c.text)
		if e := l.event(); e != "reload" {
			t.Fatalf("%s: event %q", c.name, e)
		}
		var reports []diag.List
		reports = append(reports, <-l.rebuilt)
	quiet:
		for {
			select {
			case errs := <-l.rebuilt:
				reports = append(reports, errs)
			case <-l.events:
			case <-time.After(500 * time.Millisecond):
				break quiet
			}
		}
		full, errs := build.Prepare(context.Background(), build.Config{Source: os.DirFS(l.dir)})
		if full != nil || len(errs) == 0 {
			t.Fatalf("%s: the full build took it", c.name)
		}
		errs.Sort()
		want := describeErrs(errs)
		if len(reports) != 1 || describeErrs(reports[0]) != want {
			var got []string
			for _, r := range reports {
				got = append(got, describeErrs(r))
			}
			t.Errorf("%s: reported %q; want one report, %q", c.name, got, want)
		}
		l.fix(objFile, obj, "objectives/1.3/")
	}
}

func describeErrs(errs diag.List) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}
