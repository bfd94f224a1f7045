package export_test

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/stratpub/stratpub/internal/export"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/sitetest"
)

// writers pairs each writer with the writer it replaced (reference_test.go)
// and with its streaming form.
var writers = []struct {
	name   string
	fn     func(*plan.Plan) ([]byte, error)
	ref    func(*plan.Plan) ([]byte, error)
	stream func(io.Writer, *plan.Plan) error
	path   string
}{
	{"JSON", JSON, RefJSON, WriteJSON, JSONPath},
	{"CSV", CSV, RefCSV, WriteCSV, CSVPath},
	{"StratML", StratML, RefStratML, WriteStratML, StratMLPath},
	{"StratMLPart2", StratMLPart2, RefStratMLPart2, WriteStratMLPart2, Part2Path},
}

// sameBytes requires every writer to give the bytes of the writer it
// replaced, both as []byte and streamed (through a writer that takes one
// byte at a time, and through Write), and the same errors.
func sameBytes(t *testing.T, name string, p *plan.Plan) {
	t.Helper()
	for _, w := range writers {
		want, wantErr := w.ref(p)
		got, err := w.fn(p)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("%s: %s: error %v, want %v", name, w.name, err, wantErr)
			continue
		}
		if wantErr != nil {
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %s differs from the reference at byte %d:\n got %q\nwant %q", name, w.name, diffAt(got, want), around(got, diffAt(got, want)), around(want, diffAt(got, want)))
			continue
		}
		var buf bytes.Buffer
		if err := w.stream(&buf, p); err != nil || !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s: streamed %s differs (error %v)", name, w.name, err)
		}
		buf.Reset()
		if err := Write(&buf, p, w.path); err != nil || !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s: Write %s differs (error %v)", name, w.path, err)
		}
	}
}

func diffAt(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

func around(b []byte, i int) []byte {
	return b[max(0, i-60):min(len(b), i+60)]
}

func TestSameBytesCBP(t *testing.T) {
	sameBytes(t, "CBP", cbp(t).Plan)
}

func TestSameBytesFixtures(t *testing.T) {
	root := sitetest.RepoRoot(t)
	sameBytes(t, "testdata/small", sitetest.Site(t, filepath.Join(root, "testdata", "small")).Plan)
	for _, base := range []string{"", "https://plans.example.org/2030/", "https://plans.example.org/a&b;c=d@e,f+g$/"} {
		p, err := makeScaled(3, base)
		if err != nil {
			t.Fatal(err)
		}
		sameBytes(t, "3 copies, base URL "+base, p)
	}
	sameBytes(t, "empty", &plan.Plan{Refs: map[string]*plan.Ref{}})
}

// hostile are pieces of text that need escaping in some format, or that
// an escaper might get wrong.
var hostile = []string{
	"", " ", "plain text", "\x00", "\x01", "\x08", "\x0c", "\x1f", "\x7f", "\"", "\\", "/", "<", ">", "&",
	"'", ",", ";", "\n", "\r", "\r\n", "\t", "\u2028", "\u2029", "\u0085", "\u00a0", "\u3000", "\ufffd",
	"\ufffe", "\uffff", "\ud7ff", "\ue000", "\xff", "\xc3", "\xc3(", "\xe2\x82", "\xe2\x80", "\xa8",
	"\xed\xa0\x80", "\xf4\x90\x80\x80", "ü", "–", "€", "😀", "]]>", "&amp;", "&#xA;", `\.`, "\\u2028",
	`="site:`, `<a href="site:goals/1/index.html#goal-1">x</a>`, `<a href="site:index.html">`,
	`href="site:a&amp;b<c>'d#e#f"`, `="site:`, `="site:x`, "index.html", "#", "index.html#",
	"\x80", "- ", "Page: ", "\u2028\u2029",
}

func hostileString(r *rand.Rand) string {
	n := r.IntN(6)
	var b strings.Builder
	for range n {
		b.WriteString(hostile[r.IntN(len(hostile))])
	}
	return b.String()
}

// hostilePlan makes a plan with hostile text in every field; with
// validIDs, the IDs are valid and unique XML IDs, as the StratML writers
// require.
func hostilePlan(r *rand.Rand, validIDs bool) *plan.Plan {
	s := func() string { return hostileString(r) }
	h := func() template.HTML { return template.HTML(s()) }
	n := 0
	id := func(prefix string) string {
		if !validIDs && r.IntN(4) == 0 {
			return s()
		}
		n++
		return fmt.Sprintf("%s-%d", prefix, n)
	}
	ref := func(prefix string) plan.Ref {
		frag := ""
		if r.IntN(2) == 0 {
			frag = s()
		}
		return plan.Ref{ID: id(prefix), Title: s(), Page: s(), Fragment: frag}
	}
	body := func() plan.Body {
		b := plan.NewBody(h())
		for i := range r.IntN(3) {
			b.Footnotes = append(b.Footnotes, &plan.Footnote{N: i + 1, ID: s(), HTML: h(), Text: s()})
		}
		return b
	}
	figures := func() []*plan.Figure {
		var fs []*plan.Figure
		for range r.IntN(3) {
			fs = append(fs, &plan.Figure{ID: s(), Caption: s(), Credit: s(), Image: s(), Alt: s()})
		}
		return fs
	}
	base := ""
	switch r.IntN(3) {
	case 1:
		base = "https://example.org/" + s() + "/"
	case 2:
		base = s()
	}
	p := &plan.Plan{Pub: plan.Publication{
		Title: s(), Subtitle: s(), Organization: s(), Period: s(), Language: s(), BaseURL: base,
		Number: s(), Date: s(), DateLabel: s(), Description: s(), Website: s(), Vision: s(),
		Mission: s(), PrioritiesTitle: s(),
	}, Refs: map[string]*plan.Ref{}}
	for range r.IntN(3) {
		p.Pub.Priorities = append(p.Pub.Priorities, &plan.Priority{Ref: ref("priority"), Slug: s(), Title: s(), Description: s()})
	}
	for i := range r.IntN(3) {
		sec := &plan.Section{Ref: ref("section"), Matter: s(), Order: i - 1, Summary: s(), Figures: figures(), Body: body()}
		if r.IntN(2) == 0 {
			p.Front = append(p.Front, sec)
		} else {
			p.Back = append(p.Back, sec)
		}
	}
	for gi := range 1 + r.IntN(3) {
		g := &plan.Goal{Ref: ref("goal"), Number: gi - 1, Name: s(), Statement: s(), Intro: body(), Figures: figures()}
		p.Goals = append(p.Goals, g)
		for range r.IntN(3) {
			o := &plan.Objective{Ref: ref("objective"), Number: s(), Goal: g, Title: s(), Statement: s(),
				SummaryStatement: s(), StatementHTML: h(), Figures: figures(), Narrative: body()}
			items := func(kind string) []*plan.Item {
				var its []*plan.Item
				for k := range r.IntN(4) {
					its = append(its, &plan.Item{Ref: ref(kind), N: k + 1, HTML: h(), Text: s(), Objective: o})
				}
				return its
			}
			o.Outcomes = items("outcome")
			o.Activities = items("activity")
			g.Objectives = append(g.Objectives, o)
			p.Objectives = append(p.Objectives, o)
		}
	}
	return p
}

func TestSameBytesHostile(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		sameBytes(t, fmt.Sprintf("hostile plan %d", i), hostilePlan(r, i%4 != 0))
		if t.Failed() {
			break
		}
	}
}

