package serve

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// attack is one request target sent as is, and the statuses it may get.
type attack struct {
	target string
	status []int // 400 or 404 unless said otherwise
}

// traversalAttacks generates the request targets of path-traversal and
// encoding attacks: every way to spell "..", a separator, a NUL or a
// device name that some server or file system has once taken for one,
// combined with prefixes of real site folders and with targets outside
// the build output. host is the served address, for absolute-form
// targets.
func traversalAttacks(host string) []attack {
	dots := []string{
		"..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%2E.",
		"%252e%252e", "%25%32%65%25%32%65", // double encoding
		"%c0%ae%c0%ae", "%e0%80%ae%e0%80%ae", "%f0%80%80%ae%f0%80%80%ae", // overlong UTF-8
		"%ef%bc%8e%ef%bc%8e", // fullwidth full stops
		"%u002e%u002e",       // IIS's %u
		"..%00", "%2e%2e%00", ".%00.", "..;", "...", ". .", "..%20", "%20..",
	}
	seps := []string{
		"/", "%2f", "%2F", "%5c", "%5C", `\`, "%252f", "%255c",
		"%c0%af", "%e0%80%af", "%c1%9c", "%c0%5c", "//", "/./", `\/`, "%00/",
	}
	targets := []string{
		"etc/passwd", "stratpub.yaml", "content/goal-1/goal.md",
		"templates/base.html", "secret.txt", "outside-secret.txt", "go.mod",
	}
	prefixes := []string{"/", "/objectives/", "/assets/", "/objectives/1.3/", "/_stratpub/", "/data/"}

	var out []attack
	add := func(t string, status ...int) {
		if len(status) == 0 {
			status = []int{http.StatusBadRequest, http.StatusNotFound}
		}
		out = append(out, attack{t, status})
	}
	i := 0
	for _, d := range dots {
		for _, s := range seps {
			for _, tg := range targets {
				// Depths of 1, 3 and 8 reach the publication folder, its
				// parent and /, from any prefix.
				depth := []int{1, 3, 8}[i%3]
				prefix := prefixes[i%len(prefixes)]
				i++
				add(prefix + strings.Repeat(d+s, depth) + tg)
			}
		}
	}
	// Device names, which Windows opens whatever the folder and extension.
	for _, name := range []string{"CON", "con", "PRN", "AUX", "aux", "NUL", "nul", "COM1", "LPT1", "CONIN$", "CONOUT$"} {
		for _, form := range []string{"%s", "%s.html", "%s:", "%s.txt", "%s/", "%s/index.html", "%s%%3a"} {
			for _, prefix := range []string{"/", "/objectives/", "/assets/"} {
				add(prefix + fmt.Sprintf(form, name))
			}
		}
	}
	// Double slashes, which some servers read as a network path or an
	// absolute path.
	for _, t := range []string{
		"//etc/passwd", "///etc/passwd", "//127.0.0.1/etc/passwd", "//stratpub.yaml",
		"/objectives//../../stratpub.yaml", "/.//stratpub.yaml", "/objectives/1.3//index.html",
		"//" + host + "/stratpub.yaml", "/%2f%2fetc/passwd", "/\\\\etc\\passwd",
	} {
		add(t)
	}
	// NUL, which ends a C string: "index.html\0.css" is index.html.
	for _, t := range []string{
		"/stratpub.yaml%00", "/stratpub.yaml%00.html", "/index.html%00.css", "/%00../stratpub.yaml",
		"/objectives/1.3/%00", "/404.html%00/../../stratpub.yaml", "/%00", "/content%00/goal-1/goal.md",
	} {
		add(t)
	}
	// Files of the source tree and outside it, asked for directly.
	for _, t := range []string{
		"/stratpub.yaml", "/STRATPUB.YAML", "/content/goal-1/goal.md", "/Content/goal-1/goal.md",
		"/content/", "/content/goal-1/1.3-secure-and-compliant-trade.md", "/templates/base.html",
		"/templates/", "/go.mod", "/secret.txt", "/etc/passwd", "/proc/self/environ",
		"/.stratpub-output", "/assets/site.css", "/assets/", "/.git/config", "/~/.ssh/id_rsa",
	} {
		add(t)
	}
	// Malformed escapes, and bytes that have no place in a request line.
	for _, t := range []string{
		"/%", "/%2", "/%zz../stratpub.yaml", "/%%32%65%%32%65/stratpub.yaml",
		"/\x00../stratpub.yaml", "/..\x00/stratpub.yaml", "/\t../stratpub.yaml", "/.. /stratpub.yaml",
		"/#/../stratpub.yaml", "/index.html#../../stratpub.yaml", "/..;/stratpub.yaml",
		"/objectives;/../stratpub.yaml", "/\u2024\u2024/stratpub.yaml", "/\xc0\xae\xc0\xae/stratpub.yaml",
	} {
		add(t)
	}
	// Absolute-form targets for the served host itself.
	for _, t := range []string{"/../stratpub.yaml", "/%2e%2e/stratpub.yaml", "/objectives/..%2f..%2fstratpub.yaml", "/etc/passwd"} {
		add("http://" + host + t)
	}
	add("file:///etc/passwd")
	// Very long paths: 8 KiB and more of traversal, and long names.
	add("/" + strings.Repeat("../", 3000) + "etc/passwd")
	add("/" + strings.Repeat("%2e%2e/", 1200) + "stratpub.yaml")
	add("/objectives/" + strings.Repeat("..%2f", 2000) + "etc/passwd")
	add("/" + strings.Repeat("a", 8300))
	add("/" + strings.Repeat("a/", 4200) + "index.html")
	add("/assets/" + strings.Repeat("%c0%ae%c0%ae/", 700) + "stratpub.yaml")
	add("/" + strings.Repeat("../", 22000) + "etc/passwd") // 64 KiB
	add("/" + strings.Repeat("x", 512<<10))                // 512 KiB
	// Beyond net/http's 1 MiB limit for the request head.
	add("/"+strings.Repeat("../", 400_000)+"etc/passwd", http.StatusRequestHeaderFieldsTooLarge)
	// Queries are never read: the path is what is served.
	for _, t := range []string{"/?file=../stratpub.yaml", "/index.html?../../etc/passwd", "/?%2e%2e%2fstratpub.yaml"} {
		add(t, http.StatusOK)
	}
	return out
}

// leakCheck finds the bytes of files outside the build output in a
// response.
type leakCheck struct {
	needles map[string]string // bytes → the file they come from
}

// newLeakCheck collects, from each file of the publication folder dir
// that the site does not publish (the configuration, the documents, the
// templates), its first line or lines, as many as make a needle that no
// page contains; and the given secrets.
func newLeakCheck(t *testing.T, dir string, extra map[string]string) *leakCheck {
	t.Helper()
	c := &leakCheck{needles: map[string]string{}}
	maps := func(name string, data []byte) {
		// The opening lines of a file: for a document its front matter,
		// which never reaches a page as it is.
		lines := strings.SplitAfter(string(data), "\n")
		n := min(3, len(lines))
		needle := strings.Join(lines[:n], "")
		if len(needle) > 160 {
			needle = needle[:160]
		}
		if len(strings.TrimSpace(needle)) >= 12 {
			c.needles[needle] = name
		}
	}
	for _, part := range []string{"stratpub.yaml", "content", "templates"} {
		filepath.WalkDir(filepath.Join(dir, part), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(dir, p)
			maps(rel, data)
			return nil
		})
	}
	if len(c.needles) < 20 {
		t.Fatalf("only %d source files found in %s", len(c.needles), dir)
	}
	for needle, from := range extra {
		c.needles[needle] = from
	}
	return c
}

// find returns the file whose bytes are in body, or "".
func (c *leakCheck) find(body []byte) string {
	for needle, from := range c.needles {
		if bytes.Contains(body, []byte(needle)) {
			return from
		}
	}
	return ""
}

func secret(t *testing.T, what string) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "stratpub-" + what + "-" + hex.EncodeToString(b)
}

// TestTraversalAttacks sends every generated attack over a raw TCP
// connection, unnormalised, to a running preview server, and checks that
// none gets a file from outside the build output: no status but 400 or
// 404 (or what the attack says), and no byte of the configuration, a
// document, a template, /etc/passwd, or a secret file put in the
// publication folder and beside it.
func TestTraversalAttacks(t *testing.T) {
	dir := copyCBP(t)
	inside, outside := secret(t, "inside"), secret(t, "outside")
	for p, s := range map[string]string{
		filepath.Join(dir, "secret.txt"):                              inside,
		filepath.Join(filepath.Dir(dir), "outside-secret.txt"):        outside,
		filepath.Join(dir, "content", "goal-1", "_secret-draft.md"):   inside + "-draft",
		filepath.Join(dir, "content", "goal-1", ".hidden-secret.txt"): inside + "-hidden",
	} {
		if err := os.WriteFile(p, []byte(s+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	extra := map[string]string{
		inside: "secret.txt", outside: "../outside-secret.txt",
		"root:x:0:": "/etc/passwd", "module github.com/stratpub/stratpub": "go.mod",
	}
	if passwd, err := os.ReadFile("/etc/passwd"); err == nil {
		first, _, _ := strings.Cut(string(passwd), "\n")
		extra[first] = "/etc/passwd"
	}
	leaks := newLeakCheck(t, dir, extra)
	_, addr := serveTCP(t, dir, Options{})

	// Controls: the check finds each kind of file, and finds nothing in
	// what the site legitimately serves (so a hit below is a leak, not a
	// needle that also occurs in a page).
	for _, name := range []string{"stratpub.yaml", "content/goal-1/goal.md", "templates/base.html", "secret.txt"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if leaks.find(append([]byte("<html><body>"), data...)) == "" {
			t.Errorf("control: the leak check does not see %s", name)
		}
	}
	if leaks.find([]byte("x\nroot:x:0:0:root:/root:/bin/sh\n")) == "" {
		t.Error("control: the leak check does not see /etc/passwd")
	}
	for p, data := range buildFiles(t, dir) {
		if from := leaks.find(data); from != "" {
			t.Fatalf("control: the built file %s holds the needle of %s", p, from)
		}
	}
	for _, target := range []string{"/", "/no-such-page", "/_stratpub/reload.js"} {
		_, body, err := exchange(addr, "GET "+target+" HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n")
		if err != nil {
			t.Fatal(err)
		}
		if from := leaks.find(body); from != "" {
			t.Fatalf("control: %s holds the needle of %s", target, from)
		}
	}

	attacks := traversalAttacks(addr)
	seen := map[string]bool{}
	for _, a := range attacks {
		if seen[a.target] {
			t.Fatalf("attack %.80q generated twice", a.target)
		}
		seen[a.target] = true
	}
	if len(attacks) < 250 {
		t.Fatalf("only %d attacks", len(attacks))
	}
	res := runAttacks(addr, attacks, leaks)
	for i, f := range res.failures {
		if i == 20 {
			t.Errorf("… and %d more", len(res.failures)-i)
			break
		}
		t.Error(f)
	}

	// Control: the same attacks against a naive file server, one that
	// joins the request path to the folder of the built site, do reach
	// the files outside it.
	siteDir := filepath.Join(dir, "_site")
	if err := os.Mkdir(siteDir, 0o755); err != nil {
		t.Fatal(err)
	}
	naive := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := os.ReadFile(filepath.Join(siteDir, r.URL.Path))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	defer naive.Close()
	ctl := runAttacks(naive.Listener.Addr().String(), attacks, leaks)
	for _, from := range []string{"stratpub.yaml", "/etc/passwd", "secret.txt", "../outside-secret.txt", "templates/base.html"} {
		if ctl.leaked[from] == 0 {
			t.Errorf("control: no attack reads %s through a naive file server", from)
		}
	}
	t.Logf("control, a naive file server: %d of %d attacks leak a file (%v)", ctl.leaks, len(attacks), ctl.leaked)
	t.Logf("%d attacks: statuses %v; %d failed, %d leaked a file", len(attacks), res.byStatus, len(res.failures), res.leaks)
}

// attackResult sums up a run of attacks.
type attackResult struct {
	byStatus map[int]int
	leaks    int            // responses holding bytes of a file outside the site
	leaked   map[string]int // by file
	failures []string       // what went wrong, one line each
}

// runAttacks sends each attack on its own connection, four at a time.
func runAttacks(addr string, attacks []attack, leaks *leakCheck) attackResult {
	var (
		mu   sync.Mutex
		res  = attackResult{byStatus: map[int]int{}, leaked: map[string]int{}}
		next = make(chan attack)
		wg   sync.WaitGroup
	)
	fail := func(a attack, format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		res.failures = append(res.failures, fmt.Sprintf("%.120q: ", a.target)+fmt.Sprintf(format, args...))
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range next {
				resp, body, err := exchange(addr, "GET "+a.target+" HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n")
				if err != nil {
					fail(a, "%v", err)
					continue
				}
				mu.Lock()
				res.byStatus[resp.StatusCode]++
				mu.Unlock()
				if !slices.Contains(a.status, resp.StatusCode) {
					fail(a, "status %d; want one of %v", resp.StatusCode, a.status)
				}
				if from := leaks.find(body); from != "" {
					mu.Lock()
					res.leaks++
					res.leaked[from]++
					mu.Unlock()
					fail(a, "the response holds bytes of %s", from)
				}
				if loc := resp.Header.Get("Location"); loc != "" {
					fail(a, "redirected to %q", loc)
				}
			}
		}()
	}
	for _, a := range attacks {
		next <- a
	}
	close(next)
	wg.Wait()
	return res
}
