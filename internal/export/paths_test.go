package export

import (
	"slices"
	"testing"

	"github.com/stratpub/stratpub/internal/plan"
)

// TestPathsMatchFiles keeps Paths, which pages use before the files are
// made, in step with Files.
func TestPathsMatchFiles(t *testing.T) {
	files, err := Files(&plan.Plan{Pub: plan.Publication{Title: "T", Organization: "O", Period: "2025", Language: "en", Date: "2025-01-01"}, Refs: map[string]*plan.Ref{}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Path)
	}
	if !slices.Equal(got, Paths()) {
		t.Errorf("Files makes %v; Paths says %v", got, Paths())
	}
}
