package render

import (
	"html/template"
	"testing"
)

// TestUsesGoal checks which chrome parts are keyed by the page's goal: a
// part that names Goal or NavGoals, directly, through $, in a chain or in
// a template it calls, is; a part that does not is shared by all goals.
func TestUsesGoal(t *testing.T) {
	set := template.Must(template.New("x").Parse(`
{{define "plain"}}<p>{{.Kind}} {{.Pub.Title}} {{range .Plan.Goals}}{{.Name}}{{end}}</p>{{end}}
{{define "field"}}{{if .Goal}}<p>{{.Goal.Number}}</p>{{end}}{{end}}
{{define "method"}}{{range .NavGoals}}{{.Name}}{{end}}{{end}}
{{define "dollar"}}{{range .Plan.Goals}}{{if eq $.Goal.Number .Number}}x{{end}}{{end}}{{end}}
{{define "chain"}}{{with .Plan}}{{(index .Goals 0).Name}}{{end}}{{(.).Goal}}{{end}}
{{define "calls"}}<div>{{template "field" .}}</div>{{end}}
{{define "calls-plain"}}<div>{{template "plain" .}}</div>{{end}}
{{define "recursive"}}{{if .Print}}{{template "recursive" .}}{{end}}{{end}}
`))
	for name, want := range map[string]bool{
		"plain": false, "field": true, "method": true, "dollar": true, "chain": true,
		"calls": true, "calls-plain": false, "recursive": false, "missing": false,
	} {
		if got := usesGoal(lookup(set), name, map[string]bool{}); got != want {
			t.Errorf("usesGoal(%q) = %v, want %v", name, got, want)
		}
	}
}
