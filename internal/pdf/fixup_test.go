package pdf

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stratpub/stratpub/internal/plan"
)

// untagged counts text-showing operators outside marked content.
func untagged(t *testing.T, b []byte) int {
	t.Helper()
	ins, err := tokenize(b)
	if err != nil {
		t.Fatal(err)
	}
	depth, n := 0, 0
	for _, in := range ins {
		switch {
		case in.op == "BDC" || in.op == "BMC":
			depth++
		case in.op == "EMC":
			depth--
		case textShow[in.op] && depth == 0:
			n++
		}
	}
	return n
}

func TestArtifacts(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wrapped int
	}{
		{"tagged", "/P <</MCID 0>> BDC BT /F1 9 Tf (a) Tj ET EMC", 0},
		{"margin box", "q BT /F1 9 Tf 1 0 0 -1 8 22 Tm <0036> Tj ET Q", 1},
		{"border", "0 0 m 10 0 l S", 1},
		{"clip only", "0 0 10 10 re W n", 0},
		{"mixed text object", "BT /Span <</MCID 1>> BDC (a) Tj EMC (b) Tj [(c)] TJ ET", 2},
		{"image", "q 10 0 0 10 0 0 cm /Im1 Do Q", 1},
		{"string with operators", "BT (BT ET\\) EMC) Tj ET", 1},
		{"dictionary operand", "/NonStruct <</MCID 0 /Lang (en)>> BDC 8 23 132.875 1 re f EMC 1 1 m 2 2 l f", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, n, err := artifacts([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.wrapped {
				t.Errorf("wrapped %d; want %d\n%s", n, tt.wrapped, out)
			}
			if u := untagged(t, out); u != 0 {
				t.Errorf("%d text operators still untagged:\n%s", u, out)
			}
			ins, err := tokenize(out)
			if err != nil {
				t.Fatal(err)
			}
			depth := 0
			for _, in := range ins {
				switch in.op {
				case "BDC", "BMC":
					depth++
				case "EMC":
					depth--
				}
				if depth < 0 {
					break
				}
			}
			if depth != 0 {
				t.Errorf("unbalanced marked content:\n%s", out)
			}
		})
	}
	// Negative control: the checker sees untagged text.
	if untagged(t, []byte("BT (x) Tj ET")) != 1 {
		t.Error("negative control: untagged text not seen")
	}
}

// minimal is a small untagged PDF with one page, a link and an outline.
func minimal() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	objs := []string{
		"<</Type /Catalog /Pages 2 0 R /Dests <</goal-1 [3 0 R /XYZ 0 792 0]>> /Outlines 6 0 R>>",
		"<</Type /Pages /Kids [3 0 R] /Count 1>>",
		"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [5 0 R]>>",
		"<</Length 27>>\nstream\nBT /F1 9 Tf (Goal) Tj ET\n\nendstream",
		"<</Type /Annot /Subtype /Link /Rect [0 0 10 10] /Dest /goal-1>>",
		"<</Type /Outlines /First 7 0 R /Last 7 0 R /Count 1>>",
		"<</Title <FEFF0047006F0061006C2013> /Parent 6 0 R /Dest /goal-1>>",
		"<</Title (x) /CreationDate (D:20990101000000Z)>>",
	}
	off := make([]int, len(objs))
	for i, o := range objs {
		off[i] = b.Len()
		b.WriteString(strings.Join([]string{itoa(i + 1), " 0 obj\n", o, "\nendobj\n"}, ""))
	}
	x := b.Len()
	b.WriteString("xref\n0 " + itoa(len(objs)+1) + "\n0000000000 65535 f \n")
	for _, o := range off {
		s := itoa(o)
		b.WriteString(strings.Repeat("0", 10-len(s)) + s + " 00000 n \n")
	}
	b.WriteString("trailer\n<</Size " + itoa(len(objs)+1) + " /Root 1 0 R /Info 8 0 R>>\nstartxref\n" + itoa(x) + "\n%%EOF\n")
	return b.Bytes()
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestFixupMinimal(t *testing.T) {
	in := minimal()
	f, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Outline(); len(got) != 1 || got[0].Title != "Goal–" || got[0].Page != 1 {
		t.Errorf("outline = %+v", got)
	}
	date := time.Date(2020, 12, 1, 0, 0, 0, 0, time.UTC)
	out, rep, err := Fixup(in, Meta{Title: "Plan “2026”", Language: "en-US", Date: date, Links: map[string][]string{"#goal-1": {"Goal 1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Artifacts != 1 || rep.LinkContents != 1 {
		t.Errorf("report %+v", rep)
	}
	g, err := Parse(out)
	if err != nil {
		t.Fatalf("re-reading the output: %v", err)
	}
	info, root := g.Info(), g.Root()
	if text(info.Get("Title")) != "Plan “2026”" || text(root.Get("Lang")) != "en-US" {
		t.Errorf("title %q, lang %q", text(info.Get("Title")), text(root.Get("Lang")))
	}
	if s := string(info.Get("CreationDate").(String)); s != "D:20201201000000Z" {
		t.Errorf("CreationDate %s", s)
	}
	annot := g.Dict(g.Dict(g.Pages()[0]).Get("Annots").(Array)[0])
	if text(annot.Get("Contents")) != "Goal 1" {
		t.Errorf("link /Contents %q", text(annot.Get("Contents")))
	}
	md, ok := g.Resolve(root.Get("Metadata")).(*Stream)
	if !ok || !bytes.Contains(md.Data, []byte("<pdfuaid:part>1</pdfuaid:part>")) || !bytes.Contains(md.Data, []byte("2020-12-01T00:00:00Z")) {
		t.Errorf("XMP metadata missing or incomplete")
	}
	again, _, _ := Fixup(in, Meta{Title: "Plan “2026”", Language: "en-US", Date: date, Links: map[string][]string{"#goal-1": {"Goal 1"}}})
	if !bytes.Equal(out, again) {
		t.Error("Fixup is not deterministic")
	}
	if _, err := Parse(in[:len(in)/2]); err == nil {
		t.Error("a truncated PDF parsed")
	}
}

func TestDateAndFileName(t *testing.T) {
	pub := &plan.Publication{Title: "CBP Strategy 2021–2026", Date: "2020-12-01"}
	tests := []struct {
		epoch string
		want  time.Time
	}{
		{"", time.Date(2020, 12, 1, 0, 0, 0, 0, time.UTC)},
		{"1700000000", time.Unix(1700000000, 0).UTC()},
		{"junk", time.Date(2020, 12, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := Date(pub, tt.epoch); !got.Equal(tt.want) {
			t.Errorf("Date(%q) = %v; want %v", tt.epoch, got, tt.want)
		}
	}
	if got := Date(&plan.Publication{}, ""); !got.IsZero() {
		t.Errorf("no date: %v", got)
	}
	if got := FileName(pub); got != "cbp-strategy-2021-2026.pdf" {
		t.Errorf("FileName = %q", got)
	}
}
