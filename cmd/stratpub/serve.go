package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/exec"
	"runtime"
	"strconv"
	"sync"

	"github.com/stratpub/stratpub/internal/serve"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("serve", "[--source DIR] [--port N] [--bind ADDR] [--open]", stderr)
	src := fs.String("source", ".", "the publication `folder` (holding stratpub.yaml)")
	port := fs.Int("port", 1414, "the `port` to serve on; 0 picks a free one")
	bind := fs.String("bind", "127.0.0.1", "the `address` to listen on; anything but loopback exposes the preview to the network")
	open := fs.Bool("open", false, "open the preview in the default browser")
	if c := parse(fs, args); c >= 0 {
		return c
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintf(stderr, "stratpub serve: --port %d is not a port number (0 to 65535)\n", *port)
		return exitUsage
	}
	if ip := net.ParseIP(*bind); ip == nil && *bind != "localhost" {
		fmt.Fprintf(stderr, "stratpub serve: --bind %q is not an IP address\n", *bind)
		return exitUsage
	} else if ip != nil && !ip.IsLoopback() {
		fmt.Fprintf(stderr, "warning: serving on %s: anyone who can reach this machine on the network can read the preview\n", *bind)
	}
	root, err := source(*src)
	if err != nil {
		fmt.Fprintln(stderr, "stratpub serve:", err)
		return exitContent
	}
	root.Close()
	ln, err := net.Listen("tcp", net.JoinHostPort(*bind, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintf(stderr, "stratpub serve: %v\n\thint: another program may use the port; pick another with --port, or --port 0 for any free one\n", err)
		return exitContent
	}
	srv, err := serve.New(ctx, *src, serve.Options{Log: stderr})
	if err != nil {
		ln.Close()
		fmt.Fprintln(stderr, "stratpub serve:", err)
		return exitContent
	}
	u := previewURL(ln.Addr())
	fmt.Fprintf(stdout, "serving %s at %s (Ctrl-C to stop)\n", *src, u)
	var wg sync.WaitGroup
	if *open {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := openBrowser(ctx, u); err != nil {
				fmt.Fprintf(stderr, "cannot open a browser (%v); open %s yourself\n", err, u)
			}
		}()
	}
	err = srv.Serve(ctx, ln)
	wg.Wait()
	if err != nil {
		fmt.Fprintln(stderr, "stratpub serve:", err)
		return exitContent
	}
	fmt.Fprintln(stdout, "stopped")
	return exitOK
}

// previewURL is the address to print: on all interfaces, the loopback one.
func previewURL(addr net.Addr) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return (&url.URL{Scheme: "http", Host: net.JoinHostPort(host, port), Path: "/"}).String()
}

// openBrowser opens u in the desktop's browser.
func openBrowser(ctx context.Context, u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.CommandContext(ctx, "open", u)
	case "windows":
		cmd = exec.CommandContext(ctx, "rundll32", "url.dll,FileProtocolHandler", u)
	default:
		cmd = exec.CommandContext(ctx, "xdg-open", u)
	}
	return cmd.Run()
}
