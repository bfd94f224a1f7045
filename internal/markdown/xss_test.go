package markdown_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	xhtml "golang.org/x/net/html"

	"github.com/stratpub/stratpub/internal/browser"
	"github.com/stratpub/stratpub/internal/build"
	"github.com/stratpub/stratpub/internal/markdown"
	"github.com/stratpub/stratpub/internal/sitetest"
)

// hit is what every payload runs when it executes: the browser test looks
// for its effects.
const hit = "top.__xss=(top.__xss||0)+1;document.title='XSS'"

// rawPayloads are known XSS vectors written as raw HTML in Markdown: each
// runs hit if it reaches a page unfiltered, most without any user action.
var rawPayloads = []string{
	`<script>` + hit + `</script>`,
	`<SCRIPT>` + hit + `</SCRIPT>`,
	`<ScRiPt src="data:text/javascript,` + hit + `"></ScRiPt>`,
	`<img src=x onerror="` + hit + `">`,
	`<img src="x" ONERROR="` + hit + `">`,
	`<img src=x onerror=` + hit + `//`,
	`<img srcset="x 1x" onerror="` + hit + `">`,
	`<svg onload="` + hit + `"></svg>`,
	`<svg><script>` + hit + `</script></svg>`,
	`<svg><a xlink:href="javascript:` + hit + `"><text y="20">svg link</text></a></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror="` + hit + `"></style></mglyph></table></mtext></math>`,
	`<body onload="` + hit + `">`,
	`<iframe src="javascript:` + hit + `"></iframe>`,
	`<iframe srcdoc="<script>` + hit + `</script>"></iframe>`,
	`<a href="javascript:` + hit + `">plain</a>`,
	`<a href="JaVaScRiPt:` + hit + `">mixed case</a>`,
	`<a href="&#106;avascript:` + hit + `">decimal entity</a>`,
	`<a href="&#x6A;&#x61;vascript&colon;` + hit + `">hex entity</a>`,
	`<a href="&#0000106&#0000097vascript:` + hit + `">padded entity</a>`,
	`<a href="java&#x09;script:` + hit + `">tab</a>`,
	`<a href="java&#x0A;script:` + hit + `">newline</a>`,
	`<a href=" &#x01; javascript:` + hit + `">control character</a>`,
	`<a href="data:text/html,<script>` + hit + `</script>">data URL</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">base64 data URL</a>`,
	`<a href="vbscript:msgbox(1)">vbscript</a>`,
	`<a href="#" onclick="` + hit + `">onclick</a>`,
	`<form action="javascript:` + hit + `"><input type=submit value=form></form>`,
	`<form><button formaction="javascript:` + hit + `">formaction</button></form>`,
	`<input autofocus onfocus="` + hit + `">`,
	`<details open ontoggle="` + hit + `"><summary>toggle</summary>x</details>`,
	`<meta http-equiv="refresh" content="0;url=javascript:` + hit + `">`,
	`<div style="background:url(javascript:` + hit + `)">css url</div>`,
	`<div style="width: expression(` + hit + `)">css expression</div>`,
	`<style>@import 'javascript:` + hit + `';</style>`,
	`<object data="javascript:` + hit + `"></object>`,
	`<embed src="javascript:` + hit + `">`,
	`<video><source onerror="` + hit + `"></video>`,
	`<audio src=x onerror="` + hit + `">`,
	`<marquee onstart="` + hit + `">marquee</marquee>`,
	`<base href="javascript:` + hit + `//">`,
	`<link rel=stylesheet href="javascript:` + hit + `">`,
	`<noscript><p title="</noscript><img src=x onerror=` + hit + `>"></noscript>`,
	`<textarea><img src=x onerror=` + hit + `></textarea>`,
	`<title><img src=x onerror=` + hit + `></title>`,
	`<!--<img src="--><img src=x onerror=` + hit + `//">`,
	`<x onmouseover=` + hit + `>custom element`,
	`<table background="javascript:` + hit + `"><tr><td>table</td></tr></table>`,
	`<img src="x" alt="` + "`" + `" onerror="` + hit + `">`,
	`<a href="https://example.org/" target=_blank rel=opener>opener</a>`,
}

// textPayloads go in front-matter values shown as text or inline Markdown.
var textPayloads = []string{
	`<script>` + hit + `</script>`,
	`"><img src=x onerror="` + hit + `">`,
	`</title><script>` + hit + `</script>`,
	`';` + hit + `;//`,
	`{{.Title}}`,
}

