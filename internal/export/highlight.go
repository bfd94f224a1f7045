package export

import (
	"html/template"
	"strings"

	"github.com/stratpub/stratpub/internal/highlight"
)

// HighlightAsset is the logical asset name of the style sheet of
// highlighted samples.
const HighlightAsset = "highlight.css"

// Sample returns the first lines of a data file, highlighted for its
// format, with a final "…" line when the file is longer. The HTML uses CSS
// classes only (see HighlightCSS), so that the pages work under a
// Content-Security-Policy without 'unsafe-inline'.
func Sample(f File, lines int) (template.HTML, error) {
	text := strings.TrimPrefix(string(f.Data), bom)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	all := strings.SplitAfterN(text, "\n", lines+1)
	if len(all) > lines {
		all = append(all[:lines], "…\n")
	}
	return highlight.HTML(f.Lang, strings.Join(all, ""), highlight.Options{})
}

// HighlightCSS returns the style sheet of the highlighted samples: the
// light style, and the dark one when the reader prefers a dark scheme.
func HighlightCSS() []byte { return highlight.CSS() }
