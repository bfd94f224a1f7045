package search

import (
	"strconv"

	"github.com/stratpub/stratpub/internal/jsontext"
)

// The index is written by hand, without reflection, byte for byte as
// encoding/json writes it with HTML escaping on (json.Marshal): compact,
// with <, > and & escaped so that the text stays inert in any context,
// U+2028 and U+2029 escaped for JavaScript, and invalid UTF-8 replaced by
// U+FFFD. TestEncodeLikeJSON holds it to encoding/json.

// appendString appends s to dst as a JSON string, HTML-escaped.
func appendString(dst []byte, s string) []byte { return jsontext.AppendString(dst, s, true) }

// appendEscaped appends s to dst as the inside of a JSON string,
// HTML-escaped; appending a then b is appending a + b (see
// jsontext.AppendEscaped).
func appendEscaped(dst []byte, s string) []byte { return jsontext.AppendEscaped(dst, s, true) }

// head is the start of the index script, up to the first document.
func head(stop []string) []byte {
	b := []byte("self." + Global + `={"v":` + strconv.Itoa(Version) + `,"stop":[`)
	for i, w := range stop {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, w)
	}
	return append(b, `],"docs":[`...)
}

// tail is the end of the index script, after the last document.
const tail = "]};\n"
