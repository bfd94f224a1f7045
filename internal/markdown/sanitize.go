package markdown

import (
	"html"
	"strings"

	xhtml "golang.org/x/net/html"
)

// allowedTags are the elements raw HTML may use when a publication allows
// raw HTML. Everything else is dropped, and the content of script-like
// elements with it.
var allowedTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "blockquote": true, "br": true, "caption": true,
	"cite": true, "code": true, "dd": true, "del": true, "details": true, "dfn": true,
	"div": true, "dl": true, "dt": true, "em": true, "figcaption": true, "figure": true,
	"h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "hr": true, "i": true,
	"img": true, "ins": true, "kbd": true, "li": true, "mark": true, "ol": true, "p": true,
	"pre": true, "q": true, "s": true, "small": true, "span": true, "strong": true,
	"sub": true, "summary": true, "sup": true, "table": true, "tbody": true, "td": true,
	"tfoot": true, "th": true, "thead": true, "time": true, "tr": true, "u": true, "ul": true,
}

// droppedWithContent are elements whose content is dropped along with them.
var droppedWithContent = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true, "embed": true,
	"template": true, "noscript": true, "svg": true, "math": true, "textarea": true,
	"select": true, "title": true, "xmp": true, "noembed": true, "noframes": true, "plaintext": true,
}

var allowedAttrs = map[string]bool{
	"href": true, "src": true, "alt": true, "title": true, "class": true, "id": true,
	"lang": true, "dir": true, "colspan": true, "rowspan": true, "scope": true,
	"headers": true, "datetime": true, "cite": true, "width": true, "height": true,
	"abbr": true, "start": true, "reversed": true, "open": true,
}

// Sanitize filters a fragment of raw HTML: only allowed elements and
// attributes survive, never a script, an event handler, a style, or a URL
// whose scheme is not http, https, mailto, tel or a relative path.
func Sanitize(s string) string {
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return b.String()
		}
		tok := z.Token()
		name := strings.ToLower(tok.Data)
		switch tt {
		case xhtml.TextToken:
			if skip == 0 {
				b.WriteString(html.EscapeString(tok.Data))
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			if droppedWithContent[name] {
				if tt == xhtml.StartTagToken {
					skip++
				}
				continue
			}
			if skip > 0 || !allowedTags[name] {
				continue
			}
			b.WriteByte('<')
			b.WriteString(name)
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" || !allowedAttrs[key] {
					continue
				}
				if (key == "href" || key == "src" || key == "cite") && !SafeURL(a.Val) {
					continue
				}
				b.WriteByte(' ')
				b.WriteString(key)
				b.WriteString(`="`)
				b.WriteString(html.EscapeString(a.Val))
				b.WriteByte('"')
			}
			if tt == xhtml.SelfClosingTagToken {
				b.WriteString(" /")
			}
			b.WriteByte('>')
		case xhtml.EndTagToken:
			if droppedWithContent[name] {
				if skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 || !allowedTags[name] {
				continue
			}
			b.WriteString("</")
			b.WriteString(name)
			b.WriteByte('>')
		}
	}
}

// SafeURL reports whether a URL (already entity-decoded) may appear in a
// link or image: a relative reference, or http, https, mailto or tel.
func SafeURL(u string) bool {
	// Browsers ignore ASCII whitespace and control characters inside a
	// scheme ("java\tscript:"), so drop them before looking.
	clean := strings.Map(func(r rune) rune {
		if r <= 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, u)
	lower := strings.ToLower(clean)
	colon := strings.IndexByte(lower, ':')
	if colon < 0 {
		return true
	}
	if i := strings.IndexAny(lower, "/?#"); i >= 0 && i < colon {
		return true // the colon is in a path, not a scheme
	}
	switch lower[:colon] {
	case "http", "https", "mailto", "tel":
		return true
	}
	return false
}
