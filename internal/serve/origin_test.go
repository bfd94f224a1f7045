package serve

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestForeignHostOverTCP extends TestHostAttacks to a running server on
// its real port: the requests a DNS-rebinding page, a misdirected client
// or a hand-written request would send, with the request line and
// headers exactly as written.
func TestForeignHostOverTCP(t *testing.T) {
	_, addr := serveTCP(t, copyCBP(t), Options{})
	_, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	other := strconv.Itoa(n + 1)
	refused := []int{http.StatusForbidden}
	malformed := []int{http.StatusBadRequest} // net/http answers before the handler
	tests := []struct {
		name, request string
		status        []int
	}{
		{"own address", "GET / HTTP/1.1\r\nHost: " + addr + "\r\n", []int{200}},
		{"localhost", "GET /objectives/1.3/ HTTP/1.1\r\nHost: localhost:" + port + "\r\n", []int{200}},
		{"HTTP/1.0 with Host", "GET / HTTP/1.0\r\nHost: " + addr + "\r\n", []int{200}},
		{"evil.example", "GET / HTTP/1.1\r\nHost: evil.example\r\n", refused},
		{"evil.example with the port", "GET / HTTP/1.1\r\nHost: evil.example:" + port + "\r\n", refused},
		{"loopback as a subdomain", "GET / HTTP/1.1\r\nHost: 127.0.0.1.evil.example:" + port + "\r\n", refused},
		{"port as a subdomain", "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + ".evil.example\r\n", refused},
		{"localhost with a trailing dot", "GET / HTTP/1.1\r\nHost: localhost.:" + port + "\r\n", refused},
		{"wrong port", "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + other + "\r\n", refused},
		{"wrong port, localhost", "GET / HTTP/1.1\r\nHost: localhost:" + other + "\r\n", refused},
		{"wrong port, [::1]", "GET / HTTP/1.1\r\nHost: [::1]:" + other + "\r\n", refused},
		{"no port, HTTP/1.0", "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n", refused},
		{"missing Host, HTTP/1.0", "GET / HTTP/1.0\r\n", refused},
		{"missing Host, HTTP/1.0, a source file", "GET /../stratpub.yaml HTTP/1.0\r\n", refused},
		{"missing Host, HTTP/1.1", "GET / HTTP/1.1\r\n", malformed},
		{"empty Host", "GET / HTTP/1.1\r\nHost: \r\n", refused},
		{"two Host headers", "GET / HTTP/1.1\r\nHost: " + addr + "\r\nHost: evil.example\r\n", malformed},
		{"userinfo", "GET / HTTP/1.1\r\nHost: evil.example@127.0.0.1:" + port + "\r\n", append(refused, malformed...)},
		{"decimal IP", "GET / HTTP/1.1\r\nHost: 2130706433:" + port + "\r\n", refused},
		{"short IP", "GET / HTTP/1.1\r\nHost: 127.1:" + port + "\r\n", refused},
		{"hex IP", "GET / HTTP/1.1\r\nHost: 0x7f000001:" + port + "\r\n", refused},
		{"unspecified address", "GET / HTTP/1.1\r\nHost: 0.0.0.0:" + port + "\r\n", refused},
		{"another loopback address", "GET / HTTP/1.1\r\nHost: 127.0.0.2:" + port + "\r\n", refused},
		{"absolute form naming another host", "GET http://evil.example:" + port + "/ HTTP/1.1\r\nHost: " + addr + "\r\n", refused},
		{"absolute form, HTTP/1.0", "GET http://evil.example/ HTTP/1.0\r\n", refused},
		{"reload script for another host", "GET " + reloadPath + " HTTP/1.1\r\nHost: evil.example:" + port + "\r\n", refused},
		{"event stream for another host", "GET " + eventsPath + " HTTP/1.1\r\nHost: evil.example:" + port + "\r\n", refused},
		{"X-Forwarded-Host is not read", "GET / HTTP/1.1\r\nHost: evil.example:" + port + "\r\nX-Forwarded-Host: " + addr + "\r\n", refused},
	}
	home := ""
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body, err := exchange(addr, tt.request+"Connection: close\r\n\r\n")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(tt.status, resp.StatusCode) {
				t.Fatalf("status %d; want %v (%q)", resp.StatusCode, tt.status, firstLine(body))
			}
			if resp.StatusCode == 200 {
				if home == "" {
					home = string(body)
				}
				return
			}
			// A refusal says why and carries nothing of the site.
			if strings.Contains(string(body), "<html") || strings.Contains(string(body), "reload") {
				t.Errorf("refusal carries content: %q", firstLine(body))
			}
			for k := range resp.Header {
				if strings.HasPrefix(k, "Access-Control-") {
					t.Errorf("CORS header %s", k)
				}
			}
		})
	}
	if !strings.Contains(home, "<html") {
		t.Error("control: the own address did not get the home page, so the refusals prove nothing")
	}
}

// TestEventsOriginOverTCP extends TestEventsFromAnotherOrigin to the real
// stream on a running server: a page of another origin cannot subscribe,
// a page of the preview can.
func TestEventsOriginOverTCP(t *testing.T) {
	_, addr := serveTCP(t, copyCBP(t), Options{})
	host, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	tests := []struct {
		header string
		ok     bool
	}{
		{"", true},
		{"Origin: http://" + addr, true},
		{"Sec-Fetch-Site: same-origin", true},
		{"Origin: http://evil.example", false},
		{"Origin: http://evil.example:" + port, false},
		{"Origin: http://" + host + ".evil.example:" + port, false},
		{"Origin: http://" + addr + ".evil.example", false},
		{"Origin: http://" + addr + "@evil.example", false},
		{"Origin: https://" + addr, false},
		{"Origin: http://" + host + ":" + strconv.Itoa(n+1), false},
		{"Origin: http://localhost:" + port, false}, // another origin, though the same server
		{"Origin: null", false},
		{"Origin: http://" + addr + "\r\nSec-Fetch-Site: cross-site", false},
		{"Sec-Fetch-Site: same-site", false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			req := "GET " + eventsPath + " HTTP/1.1\r\nHost: " + addr + "\r\nAccept: text/event-stream\r\n"
			if tt.header != "" {
				req += tt.header + "\r\n"
			}
			status, first := openStream(t, addr, req+"\r\n")
			switch {
			case tt.ok && (status != 200 || first != "event: hello"):
				t.Fatalf("status %d, first line %q; want 200 and the hello event", status, first)
			case !tt.ok && status != http.StatusForbidden:
				t.Fatalf("status %d; want 403", status)
			case !tt.ok && strings.HasPrefix(first, "event:"):
				t.Fatalf("a refused stream sent %q", first)
			}
		})
	}
}

// openStream opens an event stream and returns its status and first
// event line (or the first line of a refusal), then hangs up.
func openStream(t *testing.T, addr, request string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	if err != nil {
		t.Fatal(err)
	}
	// No resp.Body.Close: it would read the stream to its end. Closing
	// the connection hangs up.
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "event:") || resp.StatusCode != 200 {
			return resp.StatusCode, line
		}
	}
	return resp.StatusCode, ""
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	return s
}
