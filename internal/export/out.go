package export

import (
	"io"
	"strconv"
	"strings"
	"unsafe"

	"github.com/stratpub/stratpub/internal/plan"
)

// flushAt is how many bytes a writer gathers before it hands them to its
// io.Writer.
const flushAt = 32 << 10

// out is the output of a writer: bytes appended to buf, handed to dst
// every flushAt bytes; with no dst, buf is the whole file.
type out struct {
	buf  []byte
	dst  io.Writer
	werr error // the first error of dst
}

func newOut(dst io.Writer, size int) out {
	if dst != nil {
		size = flushAt + flushAt/2
	}
	return out{buf: make([]byte, 0, size), dst: dst}
}

// maybeFlush hands the gathered bytes to dst when there are enough.
func (o *out) maybeFlush() {
	if o.dst != nil && len(o.buf) >= flushAt {
		o.flush()
	}
}

// flush hands the gathered bytes to dst and returns its first error.
func (o *out) flush() error {
	if o.dst == nil {
		return nil
	}
	if o.werr == nil && len(o.buf) > 0 {
		_, o.werr = o.dst.Write(o.buf)
	}
	o.buf = o.buf[:0]
	return o.werr
}

// str views b as a string without copying: b must not change while the
// string is in use.
func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// appendURL appends r.URL().
func appendURL(dst []byte, r *plan.Ref) []byte {
	dst = append(dst, r.Page...)
	if r.Fragment != "" {
		dst = append(dst, '#')
		dst = append(dst, r.Fragment...)
	}
	return dst
}

// appendPermalink appends permalink(pub, u).
func appendPermalink(dst []byte, pub *plan.Publication, u string) []byte {
	if pub.BaseURL == "" {
		return append(dst, u...)
	}
	page, frag, hasFrag := strings.Cut(u, "#")
	page = strings.TrimSuffix(page, "index.html")
	dst = append(dst, pub.BaseURL...)
	dst = append(dst, page...)
	if hasFrag {
		dst = append(dst, '#')
		dst = append(dst, frag...)
	}
	return dst
}

// appendItemNumber appends itemNumber(it).
func appendItemNumber(dst []byte, it *plan.Item) []byte {
	dst = append(dst, it.Objective.Number...)
	dst = append(dst, '.')
	return strconv.AppendInt(dst, int64(it.N), 10)
}

// links builds the addresses of items in reusable buffers, so that writing
// them allocates nothing. A string it returns is valid until its next
// call.
type links struct {
	pub            *plan.Publication
	url, perm, num []byte
}

// ref returns r.URL() and permalink(pub, r.URL()).
func (l *links) ref(r *plan.Ref) (url, perm string) {
	if r.Fragment == "" {
		url = r.Page
	} else {
		l.url = appendURL(l.url[:0], r)
		url = str(l.url)
	}
	if l.pub.BaseURL == "" {
		return url, url
	}
	l.perm = appendPermalink(l.perm[:0], l.pub, url)
	return url, str(l.perm)
}

// permalink returns permalink(pub, r.URL()).
func (l *links) permalink(r *plan.Ref) string {
	_, perm := l.ref(r)
	return perm
}

// itemNumber returns itemNumber(it).
func (l *links) itemNumber(it *plan.Item) string {
	l.num = appendItemNumber(l.num[:0], it)
	return str(l.num)
}
