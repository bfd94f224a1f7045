package tmplexec

import (
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
)

// Escaped returns the templates of set called names, and every template
// they call, as html/template escaped them, in the syntax of templates: a
// {{define}} of each, by name. set must be escaped already. ParseEscaped
// reads it back, so that a program can ship a theme escaped in advance
// and compile it (CompileTrees) without escaping it again.
func Escaped(set *template.Template, names ...string) (string, error) {
	trees := map[string]*parse.Tree{}
	var add func(name string) error
	add = func(name string) error {
		if trees[name] != nil {
			return nil
		}
		t := set.Lookup(name)
		if t == nil || t.Tree == nil || t.Tree.Root == nil {
			return fmt.Errorf("template %q: %w", name, errNoTemplate)
		}
		trees[name] = t.Tree
		var err error
		Inspect(t.Tree.Root, func(n parse.Node) bool {
			if tn, ok := n.(*parse.TemplateNode); ok && err == nil {
				err = add(tn.Name)
			}
			return err == nil
		})
		return err
	}
	for _, name := range names {
		if err := add(name); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(trees)) {
		fmt.Fprintf(&b, "{{define %s}}%s{{end}}\n", strconv.Quote(name), trees[name].Root.String())
	}
	return b.String(), nil
}

// ParseEscaped parses what Escaped wrote into trees by name. The functions
// the trees call are not checked: CompileTrees refuses a tree that calls
// one it does not know.
func ParseEscaped(text string) (map[string]*parse.Tree, error) {
	t := parse.New("escaped")
	t.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := t.Parse(text, "", "", trees); err != nil {
		return nil, err
	}
	delete(trees, "escaped")
	return trees, nil
}

// Inspect calls f for n and, while f returns true, for every node under
// it, in the order of the text: the parts of actions and pipelines as well
// as the lists of if, range and with.
func Inspect(n parse.Node, f func(parse.Node) bool) {
	if n == nil || !f(n) {
		return
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				Inspect(c, f)
			}
		}
	case *parse.ActionNode:
		Inspect(n.Pipe, f)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				Inspect(c, f)
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			Inspect(a, f)
		}
	case *parse.ChainNode:
		Inspect(n.Node, f)
	case *parse.TemplateNode:
		Inspect(n.Pipe, f)
	case *parse.IfNode:
		Inspect(n.Pipe, f)
		Inspect(n.List, f)
		Inspect(n.ElseList, f)
	case *parse.RangeNode:
		Inspect(n.Pipe, f)
		Inspect(n.List, f)
		Inspect(n.ElseList, f)
	case *parse.WithNode:
		Inspect(n.Pipe, f)
		Inspect(n.List, f)
		Inspect(n.ElseList, f)
	}
}
