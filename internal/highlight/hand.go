package highlight

import (
	"unicode"

	"github.com/alecthomas/chroma/v2"
)

// The formats of the open data files (JSON, CSV, XML) are lexed by hand,
// token for token as the regular-expression rules in hand_test.go lex
// them. chroma compiles a lexer's expressions (regexp2) in every process
// that first uses it, and matches them slowly: the five samples of the
// Data page cost a build about 1.2 ms that way, a tenth of the whole build
// of a small publication.

// handLexer is a chroma.Lexer whose tokens come from a function.
type handLexer struct {
	config *chroma.Config
	lex    func(text []rune, emit func(chroma.TokenType, []rune))
}

func (l *handLexer) Config() *chroma.Config { return l.config }

func (l *handLexer) Tokenise(options *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	if options == nil || options.EnsureLF {
		text = ensureLF(text)
	}
	var tokens []chroma.Token
	l.lex([]rune(text), func(t chroma.TokenType, v []rune) {
		tokens = append(tokens, chroma.Token{Type: t, Value: string(v)})
	})
	return chroma.Literator(tokens...), nil
}

func (l *handLexer) SetRegistry(*chroma.LexerRegistry) chroma.Lexer { return l }

func (l *handLexer) SetAnalyser(func(string) float32) chroma.Lexer { return l }

func (l *handLexer) AnalyseText(string) float32 { return 0 }

// ensureLF turns "\r\n" and "\r" into "\n", as chroma's lexers do.
func ensureLF(text string) string {
	buf := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\r' {
			if i+1 < len(text) && text[i+1] == '\n' {
				continue
			}
			c = '\n'
		}
		buf = append(buf, c)
	}
	return string(buf)
}

// The character classes of regexp2, which chroma's expressions use.

func isSpace(r rune) bool { return unicode.IsSpace(r) } // \s

func isDigit(r rune) bool { return unicode.IsDigit(r) } // \d

// isWord is \w.
func isWord(r rune) bool {
	return unicode.In(r, unicode.L, unicode.Mn, unicode.Nd, unicode.Pc) || r == '\u200D' || r == '\u200C'
}

// run returns the end of the run of runes from i that f accepts.
func run(t []rune, i int, f func(rune) bool) int {
	for i < len(t) && f(t[i]) {
		i++
	}
	return i
}

var handJSON = &handLexer{config: &chroma.Config{Name: "JSON"}, lex: lexJSON}

// lexJSON lexes as the rules of refJSON (hand_test.go).
func lexJSON(t []rune, emit func(chroma.TokenType, []rune)) {
	for i := 0; i < len(t); {
		r := t[i]
		end, typ := i+1, chroma.Text
		// The rules are tried in order; each applies to its own first
		// runes, and a rule that does not match leaves the rune as text.
		switch {
		case isSpace(r):
			end = run(t, i, isSpace)
		case r == '"':
			if e := jsonString(t, i); e > 0 {
				end, typ = e, chroma.LiteralString
				if k := run(t, end, isSpace); k < len(t) && t[k] == ':' {
					typ = chroma.NameTag
				}
			}
		case r == '-' || isDigit(r):
			if e := jsonNumber(t, i); e > 0 {
				end, typ = e, chroma.LiteralNumber
			}
		case r == 't' || r == 'f' || r == 'n':
			if e := keyword(t, i); e > 0 {
				end, typ = e, chroma.KeywordConstant
			}
		case r == '{' || r == '}' || r == '[' || r == ']' || r == ',' || r == ':':
			typ = chroma.Punctuation
		}
		emit(typ, t[i:end])
		i = end
	}
}

// jsonString returns the end of "(?:\\.|[^"\\])*" at i, or 0.
func jsonString(t []rune, i int) int {
	for j := i + 1; j < len(t); j++ {
		switch t[j] {
		case '"':
			return j + 1
		case '\\':
			if j+1 >= len(t) || t[j+1] == '\n' {
				return 0
			}
			j++
		}
	}
	return 0
}

// jsonNumber returns the end of -?\d+(?:\.\d+)?(?:[eE][+-]?\d+)? at i, or 0.
func jsonNumber(t []rune, i int) int {
	j := i
	if t[j] == '-' {
		j++
	}
	k := run(t, j, isDigit)
	if k == j {
		return 0
	}
	if k+1 < len(t) && t[k] == '.' && isDigit(t[k+1]) {
		k = run(t, k+1, isDigit)
	}
	if k < len(t) && (t[k] == 'e' || t[k] == 'E') {
		e := k + 1
		if e < len(t) && (t[e] == '+' || t[e] == '-') {
			e++
		}
		if d := run(t, e, isDigit); d > e {
			k = d
		}
	}
	return k
}

// keyword returns the end of \b(?:true|false|null)\b at i, or 0.
func keyword(t []rune, i int) int {
	if i > 0 && isWord(t[i-1]) {
		return 0
	}
	for _, w := range []string{"true", "false", "null"} {
		end := i + len(w)
		if hasPrefix(t, i, w) && (end == len(t) || !isWord(t[end])) {
			return end
		}
	}
	return 0
}

