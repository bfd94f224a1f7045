package a11y

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"sort"
	"strings"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

//go:embed js/*.js
var scripts embed.FS

func script(name string) string {
	b, err := scripts.ReadFile("js/" + name)
	if err != nil {
		panic("a11y: missing embedded script " + name) // a build defect, not a runtime condition
	}
	return string(b)
}

// WCAGTags selects the axe-core rules for WCAG 2.0, 2.1 and 2.2, levels A
// and AA: the conformance target of the site.
var WCAGTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// BestPractice selects Deque's best-practice rules (landmarks, heading
// order, one main, unique landmark names), run separately so a report says
// which set a problem comes from.
var BestPractice = []string{"best-practice"}

// View is a viewport width and colour scheme to test a page in.
type View struct {
	Width  int64
	Height int64  // 0 means 900
	Scheme string // "light" or "dark"
}

func (v View) String() string { return fmt.Sprintf("%s %dpx", v.Scheme, v.Width) }

// Emulate applies v to the tab of ctx. It works on a loaded page: the page
// reflows and its media queries are evaluated again without a reload.
func Emulate(ctx context.Context, v View) error {
	h := v.Height
	if h == 0 {
		h = 900
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(v.Width, h)); err != nil {
		return fmt.Errorf("viewport %d: %w", v.Width, err)
	}
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v.Scheme}},
	})
	if err != nil {
		return fmt.Errorf("colour scheme %s: %w", v.Scheme, err)
	}
	return nil
}

// Violation is one axe-core rule that fails on a page.
type Violation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []AxeNode `json:"nodes"`
}

// AxeNode is one element that fails a rule.
type AxeNode struct {
	Target  []string `json:"target"`
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s, %d element(s)", v.ID, v.Impact, v.Help, len(v.Nodes))
	for i, n := range v.Nodes {
		if i == 3 {
			fmt.Fprintf(&b, "\n\t  … and %d more", len(v.Nodes)-3)
			break
		}
		fmt.Fprintf(&b, "\n\t  %s: %s", strings.Join(n.Target, " "), strings.ReplaceAll(n.Summary, "\n", " "))
	}
	return b.String()
}

// InjectAxe loads the axe-core source src (axe.min.js) into the page of
// ctx. Call it after every navigation.
func InjectAxe(ctx context.Context, src []byte) error {
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](string(src))); err != nil {
		return fmt.Errorf("injecting axe-core: %w", err)
	}
	return nil
}

// Axe runs the axe-core rules with any of tags on the page of ctx and
// returns the violations, sorted by rule.
func Axe(ctx context.Context, tags []string) ([]Violation, error) {
	arg, err := json.Marshal(tags)
	if err != nil {
		return nil, err
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](script("axe-run.js")+"("+string(arg)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].ID < vs[j].ID })
	return vs, nil
}

// Heading is one rendered heading of a page.
type Heading struct {
	Level int    `json:"level"`
	Text  string `json:"text"`
}

// Outline is what the page-structure checks read from a page.
type Outline struct {
	Lang     string    `json:"lang"`
	Title    string    `json:"title"`
	Headings []Heading `json:"headings"`
}

// ReadOutline reads the outline of the page of ctx.
func ReadOutline(ctx context.Context) (Outline, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[Outline](script("outline.js")))
}

// Problems lists what is wrong with the outline: no lang, no title, not
// exactly one h1, a first heading that is not the h1, a skipped level.
func (o Outline) Problems() []string {
	var p []string
	if strings.TrimSpace(o.Lang) == "" {
		p = append(p, "html has no lang")
	}
	if strings.TrimSpace(o.Title) == "" {
		p = append(p, "empty title")
	}
	h1 := 0
	prev := 0
	for _, h := range o.Headings {
		if h.Level == 1 {
			h1++
		}
		switch {
		case prev == 0 && h.Level != 1:
			p = append(p, fmt.Sprintf("first heading is h%d %q, not h1", h.Level, h.Text))
		case prev > 0 && h.Level > prev+1:
			p = append(p, fmt.Sprintf("heading level skipped: h%d %q follows h%d", h.Level, h.Text, prev))
		}
		prev = h.Level
	}
	if h1 != 1 {
		p = append(p, fmt.Sprintf("%d h1 elements, want 1", h1))
	}
	return p
}

