package search_test

import (
	"bytes"
	"crypto/sha512"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/search"
	"github.com/stratpub/stratpub/internal/sitetest"
)

// hostile are strings that test the words and the JSON escaping: HTML,
// control characters, JavaScript line separators, invalid UTF-8, letters
// whose lower case is longer or shorter in UTF-8 or ASCII, digits of other
// scripts, web addresses and long texts cut inside a rune.
var hostile = []string{
	"",
	"Plain words, the plain Words; of OUR plan.",
	`<script>alert("x & y")</script> <!-- --> &amp; </p>`,
	"\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f",
	"\b\f\n\r\t tab\tnew\nline",
	`"quoted" \back\slash\ /slash/`,
	"line\u2028separator\u2029paragraph",
	"invalid \xff\xfe bytes \xc3 \xe2\x80 \xed\xa0\x80 \xf4\x90\x80\x80 end\xe2",
	"İstanbul ΣΊΣΥΦΟΣ Straße ǅungla ǈ Ⅻ ⅻ ⓐⒶ 𝔄𝔅 ½ ٣٤ Kelvin Å ﬁne ΐ ẞ",
	"Ωmega Ꙁ Ᏸ ꭰ 𐐀𐐨 𞤀 ᲐᲑ Ⴀ µ ª º ² ³ ¹ ǰ Ϋ́",
	"www.example.com and http://x.y/z and https://y.example/a?b=c foo://bar ok",
	"see:https://a.b (www.c.d) HTTP://UPPER.case Www.Mixed.case",
	"nbsp\u00a0between nel\u0085between ideographic\u3000space em\u2003space",
	"biometric biometrics bio Biometric BIOMETRICS biometry",
	"👍🏽 emoji e\u0301 decomposed é composed \ufeffbom \ufffd replacement",
	strings.Repeat("é", 100) + " after",
	strings.Repeat("x", 159) + "€ cut inside a rune",
	strings.Repeat("word ", 40) + "end",
	"a b c d e 1 2 3 covid-19 COVID-19 x86_64 3.14 1,000",
}

// synthPlan makes a plan with every kind of document whose texts are
// taken from strs in turn.
func synthPlan(lang string, strs []string, shift int) *plan.Plan {
	n := shift
	next := func() string {
		n++
		return strs[n%len(strs)]
	}
	body := func(notes int) plan.Body {
		b := plan.NewBody(body(next()))
		for range notes {
			b.Footnotes = append(b.Footnotes, &plan.Footnote{Text: next()})
		}
		return b
	}
	figs := func(k int) []*plan.Figure {
		var fs []*plan.Figure
		for range k {
			fs = append(fs, &plan.Figure{Caption: next(), Credit: next()})
		}
		return fs
	}
	p := &plan.Plan{Pub: plan.Publication{Language: lang}}
	for i := range 3 {
		summary := ""
		if i == 1 {
			summary = next()
		}
		p.Front = append(p.Front, &plan.Section{Ref: plan.Ref{Page: fmt.Sprintf("%s%d/index.html", next(), i), Title: next()}, Summary: summary, Body: body(i), Figures: figs(i)})
	}
	for g := range 2 {
		goal := &plan.Goal{Ref: plan.Ref{Page: fmt.Sprintf("goals/%d/index.html", g), Title: next()}, Statement: next(), Intro: body(g), Figures: figs(1 - g)}
		for o := range 2 {
			obj := &plan.Objective{Ref: plan.Ref{Page: fmt.Sprintf("objectives/%d.%d/%s", g, o, next()), Title: next()}, Statement: next(), Narrative: body(o + 1), Figures: figs(o)}
			for k := range 2 + o {
				obj.Outcomes = append(obj.Outcomes, &plan.Item{Ref: plan.Ref{Page: obj.Ref.Page, Fragment: fmt.Sprintf("o%d%s", k, next()), Title: next()}, Text: next()})
				obj.Activities = append(obj.Activities, &plan.Item{Ref: plan.Ref{Page: obj.Ref.Page, Fragment: fmt.Sprintf("a%d", k), Title: next()}, Text: next()})
			}
			goal.Objectives = append(goal.Objectives, obj)
		}
		p.Goals = append(p.Goals, goal)
	}
	p.Back = append(p.Back, &plan.Section{Ref: plan.Ref{Page: "back/index.html", Title: next()}, Body: body(2)})
	return p
}