var handCSV = &handLexer{config: &chroma.Config{Name: "CSV"}, lex: lexCSV}

// lexCSV lexes as the rules of refCSV (hand_test.go).
func lexCSV(t []rune, emit func(chroma.TokenType, []rune)) {
	for i := 0; i < len(t); {
		end, typ := i+1, chroma.Error
		switch r := t[i]; {
		case r == '"':
			if e := csvString(t, i); e > 0 {
				end, typ = e, chroma.LiteralString
			}
		case r == ',':
			typ = chroma.Punctuation
		case r == '\n':
			typ = chroma.Text
		case r == '\r' && i+1 < len(t) && t[i+1] == '\n':
			end, typ = i+2, chroma.Text
		case r != '\r':
			end = run(t, i, func(r rune) bool { return r != ',' && r != '"' && r != '\r' && r != '\n' })
			typ = chroma.Text
		}
		emit(typ, t[i:end])
		i = end
	}
}

// csvString returns the end of "(?:[^"]|"")*" at i, or 0: a doubled
// quote is one quote of the field, unless the field ends with it, which
// backtracking makes the closing quote.
func csvString(t []rune, i int) int {
	lastPair := -1
	for j := i + 1; j < len(t); j++ {
		if t[j] != '"' {
			continue
		}
		if j+1 < len(t) && t[j+1] == '"' {
			lastPair = j
			j++
			continue
		}
		return j + 1
	}
	if lastPair >= 0 {
		return lastPair + 1
	}
	return 0
}

var handXML = &handLexer{config: &chroma.Config{Name: "XML"}, lex: lexXML}

// lexXML lexes as the rules of refXML (hand_test.go): text and markup,
// and inside a tag its attributes.
func lexXML(t []rune, emit func(chroma.TokenType, []rune)) {
	inTag := false
	for i := 0; i < len(t); {
		r := t[i]
		end, typ := i+1, chroma.Text
		if !inTag {
			switch r {
			case '<':
				if e := markup(t, i); e > 0 {
					end, typ = e, chroma.CommentPreproc
					if hasPrefix(t, i, "<!--") {
						typ = chroma.Comment
					}
				} else if e := tagName(t, i); e > 0 {
					end, typ, inTag = e, chroma.NameTag, true
				}
			case '&':
				if e := entity(t, i); e > 0 {
					end, typ = e, chroma.LiteralStringEscape
				}
			default:
				end = run(t, i, func(r rune) bool { return r != '<' && r != '&' })
			}
		} else {
			switch {
			case isSpace(r):
				end = run(t, i, isSpace)
			case isName(r):
				e := run(t, i, isName)
				if k := run(t, e, isSpace); k < len(t) && t[k] == '=' {
					end, typ = e, chroma.NameAttribute
				}
			case r == '=':
				typ = chroma.Operator
			case r == '"' || r == '\'':
				if j := find(t, i+1, string(r)); j >= 0 {
					end, typ = j+1, chroma.LiteralString
				}
			case r == '>':
				typ, inTag = chroma.NameTag, false
			case r == '/' && i+1 < len(t) && t[i+1] == '>':
				end, typ, inTag = i+2, chroma.NameTag, false
			}
		}
		emit(typ, t[i:end])
		i = end
	}
}

// markup returns the end of a comment <!--(?s:.*?)--> or of a
// processing instruction <\?(?s:.*?)\?> at i, or 0.
func markup(t []rune, i int) int {
	for _, m := range [][2]string{{"<!--", "-->"}, {"<?", "?>"}} {
		if hasPrefix(t, i, m[0]) {
			if j := find(t, i+len(m[0]), m[1]); j >= 0 {
				return j + len(m[1])
			}
		}
	}
	return 0
}

// isName is [\w:.-].
func isName(r rune) bool { return isWord(r) || r == ':' || r == '.' || r == '-' }

// tagName returns the end of </?[\w:.-]+ at i, or 0.
func tagName(t []rune, i int) int {
	j := i + 1
	if j < len(t) && t[j] == '/' {
		j++
	}
	if k := run(t, j, isName); k > j {
		return k
	}
	return 0
}

// entity returns the end of &[\w#]+; at i, or 0.
func entity(t []rune, i int) int {
	k := run(t, i+1, func(r rune) bool { return isWord(r) || r == '#' })
	if k > i+1 && k < len(t) && t[k] == ';' {
		return k + 1
	}
	return 0
}

// hasPrefix reports whether t holds p, which is ASCII, at i.
func hasPrefix(t []rune, i int, p string) bool {
	if i+len(p) > len(t) {
		return false
	}
	for k := 0; k < len(p); k++ {
		if t[i+k] != rune(p[k]) {
			return false
		}
	}
	return true
}

// find returns the index of the first p in t from i, or -1.
func find(t []rune, i int, p string) int {
	for j := i; j+len(p) <= len(t); j++ {
		if hasPrefix(t, j, p) {
			return j
		}
	}
	return -1
}