// Overflow is the horizontal overflow of a page.
type Overflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	ClientWidth int      `json:"clientWidth"`
	Culprits    []string `json:"culprits"` // elements sticking out, when it overflows
}

// Scrolls reports whether the page scrolls horizontally.
func (o Overflow) Scrolls() bool { return o.ScrollWidth > o.ClientWidth }

// ReadOverflow measures the horizontal overflow of the page of ctx.
func ReadOverflow(ctx context.Context) (Overflow, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[Overflow](script("overflow.js")))
}

// Box is a rectangle in page coordinates (CSS pixels).
type Box struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// Focus is an element that had the keyboard focus.
type Focus struct {
	Index int    `json:"index"` // position among the focusable elements; -1 when not one
	Back  bool   `json:"back"`  // comes before the previous stop in the document
	Tag   string `json:"tag"`
	ID    string `json:"id"`
	Href  string `json:"href"`
	Text  string `json:"text"`
	First Box    `json:"first"` // first line box
	Last  Box    `json:"last"`  // last line box
}

func (f Focus) String() string {
	s := "<" + f.Tag
	if f.ID != "" {
		s += " id=" + f.ID
	}
	if f.Href != "" {
		s += " href=" + f.Href
	}
	s += ">"
	if f.Text != "" {
		s += " " + strconvQuote(f.Text)
	}
	return s
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// ReadFocus describes the focused element of the page of ctx; nil when no
// element has the focus.
func ReadFocus(ctx context.Context) (*Focus, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[*Focus](script("focus.js")))
}

// settle waits for two animation frames, so that focus changes and
// scrolling caused by a key press have happened.
func settle(ctx context.Context) error {
	return chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))`, chromedp.EvalAwaitPromise))
}

// press sends one key. The browser has handled the key, and moved the
// focus, when the command returns.
func press(ctx context.Context, key string) error {
	return chromedp.Do(ctx, chromedp.KeyEvent(key))
}

// SkipLink loads url in the tab of ctx, presses Tab once and checks that
// the focus is on a visible link to the main element; then presses Enter
// and checks that main has the focus. It returns what is wrong.
func SkipLink(ctx context.Context, url string) ([]string, error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return nil, err
	}
	mainID, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main") || {}).id || ""`))
	if err != nil {
		return nil, err
	}
	var p []string
	if mainID == "" {
		p = append(p, "the page has no main element with an id to skip to")
	}
	if err := press(ctx, kb.Tab); err != nil {
		return nil, err
	}
	f, err := ReadFocus(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case f == nil:
		return append(p, "Tab from page load focuses nothing"), nil
	case f.Tag != "a" || mainID == "" || f.Href != "#"+mainID:
		return append(p, fmt.Sprintf("Tab from page load focuses %s, want a skip link to the main element", f)), nil
	case f.First.Y+f.First.H <= 0 || f.First.W < 1:
		p = append(p, fmt.Sprintf("the focused skip link is not on screen: %+v", f.First))
	}
	if err := press(ctx, kb.Enter); err != nil {
		return nil, err
	}
	// Following a link to a fragment moves the focus asynchronously.
	if err := settle(ctx); err != nil {
		return nil, err
	}
	after, err := ReadFocus(ctx)
	if err != nil {
		return nil, err
	}
	if after == nil || after.ID != mainID {
		got := "nothing"
		if after != nil {
			got = after.String()
		}
		p = append(p, fmt.Sprintf("activating the skip link focuses %s, want main#%s", got, mainID))
	}
	return p, nil
}

// TabSequence loads url in the tab of ctx, lists the elements that should
// be reachable with Tab (see js/focusables.js), and presses Tab until the
// focus leaves the page or comes back to where it started, at most max
// times. It returns every focus stop and the number of focusable elements.
func TabSequence(ctx context.Context, url string, max int) (seq []Focus, focusable int, err error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return nil, 0, err
	}
	focusable, err = chromedp.Run(ctx, chromedp.Evaluate[int](script("focusables.js")))
	if err != nil {
		return nil, 0, err
	}
	for range max {
		if err := press(ctx, kb.Tab); err != nil {
			return nil, 0, err
		}
		f, err := ReadFocus(ctx)
		if err != nil {
			return nil, 0, err
		}
		if f == nil {
			if len(seq) > 0 {
				break
			}
			continue
		}
		if len(seq) > 0 && f.Index >= 0 && f.Index == seq[0].Index {
			break
		}
		seq = append(seq, *f)
	}
	return seq, focusable, nil
}