// xssPub writes a publication that carries every payload: in a section's
// body (one per paragraph, and all inline in one paragraph), in an
// activity, and in titles, statements, captions and the configuration.
func xssPub(t *testing.T, raw bool) string {
	t.Helper()
	dir := t.TempDir()
	q := strconv.Quote
	w := func(name, s string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tp := strings.Join(textPayloads, " ")
	w("stratpub.yaml", "title: "+q("Plan "+textPayloads[2])+"\norganization: "+q(textPayloads[1])+"\nperiod: P\nlanguage: en\n"+
		"publication_date: 2020-01-02\ndescription: "+q(tp)+"\nvision: "+q(tp)+"\nmission: "+q(tp)+"\n"+
		"allow_raw_html: "+strconv.FormatBool(raw)+"\npriorities:\n  - id: safety\n    title: "+q(textPayloads[0])+"\n    description: "+q(tp)+"\n")
	w("content/goal-1/goal.md", "---\ntype: goal\nnumber: 1\nname: "+q(textPayloads[1])+"\nstatement: "+q(tp)+"\n---\n"+strings.Join(rawPayloads, "\n\n")+"\n")
	w("content/goal-1/1.1.md", "---\ntype: objective\nnumber: \"1.1\"\ntitle: "+q(textPayloads[2])+"\nstatement: "+q(tp)+
		"\noutcomes:\n  - "+q(strings.Join(rawPayloads[:10], " "))+"\nactivities:\n  - "+q(strings.Join(rawPayloads[10:], " "))+
		"\nfigures:\n  - caption: "+q(tp)+"\n    credit: "+q(tp)+"\n---\nInline: "+strings.Join(rawPayloads, " and ")+"\n\nA note.[^1]\n\n[^1]: "+strings.Join(rawPayloads[:12], " ")+"\n")
	w("content/front/xss.md", "---\ntype: section\nid: xss\ntitle: "+q(tp)+"\nmatter: front\norder: 1\nsummary: "+q(tp)+"\n---\n"+
		strings.Join(rawPayloads, "\n\n")+"\n\n<b>bold control</b>\n")
	return dir
}

// staticProblems parses a page and lists what could run: scripts other
// than the theme's, frames, event handlers and URLs with unsafe schemes.
func staticProblems(page []byte) []string {
	doc, err := xhtml.Parse(strings.NewReader(string(page)))
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			switch n.Data {
			case "script":
				src := attr(n, "src")
				if attr(n, "type") == "application/ld+json" {
					// Data, not code; html/template escapes it for this
					// context, so it must stay one valid JSON text.
					if n.FirstChild == nil || !json.Valid([]byte(n.FirstChild.Data)) {
						out = append(out, "JSON-LD that is not JSON")
					}
				} else if !strings.Contains(src, "assets/") || strings.Contains(src, ":") || n.FirstChild != nil {
					out = append(out, "script "+src)
				}
			case "iframe", "object", "embed", "base", "frame", "frameset", "applet":
				out = append(out, "<"+n.Data+">")
			case "meta":
				if strings.EqualFold(attr(n, "http-equiv"), "refresh") {
					out = append(out, "meta refresh")
				}
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(k, "on"), k == "srcdoc", k == "formaction":
					out = append(out, n.Data+" "+k)
				case k == "style" && (strings.Contains(strings.ToLower(a.Val), "javascript") || strings.Contains(strings.ToLower(a.Val), "expression")):
					out = append(out, n.Data+" style="+a.Val)
				case k == "href" || k == "src" || k == "action" || k == "data" || k == "background" || k == "poster" || k == "cite" || k == "srcset":
					if !markdown.SafeURL(a.Val) {
						out = append(out, n.Data+" "+k+"="+a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// pageCheck runs in each page after it has loaded: it reports whether any
// payload ran, and what the browser's own parser made of the page.
const pageCheck = `(() => {
  const bad = [];
  if (window.__xss) bad.push('ran ' + window.__xss + ' times');
  if (document.title === 'XSS') bad.push('title changed');
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on') || n === 'srcdoc' || n === 'formaction') bad.push(el.localName + ' ' + n);
      if (['href', 'src', 'action', 'data', 'xlink:href', 'background', 'poster'].includes(n)) {
        let p = '';
        try { p = new URL(a.value, location.href).protocol; } catch (e) { continue; }
        if (['javascript:', 'data:', 'vbscript:'].includes(p)) bad.push(el.localName + ' ' + n + '=' + a.value);
      }
    }
  }
  for (const s of document.scripts) if (!s.src.includes('/assets/') && s.type !== 'application/ld+json') bad.push('script ' + s.outerHTML.slice(0, 80));
  if (document.querySelector('iframe,object,embed,base,meta[http-equiv=refresh i]')) bad.push('frame, object, base or refresh');
  return bad.join('; ');
})()`

// TestXSSPayloads builds the payloads with raw HTML escaped and allowed,
// checks the bytes of every page, then loads every page in headless
// Chromium, focuses, toggles and hovers what it can, and asserts that
// nothing ran.
func TestXSSPayloads(t *testing.T) {
	exe, ok, err := browser.ForTest()
	if err != nil {
		t.Fatal(err)
	}
	type built struct {
		raw   bool
		out   string
		pages []string
	}
	var sites []built
	for _, raw := range []bool{false, true} {
		out, site := sitetest.Build(t, xssPub(t, raw))
		b := built{raw: raw, out: out}
		for _, f := range site.Files {
			if !strings.HasSuffix(f.Path, ".html") {
				continue
			}
			b.pages = append(b.pages, f.Path)
			if p := staticProblems(f.Data); len(p) > 0 {
				t.Errorf("raw=%v %s: %s", raw, f.Path, strings.Join(p, "; "))
			}
		}
		section, err := os.ReadFile(filepath.Join(out, "xss", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if !raw {
			// Escaped, not dropped: the author sees what they wrote.
			if !strings.Contains(string(section), "&lt;script&gt;"+strings.ReplaceAll(hit, "'", "&#39;")) {
				t.Errorf("raw=false: the script payload is not shown as text")
			}
			if strings.Contains(string(section), "<b>bold control</b>") {
				t.Errorf("raw=false: raw HTML reached the page")
			}
		} else if !strings.Contains(string(section), "<b>bold control</b>") {
			t.Errorf("raw=true: allowed raw HTML was dropped, so the sanitizer was not exercised")
		}
		sites = append(sites, b)
	}
	if !ok {
		t.Skip("no Chromium found: the pages were checked as bytes only; install chromium (or set STRATPUB_BROWSER_TESTS=1 to make this an error)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bctx, stop, err := browser.Start(ctx, exe)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	// Negative control: a page with two payloads left in must be caught.
	control := filepath.Join(t.TempDir(), "control.html")
	if err := os.WriteFile(control, []byte("<!doctype html><title>c</title><img src=x onerror=\""+hit+"\"><a href=\"java&#x09;script:"+hit+"\">x</a>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(control); len(staticProblems(b)) != 2 {
		t.Fatalf("the byte check misses payloads: %v", staticProblems(b))
	}
	if got := visit(t, bctx, "file://"+control); !strings.Contains(got, "ran ") || !strings.Contains(got, "a href=java") {
		t.Fatalf("the browser check misses payloads that run: %q", got)
	}
	loaded := 0
	for _, s := range sites {
		for _, p := range s.pages {
			loaded++
			if got := visit(t, bctx, "file://"+filepath.Join(s.out, filepath.FromSlash(p))); got != "" {
				t.Errorf("raw=%v %s: %s", s.raw, p, got)
			}
		}
	}
	t.Logf("XSS: %d raw-HTML payloads and %d text payloads, %d pages loaded in Chromium (raw HTML escaped and allowed); none ran", len(rawPayloads), len(textPayloads), loaded)
}

// visit loads a page, gives its handlers a chance to fire (focus, toggle,
// hover, timers), and returns what pageCheck found.
func visit(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	provoke := `(() => {
	  for (const el of document.querySelectorAll('body *')) {
	    for (const ev of ['mouseover', 'focus', 'toggle', 'error', 'load', 'start']) el.dispatchEvent(new Event(ev));
	  }
	  for (const d of document.querySelectorAll('details')) d.open = !d.open;
	  return true;
	})()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](provoke)); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(150*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](pageCheck))
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return got
}

// TestXSSLinksRefused checks that Markdown links and images with script
// or data URLs, in every form, stop the build with a position instead of
// reaching a page.
func TestXSSLinksRefused(t *testing.T) {
	payloads := []string{
		"[x](javascript:" + hit + ")",
		"[x](JAVASCRIPT:" + hit + ")",
		"[x](&#106;avascript:" + hit + ")",
		"[x](&#x6A;avascript&colon;" + hit + ")",
		"[x](<javascript:" + hit + ">)",
		"[x](data:text/html,<script>" + hit + "</script>)",
		"[x](vbscript:msgbox)",
		"[x](site:javascript:" + hit + ")",
		"[x][r]\n\n[r]: javascript:" + hit,
		"<javascript:" + hit + ">",
		"![x](javascript:" + hit + ")",
		"![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
		"Note.[^1]\n\n[^1]: [x](javascript:" + hit + ")",
	}
	for _, raw := range []bool{false, true} {
		for _, p := range payloads {
			dir := xssPubMinimal(t, raw, p)
			root, err := os.OpenRoot(dir)
			if err != nil {
				t.Fatal(err)
			}
			_, errs := build.Build(context.Background(), build.Config{Source: root.FS()})
			root.Close()
			msg := errs.Error()
			if len(errs) == 0 || !strings.Contains(msg, "content/s.md:") ||
				!(strings.Contains(msg, "is not allowed") || strings.Contains(msg, "is not a file of the publication")) {
				t.Errorf("raw=%v %q: built, or refused without saying why:\n%s", raw, p, msg)
			}
		}
	}
}

func xssPubMinimal(t *testing.T, raw bool, body string) string {
	dir := t.TempDir()
	files := map[string]string{
		"stratpub.yaml": "title: T\norganization: O\nperiod: P\nlanguage: en\npublication_date: 2020-01-02\nallow_raw_html: " + strconv.FormatBool(raw) + "\n",
		"content/g.md":  "---\ntype: goal\nnumber: 1\nname: N\nstatement: S\n---\n",
		"content/s.md":  "---\ntype: section\nid: s\ntitle: S\nmatter: front\norder: 1\n---\n" + body + "\n",
	}
	for name, s := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var _ fs.FS
