package serve

import (
	"io/fs"
	"net"
	"net/http"
	"path"
	"strings"
)

// sitePath returns the snapshot path a request asks for: "/" is
// "index.html", "/x/" is "x/index.html". ok is false for any path that
// could name something outside the site; those are refused before any
// lookup.
func sitePath(r *http.Request) (p string, ok bool) {
	raw := r.URL.EscapedPath()
	lower := strings.ToLower(raw)
	for _, bad := range []string{"%2f", "%5c", "%00", "%2e"} {
		if strings.Contains(lower, bad) {
			return "", false
		}
	}
	p = r.URL.Path
	if !strings.HasPrefix(p, "/") || strings.Contains(p, "//") ||
		strings.ContainsAny(p, "\\\x00") || strings.Contains(p, "..") {
		return "", false
	}
	p = p[1:]
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	if !fs.ValidPath(p) || path.Clean(p) != p {
		return "", false
	}
	return p, true
}

// hostCheck decides which Host headers the server answers: localhost and
// the loopback addresses, the bound address, and, when bound to all
// interfaces, any IP address — always with the served port. Names other
// than localhost are refused: that is what defeats DNS rebinding, where a
// page on an attacker's name that resolves to this machine would
// otherwise read the preview.
type hostCheck struct {
	port     string
	bound    string // the bound IP, or "" when bound to all interfaces
	anyIPAll bool
}

func newHostCheck(addr net.Addr) hostCheck {
	host, port, _ := net.SplitHostPort(addr.String())
	ip := net.ParseIP(host)
	c := hostCheck{port: port, bound: host}
	if ip != nil && ip.IsUnspecified() {
		c.anyIPAll, c.bound = true, ""
	}
	return c
}

func (c hostCheck) ok(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil || port != c.port {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	return ip.IsLoopback() && (ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback)) ||
		ip.String() == c.bound || c.anyIPAll
}