// tolerance absorbs sub-pixel differences between boxes on one line.
const tolerance = 2

// OrderProblems checks a Tab sequence against the page's focusable
// elements (focusable of them, see TabSequence) and their position on
// screen. The order must follow the document, reach every focusable
// element and stop on nothing else, and move down the page, or to the
// right on the same line.
func OrderProblems(seq []Focus, focusable int) []string {
	var p []string
	seen := map[int]bool{}
	for i, f := range seq {
		if f.Back {
			p = append(p, fmt.Sprintf("Tab goes back in the document: stop %d %s comes after %s", i+1, f, seq[i-1]))
		}
		if f.Index < 0 {
			p = append(p, fmt.Sprintf("Tab stops on %s, which is not an interactive element", f))
		}
		seen[f.Index] = true
	}
	missed := 0
	for i := range focusable {
		if !seen[i] {
			missed++
		}
	}
	if missed > 0 {
		p = append(p, fmt.Sprintf("%d of %d focusable elements are never reached with Tab", missed, focusable))
	}
	for i := 1; i < len(seq); i++ {
		a, b := seq[i-1].Last, seq[i].First
		if a.W == 0 && a.H == 0 || b.W == 0 && b.H == 0 {
			continue
		}
		below := b.Y >= a.Y+a.H-tolerance
		sameLine := b.Y < a.Y+a.H-tolerance && b.Y+b.H > a.Y+tolerance
		right := b.X >= a.X-tolerance
		if below || sameLine && right {
			continue
		}
		where := "above"
		if sameLine {
			where = "to the left of"
		}
		p = append(p, fmt.Sprintf("Tab stop %d %s is %s the stop before it, %s", i+1, seq[i], where, seq[i-1]))
	}
	return p
}

// WatchCSP makes every page loaded later in the tab of ctx record the
// Content-Security-Policy violations it reports; CSPViolations reads them.
func WatchCSP(ctx context.Context) error {
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__a11yCSP = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__a11yCSP.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at line " + e.lineNumber);
});`,
	})
	return err
}

// CSPViolations returns the Content-Security-Policy violations the page of
// ctx has reported since it was loaded (see WatchCSP).
func CSPViolations(ctx context.Context) ([]string, error) {
	// Violations are reported asynchronously; let pending ones arrive.
	if err := settle(ctx); err != nil {
		return nil, err
	}
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__a11yCSP || ["the CSP watcher is not installed"]`))
}

// Message is one message of the Nu HTML Checker.
type Message struct {
	Type        string `json:"type"`    // error, info, non-document-error
	SubType     string `json:"subType"` // e.g. fatal, warning
	URL         string `json:"url"`
	LastLine    int    `json:"lastLine"`
	FirstColumn int    `json:"firstColumn"`
	Message     string `json:"message"`
	Extract     string `json:"extract"`
}

func (m Message) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", strings.TrimPrefix(m.URL, "file:"), m.LastLine, m.FirstColumn, m.Type, m.Message)
}

// VNU runs the Nu HTML Checker (vnu.jar, with the java command) over files
// in one JVM and returns its errors. A non-nil error means the checker
// could not run or its report could not be read.
func VNU(ctx context.Context, java, jar string, files []string) ([]Message, error) {
	if len(files) == 0 {
		return nil, errors.New("vnu: no files to check")
	}
	args := append([]string{"-jar", jar, "--errors-only", "--format", "json"}, files...)
	cmd := exec.CommandContext(ctx, java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run() // exits 1 when it finds errors; the report says which
	var report struct {
		Messages []Message `json:"messages"`
	}
	out := stderr.Bytes() // vnu writes its JSON report to standard error
	if len(bytes.TrimSpace(out)) == 0 {
		out = stdout.Bytes()
	}
	if err := json.Unmarshal(out, &report); err != nil {
		return nil, fmt.Errorf("vnu: %v; reading its report: %w\n%s", runErr, err, truncate(out, 2000))
	}
	if runErr != nil && len(report.Messages) == 0 {
		return nil, fmt.Errorf("vnu: %w\n%s", runErr, truncate(stderr.Bytes(), 2000))
	}
	var errs []Message
	for _, m := range report.Messages {
		if m.Type == "error" || m.Type == "non-document-error" {
			errs = append(errs, m)
		}
	}
	return errs, nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
