package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stratpub/stratpub/internal/sitetest"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serve runs "stratpub serve" until the returned stop is called.
func serveCmd(t *testing.T, args ...string) (url string, stderr *lockedBuffer, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout lockedBuffer
	stderr = &lockedBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, append([]string{"serve", "--source", sitetest.RepoRoot(t), "--port", "0"}, args...), &stdout, stderr)
	}()
	re := regexp.MustCompile(`at (http://\S+/) `)
	for range 500 {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case c := <-code:
			t.Fatalf("serve exited with %d: %s", c, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if url == "" {
		cancel()
		t.Fatalf("no URL printed: %q %q", stdout.String(), stderr.String())
	}
	return url, stderr, func() (int, string) {
		cancel()
		return <-code, stdout.String()
	}
}

func TestServeCommand(t *testing.T) {
	url, stderr, stop := serveCmd(t)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("URL %s; want loopback", url)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "/_stratpub/reload.js") {
		t.Errorf("home page: %s", resp.Status)
	}
	http.DefaultClient.CloseIdleConnections()
	if code, out := stop(); code != exitOK || !strings.Contains(out, "stopped") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr.String())
	}
	if strings.Contains(stderr.String(), "warning") {
		t.Errorf("warning on loopback: %s", stderr.String())
	}
}

func TestServeBindWarns(t *testing.T) {
	_, stderr, stop := serveCmd(t, "--bind", "0.0.0.0")
	stop()
	if !strings.Contains(stderr.String(), "warning: serving on 0.0.0.0") {
		t.Errorf("no warning: %q", stderr.String())
	}
}

func TestServeUsage(t *testing.T) {
	for _, args := range [][]string{{"serve", "--port", "70000"}, {"serve", "--bind", "example.com"}, {"serve", "extra"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != exitUsage {
			t.Errorf("%v: exit %d; want %d", args, code, exitUsage)
		}
	}
}