// checkScript holds Script, Build and Make to the reference.
func checkScript(t *testing.T, p *plan.Plan) {
	t.Helper()
	want := refScript(p)
	got, err := search.Script(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Script differs from the reference:\n got %s\nwant %s", diffAt(got, want), diffAt(want, got))
	}
	if got := refEncode(search.Build(p)); !bytes.Equal(got, want) {
		t.Fatalf("Build differs from the reference:\n got %s\nwant %s", diffAt(got, want), diffAt(want, got))
	}
	// The SHA-384 of the bytes, made in the same pass without a Cache and
	// from the kept documents with one; none from Make.
	sum := sha512.Sum384(want)
	for _, c := range []*search.Cache{nil, {}} {
		s, err := c.MakeHashed(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(s.SHA384(), sum[:]) || !bytes.Equal(s.Bytes(), want) {
			t.Fatalf("MakeHashed (with a Cache: %v): SHA-384 %x, of the bytes %x; same bytes: %v", c != nil, s.SHA384(), sum, bytes.Equal(s.Bytes(), want))
		}
		if s, _ := c.Make(p); s.SHA384() != nil {
			t.Fatal("Make gives a SHA-384")
		}
	}
}

// diffAt shows a's bytes around the first difference with b.
func diffAt(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return fmt.Sprintf("at %d: %q", i, a[max(i-60, 0):min(i+60, len(a))])
}

func TestScriptLikeReference(t *testing.T) {
	t.Run("CBP", func(t *testing.T) {
		_, s := cbp(t)
		checkScript(t, s.Plan)
	})
	t.Run("small", func(t *testing.T) {
		s := sitetest.Site(t, sitetest.RepoRoot(t)+"/testdata/small")
		checkScript(t, s.Plan)
	})
	for _, lang := range []string{"en", "en-US", "fr", ""} {
		for shift := range len(hostile) {
			t.Run(fmt.Sprintf("hostile/%s/%d", lang, shift), func(t *testing.T) {
				checkScript(t, synthPlan(lang, hostile, shift))
			})
		}
	}
	t.Run("empty", func(t *testing.T) {
		checkScript(t, &plan.Plan{})
	})
}

// texts returns every text of a plan that goes into the index.
func texts(p *plan.Plan) []string {
	var out []string
	body := func(b plan.Body, figs []*plan.Figure) {
		out = append(out, b.Text())
		for _, f := range b.Footnotes {
			out = append(out, f.Text)
		}
		for _, f := range figs {
			out = append(out, f.Caption, f.Credit)
		}
	}
	for _, s := range append(slices.Clone(p.Front), p.Back...) {
		out = append(out, s.Ref.Title, s.Summary)
		body(s.Body, s.Figures)
	}
	for _, g := range p.Goals {
		out = append(out, g.Ref.Title, g.Statement)
		body(g.Intro, g.Figures)
		for _, o := range g.Objectives {
			out = append(out, o.Ref.Title, o.Statement)
			body(o.Narrative, o.Figures)
			for _, it := range append(slices.Clone(o.Outcomes), o.Activities...) {
				out = append(out, it.Ref.Title, it.Text)
			}
		}
	}
	return out
}

// unicodeText is every rune whose lower case differs from it or that is a
// letter or digit with a case mapping nearby, with spaces, in runs.
func unicodeText() string {
	var b strings.Builder
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		if unicode.ToLower(r) != r || unicode.ToUpper(r) != r || unicode.ToTitle(r) != r || (r < 0x3000 && (unicode.IsLetter(r) || unicode.IsNumber(r))) {
			b.WriteRune(r)
			if r%7 == 0 {
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

func checkTerms(t *testing.T, text, skip string, stop map[string]bool) {
	t.Helper()
	if got, want := search.Tokens(text), refTokens(text); !slices.Equal(got, want) {
		t.Fatalf("Tokens(%q) = %q, want %q", text, got, want)
	}
	if got, want := search.Terms(text, stop, skip), refTerms(text, stop, skip); !slices.Equal(got, want) {
		t.Fatalf("Terms(%q, %q) = %q, want %q", text, skip, got, want)
	}
}

func TestTermsLikeReference(t *testing.T) {
	stop := map[string]bool{"the": true, "of": true, "and": true, "ǆ": true, "straße": true, "off": false}
	_, s := cbp(t)
	all := texts(s.Plan)
	for i, text := range all {
		checkTerms(t, text, all[(i+1)%len(all)], stop)
	}
	checkTerms(t, strings.Join(all, " "), "", stop)
	u := unicodeText()
	checkTerms(t, u, "", stop)
	checkTerms(t, u, u[:len(u)/2], stop)
	for _, a := range hostile {
		for _, b := range hostile {
			checkTerms(t, a+b, b, stop)
			checkTerms(t, a, b, nil)
		}
	}
	// Every byte value, alone and after each kind of rune.
	for c := range 256 {
		for _, p := range []string{"", "a", "é", "€", "𝔄"} {
			checkTerms(t, p+string(rune(c))+"x"+p+string([]byte{byte(c)})+"yz", "", stop)
		}
	}
}

// TestMakeIncremental makes the index of a series of changed plans with
// one Cache: every result must be the index made from nothing, and its
// Sum must change exactly when its bytes do.
func TestMakeIncremental(t *testing.T) {
	_, site := cbp(t)
	base := site.Plan
	plans := []*plan.Plan{base, base}
	edit := func(f func(p *plan.Plan)) {
		p := clonePlan(plans[len(plans)-1])
		f(p)
		plans = append(plans, p)
	}
	edit(func(p *plan.Plan) { n := &p.Goals[0].Objectives[0].Narrative; n.SetHTML(n.HTML() + " zymurgy") })
	edit(func(p *plan.Plan) {
		// The same text in new bytes: nothing changes.
		n := &p.Goals[0].Objectives[0].Narrative
		n.SetHTML(template.HTML([]byte(n.HTML())))
	})
	edit(func(p *plan.Plan) {
		// A change of one letter, keeping the length.
		n := &p.Goals[0].Objectives[1].Narrative
		b := []byte(n.HTML())
		b[len(b)/2] ^= 1
		n.SetHTML(template.HTML(b))
	})
	edit(func(p *plan.Plan) { p.Goals[1].Objectives[0].Outcomes[0].Text = "A <new> & \u2028 outcome" })
	edit(func(p *plan.Plan) { p.Goals[1].Objectives[0].Ref.Title += " renamed" })
	edit(func(p *plan.Plan) {
		o := p.Goals[0].Objectives[2]
		o.Activities = append([]*plan.Item{{Ref: plan.Ref{Page: o.Ref.Page, Fragment: "new", Title: "New activity"}, Text: "Inserted first"}}, o.Activities...)
	})
	edit(func(p *plan.Plan) {
		its := p.Goals[0].Objectives[1].Outcomes
		its[0], its[len(its)-1] = its[len(its)-1], its[0]
	})
	edit(func(p *plan.Plan) {
		// An objective moves to the next goal.
		g, h := p.Goals[0], p.Goals[1]
		h.Objectives = append([]*plan.Objective{g.Objectives[0]}, h.Objectives...)
		g.Objectives = g.Objectives[1:]
	})
	edit(func(p *plan.Plan) {
		// Two sections on one page.
		p.Back = append(p.Back, p.Back[0])
	})
	edit(func(p *plan.Plan) { p.Back = p.Back[:len(p.Back)-1] })
	edit(func(p *plan.Plan) { p.Goals = p.Goals[1:] })
	edit(func(p *plan.Plan) { p.Front = append(p.Front[1:], p.Front[0]) })
	edit(func(p *plan.Plan) {
		n := &p.Goals[0].Intro
		n.Footnotes = append(n.Footnotes, &plan.Footnote{Text: "a note on xylography"})
	})
	edit(func(p *plan.Plan) {
		p.Goals[0].Intro.Footnotes[len(p.Goals[0].Intro.Footnotes)-1].Text = "a note on xylophones"
	})
	edit(func(p *plan.Plan) {
		p.Back[0].Figures = append(p.Back[0].Figures, &plan.Figure{Caption: "quokka", Credit: "photo"})
	})
	edit(func(p *plan.Plan) { p.Back[0].Figures[len(p.Back[0].Figures)-1].Credit = "photograph" })
	edit(func(p *plan.Plan) { p.Front[0].Summary = "" })
	edit(func(p *plan.Plan) { p.Pub.Language = "fr" })
	edit(func(p *plan.Plan) { p.Pub.Language = "en" })
	plans = append(plans, base, synthPlan("en", hostile, 0), synthPlan("en", hostile, 1), base)

	var c search.Cache
	var last []byte
	var lastSum [32]byte
	for i, p := range plans {
		s, err := c.Make(p)
		if err != nil {
			t.Fatal(err)
		}
		want := refScript(p)
		if got := s.Bytes(); !bytes.Equal(got, want) {
			t.Fatalf("plan %d: Make differs from the reference:\n got %s\nwant %s", i, diffAt(got, want), diffAt(want, got))
		}
		cold, _ := (*search.Cache)(nil).Make(p)
		if s.Sum() != cold.Sum() {
			t.Errorf("plan %d: Sum differs from the Sum of the index made from nothing", i)
		}
		if i > 0 && bytes.Equal(want, last) != (s.Sum() == lastSum) {
			t.Errorf("plan %d: the bytes changed: %v; the Sum changed: %v", i, !bytes.Equal(want, last), s.Sum() != lastSum)
		}
		last, lastSum = want, s.Sum()
	}
}

// clonePlan copies the parts of a plan that the index reads, so that they
// can be changed without changing p.
func clonePlan(p *plan.Plan) *plan.Plan {
	q := *p
	body := func(b plan.Body) plan.Body {
		b.Footnotes = slices.Clone(b.Footnotes)
		for i, f := range b.Footnotes {
			c := *f
			b.Footnotes[i] = &c
		}
		return b
	}
	figs := func(fs []*plan.Figure) []*plan.Figure {
		fs = slices.Clone(fs)
		for i, f := range fs {
			c := *f
			fs[i] = &c
		}
		return fs
	}
	secs := func(ss []*plan.Section) []*plan.Section {
		ss = slices.Clone(ss)
		for i, s := range ss {
			c := *s
			c.Body, c.Figures = body(c.Body), figs(c.Figures)
			ss[i] = &c
		}
		return ss
	}
	items := func(its []*plan.Item) []*plan.Item {
		its = slices.Clone(its)
		for i, it := range its {
			c := *it
			its[i] = &c
		}
		return its
	}
	q.Front, q.Back = secs(p.Front), secs(p.Back)
	q.Goals = slices.Clone(p.Goals)
	for i, g := range q.Goals {
		c := *g
		c.Intro, c.Figures = body(c.Intro), figs(c.Figures)
		c.Objectives = slices.Clone(c.Objectives)
		for j, o := range c.Objectives {
			d := *o
			d.Narrative, d.Figures = body(d.Narrative), figs(d.Figures)
			d.Outcomes, d.Activities = items(d.Outcomes), items(d.Activities)
			c.Objectives[j] = &d
		}
		q.Goals[i] = &c
	}
	q.Refs = maps.Clone(p.Refs)
	return &q
}

// TestConcurrent makes indexes with one Cache from several goroutines and
// reads one index's bytes from several goroutines (go test -race).
func TestConcurrent(t *testing.T) {
	_, site := cbp(t)
	plans := []*plan.Plan{site.Plan, synthPlan("en", hostile, 0), synthPlan("fr", hostile, 3)}
	var c search.Cache
	done := make(chan error)
	for i := range 6 {
		go func() {
			p := plans[i%len(plans)]
			s, err := c.Make(p)
			if err == nil && !bytes.Equal(s.Bytes(), refScript(p)) {
				err = fmt.Errorf("plan %d: Make differs from the reference", i%len(plans))
			}
			done <- err
		}()
	}
	s, err := c.Make(plans[0])
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		go func() {
			var err error
			if !bytes.Equal(s.Bytes(), refScript(plans[0])) {
				err = fmt.Errorf("Bytes differs from the reference")
			}
			done <- err
		}()
	}
	for range 10 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
