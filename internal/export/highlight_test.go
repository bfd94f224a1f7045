package export_test

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	. "github.com/stratpub/stratpub/internal/export"
)

var cssRule = regexp.MustCompile(`(?m)^\s*(?:/\*[^*]*\*/\s*)?([^{}@]+?)\s*\{([^}]*)\}`)

// colors parses the rules of a chroma style sheet into selector → property
// → value.
func colors(css string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, m := range cssRule.FindAllStringSubmatch(css, -1) {
		props := map[string]string{}
		for _, decl := range strings.Split(m[2], ";") {
			k, v, ok := strings.Cut(decl, ":")
			if ok {
				props[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		out[strings.TrimSpace(m[1])] = props
	}
	return out
}

func luminance(hex string) (float64, error) {
	hex = strings.TrimPrefix(hex, "#")
	if len(hex) != 6 {
		return 0, fmt.Errorf("colour %q is not #rrggbb", hex)
	}
	var l [3]float64
	for i := range 3 {
		v, err := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
		if err != nil {
			return 0, err
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			l[i] = c / 12.92
		} else {
			l[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2], nil
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(a, b string) (float64, error) {
	la, err := luminance(a)
	if err != nil {
		return 0, err
	}
	lb, err := luminance(b)
	if err != nil {
		return 0, err
	}
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05), nil
}

// sampleClasses returns the token classes used in the samples of the Data
// page.
func sampleClasses(t *testing.T, page []byte) []string {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	var walk func(n *html.Node, inPre bool)
	walk = func(n *html.Node, inPre bool) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "style" {
					t.Errorf("inline style on <%s>: %q", n.Data, a.Val)
				}
				if a.Key == "class" && n.Data == "pre" && a.Val == "chroma" {
					inPre = true
				}
				if a.Key == "class" && inPre && n.Data == "span" && a.Val != "line" && a.Val != "cl" && !seen[a.Val] {
					seen[a.Val] = true
					out = append(out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inPre)
		}
	}
	walk(doc, false)
	return out
}

// TestSampleContrast requires every token colour of the highlighted
// samples to meet WCAG AA (4.5:1) on the sample background, in the light
// and in the dark style.
func TestSampleContrast(t *testing.T) {
	s := cbp(t)
	page := siteFile(t, s, "data/index.html")
	classes := sampleClasses(t, page)
	if len(classes) < 3 {
		t.Fatalf("the Data page samples use %d token classes (%v); are they highlighted?", len(classes), classes)
	}
	css := string(HighlightCSS())
	light, dark, ok := strings.Cut(css, "@media (prefers-color-scheme: dark)")
	if !ok {
		t.Fatal("no dark style in the highlighting style sheet")
	}
	for _, mode := range []struct{ name, css string }{{"light", light}, {"dark", dark}} {
		rules := colors(mode.css)
		bg := rules[".chroma"]["background-color"]
		fg := rules[".chroma"]["color"]
		if bg == "" || fg == "" {
			t.Fatalf("%s: no .chroma colours", mode.name)
		}
		check := func(what, color string) {
			c, err := contrast(color, bg)
			if err != nil {
				t.Errorf("%s %s: %v", mode.name, what, err)
			} else if c < 4.5 {
				t.Errorf("%s: %s %s on %s has contrast %.2f, below 4.5", mode.name, what, color, bg, c)
			}
		}
		check("text", fg)
		for _, cl := range classes {
			// A class without a rule has the text colour, checked above.
			if c := rules[".chroma ."+cl]["color"]; c != "" {
				check("."+cl, c)
			}
		}
	}
}

// TestContrastNegative is the negative control of the contrast check.
func TestContrastNegative(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#777777", "#ffffff", 4.48},
		{"#ffffff", "#ffffff", 1},
	} {
		got, err := contrast(tt.a, tt.b)
		if err != nil || math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.2f, %v; want %.2f", tt.a, tt.b, got, err, tt.want)
		}
	}
	if _, err := contrast("red", "#ffffff"); err == nil {
		t.Error("a colour name was accepted")
	}
}
