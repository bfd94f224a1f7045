package serve

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/stratpub/stratpub/internal/build"
)

// snapshot is one immutable version of the site. Pages are rendered on
// first request and kept, up to keepMax bytes each; the files that hold
// the whole publication (render.Renderer.Large) are streamed and never
// kept.
type snapshot struct {
	prep  *build.Prepared
	cache sync.Map // path → []byte
}

func newSnapshot(p *build.Prepared) *snapshot { return &snapshot{prep: p} }

// has reports whether the site has a file at path.
func (s *snapshot) has(path string) bool { return s.prep.Renderer.Has(path) }

// file returns the bytes of the file at a site path, exactly as a full
// build writes them.
func (s *snapshot) file(path string) ([]byte, bool, error) {
	if !s.has(path) {
		return nil, false, nil
	}
	if b, ok := s.cache.Load(path); ok {
		return b.([]byte), true, nil
	}
	b, ok, err := s.prep.Renderer.File(path)
	if err != nil || !ok {
		return nil, ok, err
	}
	if len(b) <= keepMax {
		s.cache.Store(path, b)
	}
	return b, true, nil
}

// keepMax is the size of the largest file a snapshot keeps once rendered.
// A larger one (an index page of a publication of thousands of
// objectives) is rendered again when asked for again, which is seldom
// before the next edit replaces the snapshot.
const keepMax = 4 << 20

// large reports whether the file at path is one to stream
// (render.Renderer.Large).
func (s *snapshot) large(path string) bool { return s.prep.Renderer.Large(path) }

// fingerprint matches the content hash render puts in asset names.
var fingerprint = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\.[0-9a-f]{10}(\.[^./]+)$`) })

// cssChange is one stylesheet to swap in open pages.
type cssChange struct {
	Old string `json:"old"`
	New string `json:"new"`
	SRI string `json:"sri"`
}

// cssChanges lists the stylesheets whose fingerprinted path differs
// between two snapshots, by logical name.
func cssChanges(old, cur *snapshot) []cssChange {
	oldByName := map[string]string{}
	for _, p := range old.prep.Renderer.StaticPaths() {
		if strings.HasSuffix(p, ".css") {
			oldByName[fingerprint().ReplaceAllString(p, "$1")] = p
		}
	}
	var out []cssChange
	for _, p := range cur.prep.Renderer.StaticPaths() {
		if !strings.HasSuffix(p, ".css") || old.has(p) {
			continue
		}
		was, ok := oldByName[fingerprint().ReplaceAllString(p, "$1")]
		if !ok {
			continue
		}
		data, _, err := cur.file(p)
		if err != nil {
			continue
		}
		h := sha512.Sum384(data)
		out = append(out, cssChange{Old: was, New: p, SRI: "sha384-" + base64.StdEncoding.EncodeToString(h[:])})
	}
	return out
}

// reloadTag is what the server adds to every HTML page.
const reloadTag = `<script src="/_stratpub/reload.js" defer></script>`

// inject adds extra before the last </body> of an HTML page, or at its
// end when it has none. injector does the same to a page being written.
func inject(page []byte, extra string) []byte {
	i := bytes.LastIndex(page, endBody)
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+len(extra))
	out = append(out, page[:i]...)
	out = append(out, extra...)
	return append(out, page[i:]...)
}

// injector writes a page to w as inject would change it, without holding
// the page: it holds back only what follows the last "</body>" seen, or
// the last bytes that may start one.
type injector struct {
	w     io.Writer
	extra string
	held  []byte
}

var endBody = []byte("</body>")

func (j *injector) Write(p []byte) (int, error) {
	j.held = append(j.held, p...)
	keep := bytes.LastIndex(j.held, endBody)
	if keep < 0 {
		keep = max(0, len(j.held)-(len(endBody)-1))
	}
	if keep > 0 {
		if _, err := j.w.Write(j.held[:keep]); err != nil {
			return 0, err
		}
		j.held = append(j.held[:0], j.held[keep:]...)
	}
	return len(p), nil
}

// Close writes what is held, with extra in its place.
func (j *injector) Close() error {
	at := len(j.held)
	if bytes.HasPrefix(j.held, endBody) {
		at = 0
	}
	if _, err := j.w.Write(j.held[:at]); err != nil {
		return err
	}
	if _, err := io.WriteString(j.w, j.extra); err != nil {
		return err
	}
	_, err := j.w.Write(j.held[at:])
	return err
}
