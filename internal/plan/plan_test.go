package plan

import "testing"

func TestExcerpt(t *testing.T) {
	for _, c := range []struct {
		text string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"one two three four", 10, "one two…"},
		{"unbroken-long-word", 8, "unbroken…"},
	} {
		if got := Excerpt(c.text, c.max); got != c.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", c.text, c.max, got, c.want)
		}
	}
}
