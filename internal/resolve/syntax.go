package resolve

import "strings"

// Matchers of the few fixed forms resolve checks, written out rather than
// as regular expressions, which every process compiled at start-up and the
// sorting of objectives ran again and again. syntax_test.go holds the
// expressions they follow and compares them on every short string.

// isSlug reports whether s is runs of lower-case letters and digits
// joined by single hyphens: ^[a-z0-9]+(-[a-z0-9]+)*$.
func isSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// splitObjectiveNumber splits an objective number "G.N", two numbers from
// 1 without leading zeros, into its goal's number and its position:
// ^([1-9][0-9]*)\.([1-9][0-9]*)$.
func splitObjectiveNumber(s string) (goal, n string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			goal, n = s[:i], s[i+1:]
			return goal, n, isNumber(goal) && isNumber(n)
		}
	}
	return "", "", false
}

// isNumber reports whether s is a number from 1 without leading zeros.
func isNumber(s string) bool {
	if s == "" || s[0] == '0' {
		return false
	}
	return allIn(s, digit)
}

// isDate reports whether s is written YYYY-MM-DD: ^\d{4}-\d{2}-\d{2}$.
func isDate(s string) bool {
	return len(s) == 10 && s[4] == '-' && s[7] == '-' &&
		allIn(s[:4], digit) && allIn(s[5:7], digit) && allIn(s[8:], digit)
}

// isLanguageTag reports whether s has the form of a BCP 47 language tag:
// ^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$.
func isLanguageTag(s string) bool {
	lang, rest, more := strings.Cut(s, "-")
	if len(lang) < 2 || len(lang) > 3 || !allIn(lang, letter) {
		return false
	}
	for more {
		var sub string
		sub, rest, more = strings.Cut(rest, "-")
		if len(sub) < 1 || len(sub) > 8 || !allIn(sub, alnum) {
			return false
		}
	}
	return true
}

// isHostName reports whether s is a host name: labels of letters, digits
// and inner hyphens, joined by dots, with an optional final dot:
// ^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$.
func isHostName(s string) bool {
	if len(s) > 1 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	for {
		label, rest, more := strings.Cut(s, ".")
		if label == "" || !alnum(label[0]) || !alnum(label[len(label)-1]) {
			return false
		}
		for i := 1; i < len(label)-1; i++ {
			if !alnum(label[i]) && label[i] != '-' {
				return false
			}
		}
		if !more {
			return true
		}
		s = rest
	}
}

func allIn(s string, class func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !class(s[i]) {
			return false
		}
	}
	return true
}

func digit(c byte) bool  { return '0' <= c && c <= '9' }
func letter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func alnum(c byte) bool  { return digit(c) || letter(c) }