// TestStreamErrors checks that a write error stops a writer and is
// returned.
func TestStreamErrors(t *testing.T) {
	p := cbp(t).Plan
	for _, w := range writers {
		err := w.stream(failWriter{}, p)
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: error %v, want disk full", w.name, err)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

// TestSizeEstimates checks that each writer's estimate of its file's size,
// the buffer it fills, is a little over the size: under it, the buffer
// grows by a copy; far over, memory is wasted.
func TestSizeEstimates(t *testing.T) {
	p3, err := makeScaled(3, "https://plans.example.org/2030/")
	if err != nil {
		t.Fatal(err)
	}
	p5, err := makeScaled(5, "")
	if err != nil {
		t.Fatal(err)
	}
	root := sitetest.RepoRoot(t)
	for _, tt := range []struct {
		name string
		p    *plan.Plan
	}{
		{"CBP", cbp(t).Plan},
		{"testdata/small", sitetest.Site(t, filepath.Join(root, "testdata", "small")).Plan},
		{"3 copies with a base URL", p3},
		{"5 copies", p5},
	} {
		for _, w := range writers {
			data, err := w.fn(tt.p)
			if err != nil {
				t.Fatal(err)
			}
			est := SizeEstimates[w.path](tt.p)
			ratio := float64(est) / float64(len(data))
			t.Logf("%s %s: %d bytes, estimate %d (%.3f)", tt.name, w.name, len(data), est, ratio)
			limit := 1.15 // small files have more fixed overhead
			if len(data) < 16<<10 {
				limit = 1.5
			}
			if ratio < 1 || ratio > limit {
				t.Errorf("%s %s: %d bytes, estimated %d (%.3f)", tt.name, w.name, len(data), est, ratio)
			}
		}
	}
}

// TestSamples requires the samples of the CBP files to be those of the
// sample text before it stopped copying whole files.
func TestSamples(t *testing.T) {
	files, err := Files(cbp(t).Plan)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		for _, lines := range []int{0, 1, 14, 1 << 20} {
			got, err := Sample(f, lines)
			if err != nil {
				t.Fatal(err)
			}
			want, err := RefSample(f, lines)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s: sample of %d lines differs", f.Path, lines)
			}
		}
	}
}
