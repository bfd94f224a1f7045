package search

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// words finds the words of texts for one goroutine. Each distinct word is
// kept once as a string with what is known of it (stop word, one letter,
// last document that had it), so that finding the words of a text makes no
// string per word, no map per document, no sort and no lower-cased copy of
// the text. Words are found by a hash that is computed while they are read,
// byte by byte, so that the hash of every start of a word is at hand too
// (see terms).
type words struct {
	slots   []slot // open addressing, linear probing; len is a power of 2
	list    []word
	doc     uint32  // the current document; word.seen and .prefix compare with it
	buf     []byte  // the word being read, lower-cased
	out     []int32 // the terms of the current document, in order of first appearance
	body    []byte  // the terms of the current document joined with spaces (see terms)
	scratch []byte  // the text of the current document, when read back from a file (plan.Body.TextInto)
	json    []byte  // the document being written
	// context is the context text of the document last encoded.
	context string
	// terms of the current document by hash (see terms); a slot is
	// empty unless its doc is the current document.
	termSlots []termSlot
}

type slot struct {
	hash uint64
	id   int32 // index in list + 1; 0 for an empty slot
}

type termSlot struct {
	hash uint64
	id   int32 // index in list
	doc  uint32
}

type word struct {
	s      string
	hash   uint64
	seen   uint32 // the last document that had it
	prefix uint32 // the last document in which it starts another term
	stop   bool   // a stop word
	short  bool   // one letter or digit
}

// asciiWord maps the ASCII letters and digits to their lower case, and the
// other ASCII bytes to 0.
var asciiWord = func() (t [utf8.RuneSelf]byte) {
	for b := byte('0'); b <= '9'; b++ {
		t[b] = b
	}
	for b := byte('a'); b <= 'z'; b++ {
		t[b], t[b-'a'+'A'] = b, b
	}
	return t
}()

// FNV-1a, 64 bits.
const (
	hashStart = 14695981039346656037
	hashMul   = 1099511628211
)

func newWords(stop []string) *words {
	w := &words{slots: written[slot](1 << 12)}
	for _, s := range stop {
		h := uint64(hashStart)
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * hashMul
		}
		w.list[w.intern([]byte(s), h, utf8.RuneCountInString(s))].stop = true
	}
	return w
}

// written returns a slice of n zero values whose memory has been written.
// A large slice comes from memory fresh from the system, which the
// runtime knows to be zero and does not clear: the first access of each
// of its pages then faults. A hash table reads a page before it writes
// it, so without the clearing each page would fault twice, the second
// time copying the zero page and interrupting the other CPU to flush its
// TLB; written up front, it faults once.
func written[T any](n int) []T {
	s := make([]T, n)
	clear(s)
	return s
}

// dropTables lets go of everything but the list of words: w reads no
// more words.
func (w *words) dropTables() {
	w.slots, w.termSlots, w.buf, w.out, w.body, w.json = nil, nil, nil, nil, nil, nil
}

// intern returns the index of the word in b, whose hash is h and which
// holds n runes, adding it when new.
func (w *words) intern(b []byte, h uint64, n int) int32 {
	mask := uint64(len(w.slots) - 1)
	i := (h ^ h>>29) & mask
	for ; ; i = (i + 1) & mask {
		sl := &w.slots[i]
		if sl.id == 0 {
			break
		}
		if sl.hash == h && w.list[sl.id-1].s == string(b) {
			return sl.id - 1
		}
	}
	id := int32(len(w.list))
	w.list = append(w.list, word{s: string(b), short: n < 2, hash: h})
	w.slots[i] = slot{hash: h, id: id + 1}
	if 2*len(w.list) > len(w.slots) {
		old := w.slots
		w.slots = written[slot](2 * len(old))
		mask = uint64(len(w.slots) - 1)
		for _, sl := range old {
			if sl.id != 0 {
				j := (sl.hash ^ sl.hash>>29) & mask
				for w.slots[j].id != 0 {
					j = (j + 1) & mask
				}
				w.slots[j] = sl
			}
		}
	}
	return id
}

// start begins a new document.
func (w *words) start() {
	w.doc++
	w.out = w.out[:0]
}

