package load

import (
	"testing"

	"github.com/stratpub/stratpub/internal/yamlblock"
)

func TestSecondDocumentInFrontMatter(t *testing.T) {
	src := "---\ntype: goal\nnumber: 1\n--- a note\n---\nbody\n"
	_, err := Parse("content/g.md", []byte(src))
	if err == nil {
		t.Fatal("front matter with a second YAML document was accepted")
	}
	if got := err.Pos.String(); got != "content/g.md:4:1" {
		t.Errorf("position %s, want content/g.md:4:1 (%v)", got, err)
	}
	if err.Msg != "invalid front matter: "+yamlblock.SecondDocument {
		t.Errorf("message %q", err.Msg)
	}
	// An ordinary document still parses.
	if _, err := Parse("content/g.md", []byte("---\ntype: goal\n---\nbody\n")); err != nil {
		t.Errorf("plain front matter: %v", err)
	}
}
