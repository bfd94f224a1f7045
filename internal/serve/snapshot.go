package serve

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"regexp"
	"strings"
	"sync"

	"github.com/stratpub/stratpub/internal/build"
)

// snapshot is one immutable version of the site. Pages are rendered on
// first request and kept.
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
	s.cache.Store(path, b)
	return b, true, nil
}

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
// end when it has none.
func inject(page []byte, extra string) []byte {
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+len(extra))
	out = append(out, page[:i]...)
	out = append(out, extra...)
	return append(out, page[i:]...)
}
