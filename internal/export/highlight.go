package export

import (
	"bytes"
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
	return highlight.HTML(f.Lang, sampleText(f.Data, lines), highlight.Options{})
}

// sampleText returns the first lines of data (lines ≥ 0) without the
// byte-order mark, with LF line ends, and a final "…" line when data has
// more than that. It copies only those lines, not the whole file.
func sampleText(data []byte, lines int) string {
	data = bytes.TrimPrefix(data, []byte(bom))
	end, n := 0, 0
	for ; n < lines; n++ {
		j := bytes.IndexByte(data[end:], '\n')
		if j < 0 {
			return strings.ReplaceAll(string(data), "\r\n", "\n")
		}
		end += j + 1
	}
	text := strings.ReplaceAll(string(data[:end]), "\r\n", "\n")
	if end == len(data) {
		return text // exactly that many lines: nothing left out
	}
	return text + "…\n"
}

// HighlightCSS returns the style sheet of the highlighted samples: the
// light style, and the dark one when the reader prefers a dark scheme. It
// is made once and shared: the caller must not modify it.
func HighlightCSS() []byte { return highlight.CSS() }
