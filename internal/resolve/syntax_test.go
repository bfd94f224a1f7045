package resolve

import (
	"regexp"
	"strings"
	"testing"
)

// The expressions the matchers of syntax.go follow.
var (
	slugRE   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	objNumRE = regexp.MustCompile(`^([1-9][0-9]*)\.([1-9][0-9]*)$`)
	dateRE   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	langRE   = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)
	hostRE   = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$`)
)

// syntaxDiffers returns how the matchers and the expressions differ on s,
// or "".
func syntaxDiffers(s string) string {
	var diffs []string
	check := func(what string, got, want bool) {
		if got != want {
			diffs = append(diffs, what)
		}
	}
	check("isSlug", isSlug(s), slugRE.MatchString(s))
	check("isDate", isDate(s), dateRE.MatchString(s))
	check("isLanguageTag", isLanguageTag(s), langRE.MatchString(s))
	check("isHostName", isHostName(s), hostRE.MatchString(s))
	g, n, ok := splitObjectiveNumber(s)
	m := objNumRE.FindStringSubmatch(s)
	if ok != (m != nil) || ok && (g != m[1] || n != m[2]) {
		diffs = append(diffs, "splitObjectiveNumber")
	}
	return strings.Join(diffs, ", ")
}

// TestSyntaxLikeExpressions compares the matchers with the expressions on
// every string of up to six bytes from an alphabet that holds each class
// they tell apart, and on longer strings of the kinds they meet.
func TestSyntaxLikeExpressions(t *testing.T) {
	const alphabet = "a0Z9-.é"
	var gen func(prefix string, n int)
	checked := 0
	gen = func(prefix string, n int) {
		if d := syntaxDiffers(prefix); d != "" {
			t.Errorf("%q: %s differ from the expressions", prefix, d)
		}
		checked++
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(prefix+string(c), n-1)
		}
	}
	gen("", 6)
	for _, s := range []string{
		"counter-terrorism", "executive-summary", "a--b", "-a", "a-", "A-b", "1.3", "12.10", "01.2",
		"1.02", "1.", ".1", "1.2.3", "2020-12-01", "2020-1-01", "20201201", "２０２０-12-01", "en", "en-US",
		"zh-Hant-TW", "e", "engl-US", "en-abcdefghi", "en-", "www.example.gov", "www.example.gov.",
		"-x.gov", "x-.gov", "x..gov", ".", "localhost", "a.b-c.d", "xn--bcher-kva.example", "1.2.3.4",
		"99999999999999999999.1",
	} {
		if d := syntaxDiffers(s); d != "" {
			t.Errorf("%q: %s differ from the expressions", s, d)
		}
		checked++
	}
	t.Logf("%d strings", checked)
}

// TestSyntaxDiffersCanFail is the negative control of syntaxDiffers.
func TestSyntaxDiffersCanFail(t *testing.T) {
	saved := hostRE
	defer func() { hostRE = saved }()
	hostRE = regexp.MustCompile(`^[a-z]+$`)
	if syntaxDiffers("A1.example") == "" {
		t.Error("a changed expression went unnoticed")
	}
}
