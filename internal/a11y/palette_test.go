package a11y_test

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stratpub/stratpub/internal/sitetest"
)

// luminance is the WCAG relative luminance of a #rrggbb colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	if len(hex) != 7 || hex[0] != '#' {
		t.Fatalf("colour %q is not #rrggbb", hex)
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", hex, err)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestContrastFunction is the negative control of TestPalette: known
// pairs on both sides of the thresholds.
func TestContrastFunction(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#777777", "#ffffff", 4.48}, // just below AA for text
		{"#767676", "#ffffff", 4.54}, // just above
		{"#ffffff", "#ffffff", 1},
	} {
		if got := contrast(t, c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.2f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

var customProp = regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;`)

// palettes reads the colour custom properties of the default theme: the
// light palette of :root and the dark one of the prefers-color-scheme
// block, which overrides it.
func palettes(t *testing.T) map[string]map[string]string {
	t.Helper()
	css, err := os.ReadFile(filepath.Join(sitetest.RepoRoot(t), "assets", "site.css"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(css)
	i := strings.Index(s, "@media (prefers-color-scheme: dark)")
	if i < 0 {
		t.Fatal("site.css has no dark colour scheme")
	}
	read := func(block string) map[string]string {
		m := map[string]string{}
		for _, sub := range customProp.FindAllStringSubmatch(block, -1) {
			m[sub[1]] = strings.ToLower(sub[2])
		}
		return m
	}
	light := read(s[:i])
	dark := map[string]string{}
	for k, v := range light {
		dark[k] = v
	}
	end := strings.Index(s[i:], "\n}\n")
	for k, v := range read(s[i : i+end]) {
		dark[k] = v
	}
	return map[string]map[string]string{"light": light, "dark": dark}
}

// TestPalette checks every foreground/background pair the theme uses, in
// both colour schemes: 4.5:1 for text, 3:1 for focus rings and the edges
// of controls. axe-core checks the text it sees on the built pages; this
// also covers states it does not see (focus, visited links, hover-free
// controls on the dark header).
func TestPalette(t *testing.T) {
	const text, ui = 4.5, 3.0
	pairs := []struct {
		fg, bg string
		min    float64
		what   string
	}{
		{"fg", "bg", text, "body text"},
		{"fg", "soft", text, "text on panels and the footer"},
		{"fg", "accent-soft", text, "desired outcome text"},
		{"muted", "bg", text, "secondary text"},
		{"muted", "soft", text, "secondary text on panels and captions"},
		{"link", "bg", text, "links"},
		{"link", "soft", text, "links on panels and the footer"},
		{"link", "accent-soft", text, "links in the desired outcome and highlighted items"},
		{"visited", "bg", text, "visited links"},
		{"visited", "soft", text, "visited links on panels"},
		{"accent", "bg", text, "objective numbers"},
		{"brand-fg", "brand", text, "header text and links"},
		{"tag-fg", "tag-bg", text, "goal tags"},
		{"bg", "accent", text, "button text"},
		{"focus", "bg", ui, "focus ring"},
		{"focus", "soft", ui, "focus ring on panels"},
		{"focus-on-brand", "brand", ui, "focus ring on the header"},
		{"accent", "bg", ui, "accent rules"},
	}
	pals := palettes(t)
	if pals["light"]["bg"] == pals["dark"]["bg"] {
		t.Fatalf("the dark palette was not read: both backgrounds are %s", pals["light"]["bg"])
	}
	for scheme, pal := range pals {
		lowest, at := 100.0, ""
		for _, p := range pairs {
			fg, bg := pal[p.fg], pal[p.bg]
			if fg == "" || bg == "" {
				t.Errorf("%s: --%s or --%s is not defined", scheme, p.fg, p.bg)
				continue
			}
			r := contrast(t, fg, bg)
			if r < p.min {
				t.Errorf("%s %s: --%s %s on --%s %s is %.2f:1, want at least %.1f:1", scheme, p.what, p.fg, fg, p.bg, bg, r, p.min)
			}
			if p.min == text && r < lowest {
				lowest, at = r, p.what
			}
		}
		t.Logf("%s palette: lowest text contrast %.2f:1 (%s)", scheme, lowest, at)
		// The search box is a white field on the header in both schemes:
		// its edge against the header, and the text typed into it.
		if r := contrast(t, "#ffffff", pal["brand"]); r < ui {
			t.Errorf("%s: the search field's edge on the header is %.2f:1", scheme, r)
		}
	}
	if r := contrast(t, "#1b1b1b", "#ffffff"); r < text {
		t.Errorf("search field text is %.2f:1", r)
	}
}