// scan reads the words of text — runs of letters and digits, lower-cased
// as strings.ToLower does — and gives each to w.word: the words are those
// of Tokens(text), in the same order.
func (w *words) scan(text string, skip bool) {
	buf := w.buf[:0]
	n := 0 // runes in buf
	h := uint64(hashStart)
	for i := 0; i < len(text); {
		if b := text[i]; b < utf8.RuneSelf {
			i++
			if b = asciiWord[b]; b != 0 {
				buf = append(buf, b)
				h = (h ^ uint64(b)) * hashMul
				n++
				continue
			}
		} else {
			// Invalid UTF-8 reads as U+FFFD, which is neither a letter
			// nor a digit, as in strings.ToLower and FieldsFunc.
			r, size := utf8.DecodeRuneInString(text[i:])
			i += size
			// strings.ToLower maps each rune with unicode.ToLower, and
			// Tokens splits the lower-cased text.
			if l := unicode.ToLower(r); unicode.IsLetter(l) || unicode.IsNumber(l) {
				k := len(buf)
				buf = utf8.AppendRune(buf, l)
				for _, c := range buf[k:] {
					h = (h ^ uint64(c)) * hashMul
				}
				n++
				continue
			}
		}
		if n > 0 {
			w.word(buf, h, n, skip)
			buf, n, h = buf[:0], 0, hashStart
		}
	}
	if n > 0 {
		w.word(buf, h, n, skip)
	}
	w.buf = buf[:0]
}

// word takes the word in b, whose hash is h and which holds n runes. A
// word to skip is marked as seen; any other becomes a term of the document
// unless seen, a stop word or one letter long.
func (w *words) word(b []byte, h uint64, n int, skip bool) {
	id := w.intern(b, h, n)
	x := &w.list[id]
	if skip {
		x.seen = w.doc
		return
	}
	if x.seen == w.doc || x.stop || x.short {
		return
	}
	x.seen = w.doc
	w.out = append(w.out, id)
}

// scanText is scan(text, false) with web addresses left out, from
// "http://", "https://" or "www." to the next space: their parts are noise
// for search.
func (w *words) scanText(text string) {
	if !strings.Contains(text, "://") && !strings.Contains(text, "www.") {
		w.scan(text, false)
		return
	}
	// The fields of strings.Fields; words never cross a space.
	for i := 0; i < len(text); {
		start := i
		for i < len(text) {
			r, size := rune(text[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(text[i:])
			}
			if unicode.IsSpace(r) {
				break
			}
			i += size
		}
		if f := text[start:i]; f != "" {
			cut := len(f)
			for _, p := range [...]string{"http://", "https://", "www."} {
				if j := strings.Index(f, p); j >= 0 && j < cut {
					cut = j
				}
			}
			w.scan(f[:cut], false)
		}
		// Skip the space.
		if i < len(text) {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
		}
	}
}

// terms ends the document: it sets w.body to its terms, as Terms returns
// them, joined with spaces.
func (w *words) terms() {
	// search.js matches words by prefix, so a word that starts another
	// word of the list adds nothing: "biometric" finds "biometrics". The
	// words that start a term are found by their hash, computed along it;
	// terms have two runes or more.
	if len(w.out) > 1 {
		if 2*len(w.out) > len(w.termSlots) {
			w.termSlots = written[termSlot](max(1<<10, 1<<bits.Len(uint(4*len(w.out)))))
		}
		slots := w.termSlots
		mask := uint64(len(slots) - 1)
		for _, id := range w.out {
			h := w.list[id].hash
			i := (h ^ h>>29) & mask
			for slots[i].doc == w.doc {
				i = (i + 1) & mask
			}
			slots[i] = termSlot{hash: h, id: id, doc: w.doc}
		}
		for _, id := range w.out {
			s := w.list[id].s
			h := uint64(hashStart)
			n := 0 // runes in s[:i]
			for i := 0; i < len(s); i++ {
				c := s[i]
				if utf8.RuneStart(c) {
					if n >= 2 {
						for j := (h ^ h>>29) & mask; slots[j].doc == w.doc; j = (j + 1) & mask {
							if t := slots[j]; t.hash == h && w.list[t.id].s == s[:i] {
								w.list[t.id].prefix = w.doc
								break
							}
						}
					}
					n++
				}
				h = (h ^ uint64(c)) * hashMul
			}
		}
	}
	body := w.body[:0]
	for _, id := range w.out {
		x := &w.list[id]
		if x.prefix == w.doc {
			continue
		}
		if len(body) > 0 {
			body = append(body, ' ')
		}
		body = append(body, x.s...)
	}
	w.body = body
}
