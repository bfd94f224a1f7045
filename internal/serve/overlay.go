package serve

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/stratpub/stratpub/internal/diag"
	hl "github.com/stratpub/stratpub/internal/highlight"
)

// contextLines is how many source lines the overlay shows on each side of
// the line of an error.
const contextLines = 3

// maxOverlayErrors bounds the errors shown with their source.
const maxOverlayErrors = 20

// problem is one error as the overlay shows it.
type problem struct {
	Where  string
	Msg    string
	Hint   string
	Source template.HTML // highlighted lines, or empty
}

// overlayTmpl is parsed when first needed, not when every command starts.
var overlayTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("overlay").Parse(`
<link rel="stylesheet" href="/_stratpub/overlay.css">
<dialog id="stratpub-error" aria-labelledby="stratpub-error-title" aria-describedby="stratpub-error-summary">
<h2 id="stratpub-error-title" tabindex="-1">The site could not be rebuilt</h2>
<p id="stratpub-error-summary">{{.Summary}}</p>
<ol>
{{- range .Problems}}
<li><p class="stratpub-where">{{.Where}}</p>
<p class="stratpub-msg">{{.Msg}}</p>
{{- with .Hint}}
<p class="stratpub-hint">Hint: {{.}}</p>
{{- end}}
{{.Source}}</li>
{{- end}}
</ol>
<form method="dialog"><button>Close (Esc)</button></form>
</dialog>
`))
})

// overlay renders the error overlay for errs; source lines are read from
// src, the publication.
func overlay(errs diag.List, src fs.FS, kept bool) string {
	n := len(errs)
	summary := fmt.Sprintf("%d error%s.", n, plural(n))
	if kept {
		summary += " This page shows the last version that built; fix the error and save, and it updates by itself."
	} else {
		summary += " Fix the error and save, and the page updates by itself."
	}
	var probs []problem
	for i, e := range errs {
		p := problem{Where: e.Pos.String(), Msg: e.Msg, Hint: e.Hint}
		if i < maxOverlayErrors {
			p.Source = highlight(src, e.Pos)
		}
		probs = append(probs, p)
	}
	var b strings.Builder
	if err := overlayTmpl().Execute(&b, struct {
		Summary  string
		Problems []problem
	}{summary, probs}); err != nil {
		return ""
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// highlight returns the lines around pos, highlighted with CSS classes,
// the line of pos marked.
func highlight(src fs.FS, pos diag.Pos) template.HTML {
	if pos.File == "" || pos.Line == 0 || src == nil || !fs.ValidPath(pos.File) {
		return ""
	}
	data, err := fs.ReadFile(src, pos.File)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if pos.Line > len(lines) {
		return ""
	}
	first := max(1, pos.Line-contextLines)
	last := min(len(lines), pos.Line+contextLines)
	code := strings.Join(lines[first-1:last], "\n") + "\n"
	h, err := hl.HTML(langOf(pos.File, lines, pos.Line), code, hl.Options{
		LineNumbers: true, FirstLine: first, Highlight: [2]int{pos.Line, pos.Line}})
	if err != nil {
		return ""
	}
	return h
}

// langOf names the language of the lines shown: the front matter of a
// Markdown document is YAML.
func langOf(name string, lines []string, line int) string {
	switch path.Ext(name) {
	case ".md":
		if len(lines) > 0 && strings.TrimSpace(lines[0]) == "---" {
			for i := 1; i < len(lines); i++ {
				if strings.TrimSpace(lines[i]) == "---" {
					if line <= i+1 {
						return "yaml"
					}
					break
				}
			}
		}
		return "markdown"
	case ".yaml", ".yml":
		return "yaml"
	case ".html":
		return "html"
	case ".css":
		return "css"
	}
	return "plain"
}

// overlayCSS returns the overlay's stylesheet: its own rules and the
// chroma classes.
func overlayCSS(base []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Write(base)
	b.Write(hl.CSS())
	return b.Bytes(), nil
}
