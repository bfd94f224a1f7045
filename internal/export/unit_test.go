package export

import (
	"testing"

	"github.com/stratpub/stratpub/internal/plan"
)

func TestStratMLRejectsBadIDs(t *testing.T) {
	c := &idChecker{ids: map[string]bool{}}
	c.add("goal-1")
	c.add("goal-1")
	if c.err == nil {
		t.Error("a duplicate identifier was accepted")
	}
	for _, id := range []string{"1.1", "", "-a", ".a", "a b", "a:b", "é", "a\n"} {
		c = &idChecker{ids: map[string]bool{}}
		c.add(id)
		if c.err == nil {
			t.Errorf("identifier %q, not an NCName, was accepted", id)
		}
	}
	for _, id := range []string{"a", "_", "Z", "a1.2-3_x", "objective-1.10"} {
		c = &idChecker{ids: map[string]bool{}}
		c.add(id)
		if c.err != nil {
			t.Errorf("identifier %q was rejected: %v", id, c.err)
		}
	}
}

func TestEscape(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"a & b < c > d", "a &amp; b &lt; c &gt; d"},
		{"line\nbreak", "line\nbreak"},
		{"bell\a and \ufffe", "bell and "},
	} {
		if got := string(appendEscape(nil, tt.in, false)); got != tt.want {
			t.Errorf("escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := string(appendEscape(nil, "say \"hi\"\n", true)); got != "say &quot;hi&quot;&#xA;" {
		t.Errorf("attribute escape = %q", got)
	}
}

func TestPermalink(t *testing.T) {
	pub := &plan.Publication{BaseURL: "https://example.org/plan/"}
	for _, tt := range []struct{ in, want string }{
		{"objectives/1.3/index.html#activity-1.3.2", "https://example.org/plan/objectives/1.3/#activity-1.3.2"},
		{"index.html", "https://example.org/plan/"},
		{"index.html#priority-x", "https://example.org/plan/#priority-x"},
	} {
		if got := permalink(pub, tt.in); got != tt.want {
			t.Errorf("permalink(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := permalink(&plan.Publication{}, "goals/1/index.html"); got != "goals/1/index.html" {
		t.Errorf("without a base URL: %q", got)
	}
}
