package tmplexec

import (
	"fmt"
	"html/template"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
)

// Escaped returns the trees of the templates of set called names, and of
// every template they call, as html/template escaped them. set must be
// escaped already. GoSource writes them as Go, so that a program can ship
// a theme escaped in advance and compile it (CompileTrees) without
// escaping it again.
func Escaped(set *template.Template, names ...string) (map[string]*parse.Tree, error) {
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
			return nil, err
		}
	}
	return trees, nil
}

// GoSource returns trees as a Go expression of type
// []struct{Name string; Tree *parse.Tree}, sorted by name, for a file
// that imports text/template/parse. Its nodes are composite literals of
// constants, which the Go compiler lays out in the binary: a program
// that compiles them in has the trees without parsing or building them.
// Positions are kept, the text the trees were parsed from is not: the
// trees cannot describe where their nodes are (Tree.ErrorContext).
func GoSource(trees map[string]*parse.Tree) (string, error) {
	g := goWriter{}
	g.s("[]struct {\n\tName string\n\tTree *parse.Tree\n}{\n")
	for _, name := range slices.Sorted(maps.Keys(trees)) {
		g.f("\t{%q, &parse.Tree{Name: %q, Root: ", name, trees[name].Name)
		g.node(trees[name].Root)
		g.s("}},\n")
	}
	g.s("}")
	return g.b.String(), g.err
}

// goWriter writes parse nodes as Go composite literals.
type goWriter struct {
	b   strings.Builder
	err error
}

func (g *goWriter) s(s string)                { g.b.WriteString(s) }
func (g *goWriter) f(format string, a ...any) { fmt.Fprintf(&g.b, format, a...) }

// head writes the start of the literal of a node of type typ.
func (g *goWriter) head(typ string, nt parse.NodeType, pos parse.Pos) {
	g.f("&parse.%s{NodeType: %d, Pos: %d", typ, nt, pos)
}

func (g *goWriter) node(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			g.s("nil")
			return
		}
		g.head("ListNode", n.NodeType, n.Pos)
		nodes(g, ", Nodes: []parse.Node{", n.Nodes)
		g.s("}")
	case *parse.TextNode:
		g.head("TextNode", n.NodeType, n.Pos)
		g.f(", Text: []byte(%q)}", n.Text)
	case *parse.ActionNode:
		g.head("ActionNode", n.NodeType, n.Pos)
		g.f(", Line: %d, Pipe: ", n.Line)
		g.node(n.Pipe)
		g.s("}")
	case *parse.PipeNode:
		if n == nil {
			g.s("nil")
			return
		}
		g.head("PipeNode", n.NodeType, n.Pos)
		g.f(", Line: %d", n.Line)
		if n.IsAssign {
			g.s(", IsAssign: true")
		}
		if n.Decl != nil {
			nodes(g, ", Decl: []*parse.VariableNode{", n.Decl)
		}
		nodes(g, ", Cmds: []*parse.CommandNode{", n.Cmds)
		g.s("}")
	case *parse.CommandNode:
		g.head("CommandNode", n.NodeType, n.Pos)
		nodes(g, ", Args: []parse.Node{", n.Args)
		g.s("}")
	case *parse.IdentifierNode:
		g.head("IdentifierNode", n.NodeType, n.Pos)
		g.f(", Ident: %q}", n.Ident)
	case *parse.VariableNode:
		g.head("VariableNode", n.NodeType, n.Pos)
		g.f(", Ident: %#v}", n.Ident)
	case *parse.FieldNode:
		g.head("FieldNode", n.NodeType, n.Pos)
		g.f(", Ident: %#v}", n.Ident)
	case *parse.ChainNode:
		g.head("ChainNode", n.NodeType, n.Pos)
		g.s(", Node: ")
		g.node(n.Node)
		g.f(", Field: %#v}", n.Field)
	case *parse.DotNode:
		g.head("DotNode", n.NodeType, n.Pos)
		g.s("}")
	case *parse.NilNode:
		g.head("NilNode", n.NodeType, n.Pos)
		g.s("}")
	case *parse.BoolNode:
		g.head("BoolNode", n.NodeType, n.Pos)
		g.f(", True: %t}", n.True)
	case *parse.NumberNode:
		g.head("NumberNode", n.NodeType, n.Pos)
		g.f(", IsInt: %t, IsUint: %t, IsFloat: %t, IsComplex: %t, Int64: %d, Uint64: %d, Float64: %s, Complex128: complex(%s, %s), Text: %q}",
			n.IsInt, n.IsUint, n.IsFloat, n.IsComplex, n.Int64, n.Uint64, float(n.Float64), float(real(n.Complex128)), float(imag(n.Complex128)), n.Text)
	case *parse.StringNode:
		g.head("StringNode", n.NodeType, n.Pos)
		g.f(", Quoted: %q, Text: %q}", n.Quoted, n.Text)
	case *parse.IfNode:
		g.branch("IfNode", &n.BranchNode)
	case *parse.RangeNode:
		g.branch("RangeNode", &n.BranchNode)
	case *parse.WithNode:
		g.branch("WithNode", &n.BranchNode)
	case *parse.TemplateNode:
		g.head("TemplateNode", n.NodeType, n.Pos)
		g.f(", Line: %d, Name: %q, Pipe: ", n.Line, n.Name)
		g.node(n.Pipe)
		g.s("}")
	case *parse.BreakNode:
		g.head("BreakNode", n.NodeType, n.Pos)
		g.f(", Line: %d}", n.Line)
	case *parse.ContinueNode:
		g.head("ContinueNode", n.NodeType, n.Pos)
		g.f(", Line: %d}", n.Line)
	case *parse.CommentNode:
		g.head("CommentNode", n.NodeType, n.Pos)
		g.f(", Text: %q}", n.Text)
	default:
		if g.err == nil {
			g.err = fmt.Errorf("GoSource: node %T (%s): %w", n, n, ErrUnsupported)
		}
		g.s("nil")
	}
}

// nodes writes open, the literals of list separated by commas, and "}".
func nodes[N parse.Node](g *goWriter, open string, list []N) {
	g.s(open)
	for i, n := range list {
		if i > 0 {
			g.s(", ")
		}
		g.node(n)
	}
	g.s("}")
}

func (g *goWriter) branch(typ string, b *parse.BranchNode) {
	g.f("&parse.%s{BranchNode: parse.BranchNode{NodeType: %d, Pos: %d, Line: %d, Pipe: ", typ, b.NodeType, b.Pos, b.Line)
	g.node(b.Pipe)
	g.s(", List: ")
	g.node(b.List)
	g.s(", ElseList: ")
	g.node(b.ElseList)
	g.s("}}")
}

// float writes f as a Go constant that is f exactly.
func float(f float64) string {
	switch {
	case math.IsInf(f, 0) || math.IsNaN(f):
		return "0" // a template number is never either
	case f == 0 && math.Signbit(f):
		return "0"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
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
