package tmplexec

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"text/template/parse"
)

type compiler struct {
	set  *Set
	tree *parse.Tree // of the template being compiled
}

// UnsupportedError says where a template uses what the compiled execution
// does not support.
type UnsupportedError struct {
	Template string // the template's name
	File     string // the file the template was parsed from, "" if unknown
	Line     int    // 1-based
	Col      int    // 1-based, in bytes
	Node     string // what is not supported, for an author
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s (template %q) is not supported by the compiled execution", e.File, e.Line, e.Col, e.Node, e.Template)
}

func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// describe names what n is, for a template's author.
func describe(n parse.Node) string {
	switch n := n.(type) {
	case *parse.IdentifierNode:
		if strings.HasPrefix(n.Ident, "_html_template_") {
			// An escaper html/template added for a context not supported.
			return "an action inside a style, a script string, a srcset, an unquoted attribute value or a comment"
		}
		return fmt.Sprintf("the function %s", n.Ident)
	case *parse.CommandNode:
		if len(n.Args) > 0 {
			return describe(n.Args[0])
		}
	case *parse.ChainNode:
		return fmt.Sprintf("a field of a parenthesised value, %s", n)
	case *parse.TemplateNode:
		return fmt.Sprintf("%s inside an attribute, a script or a style", n)
	}
	return n.String()
}

func (c *compiler) unsupported(name string, n parse.Node) error {
	e := &UnsupportedError{Template: name, Node: describe(n)}
	if c.tree != nil && c.tree.ParseName != "" { // trees from GoSource keep no text to tell where
		// "file:line:col", the column counted from 0.
		loc, _ := c.tree.ErrorContext(n)
		if i := strings.LastIndexByte(loc, ':'); i > 0 {
			if j := strings.LastIndexByte(loc[:i], ':'); j > 0 {
				e.File = loc[:j]
				e.Line, _ = strconv.Atoi(loc[j+1 : i])
				col, _ := strconv.Atoi(loc[i+1:])
				e.Col = col + 1
			}
		}
	}
	return e
}

// errNoTemplate is the error of template for a name html/template has no
// escaped template of: it names the templates it derives for other
// contexts apart, and keeps them to itself.
var errNoTemplate = fmt.Errorf("no such escaped template: %w", ErrUnsupported)

// template compiles the template called name, once.
func (c *compiler) template(name string) (*code, error) {
	if done := c.set.byName[name]; done != nil {
		return done, nil
	}
	t := c.set.tree(name)
	if t == nil || t.Root == nil {
		return nil, fmt.Errorf("template %q: %w", name, errNoTemplate)
	}
	cd := &code{}
	c.set.byName[name] = cd // before its body, for templates that call themselves
	outer := c.tree
	c.tree = t
	root, err := c.list(name, t.Root)
	c.tree = outer
	if err != nil {
		delete(c.set.byName, name)
		return nil, err
	}
	cd.root = root
	return cd, nil
}

func (c *compiler) list(tmpl string, l *parse.ListNode) (node, error) {
	if l == nil {
		return nil, nil
	}
	var out listNode
	for _, n := range l.Nodes {
		cn, err := c.node(tmpl, n)
		if err != nil {
			return nil, err
		}
		if cn == nil {
			continue
		}
		// Join neighbouring texts.
		if t, ok := cn.(textNode); ok && len(out) > 0 {
			if prev, ok := out[len(out)-1].(textNode); ok {
				out[len(out)-1] = append(prev[:len(prev):len(prev)], t...)
				continue
			}
		}
		out = append(out, cn)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func (c *compiler) node(tmpl string, n parse.Node) (node, error) {
	switch n := n.(type) {
	case *parse.TextNode:
		if len(n.Text) == 0 {
			return nil, nil
		}
		return textNode(n.Text), nil
	case *parse.CommentNode:
		return nil, nil
	case *parse.ActionNode:
		p, esc, err := c.pipeline(tmpl, n.Pipe, true)
		if err != nil {
			return nil, err
		}
		return &actionNode{pipe: p, esc: esc}, nil
	case *parse.IfNode:
		return c.branch(tmpl, false, n.Pipe, n.List, n.ElseList)
	case *parse.WithNode:
		return c.branch(tmpl, true, n.Pipe, n.List, n.ElseList)
	case *parse.RangeNode:
		p, _, err := c.pipeline(tmpl, n.Pipe, false)
		if err != nil {
			return nil, err
		}
		list, err := c.list(tmpl, n.List)
		if err != nil {
			return nil, err
		}
		else_, err := c.list(tmpl, n.ElseList)
		if err != nil {
			return nil, err
		}
		if list == nil {
			list = listNode(nil)
		}
		return &rangeNode{pipe: p, list: list, else_: else_}, nil
	case *parse.TemplateNode:
		called, err := c.template(n.Name)
		if errors.Is(err, errNoTemplate) {
			return nil, c.unsupported(tmpl, n) // where it is called
		}
		if err != nil {
			return nil, err
		}
		tn := &templateNode{code: called}
		if n.Pipe != nil {
			if tn.pipe, _, err = c.pipeline(tmpl, n.Pipe, false); err != nil {
				return nil, err
			}
		}
		return tn, nil
	case *parse.BreakNode:
		return breakNode{}, nil
	case *parse.ContinueNode:
		return continueNode{}, nil
	}
	// Whatever parse adds later.
	return nil, c.unsupported(tmpl, n)
}

func (c *compiler) branch(tmpl string, with bool, pipe *parse.PipeNode, list, elseList *parse.ListNode) (node, error) {
	p, _, err := c.pipeline(tmpl, pipe, false)
	if err != nil {
		return nil, err
	}
	l, err := c.list(tmpl, list)
	if err != nil {
		return nil, err
	}
	if l == nil {
		l = listNode(nil)
	}
	e, err := c.list(tmpl, elseList)
	if err != nil {
		return nil, err
	}
	return &ifNode{with: with, pipe: p, list: l, else_: e}, nil
}

// pipeline compiles a pipeline. For a printed action, the escapers at its
// end are returned apart, to write the output.
func (c *compiler) pipeline(tmpl string, p *parse.PipeNode, printed bool) (*pipeline, []*escaper, error) {
	out := &pipeline{assign: p.IsAssign}
	for _, v := range p.Decl {
		out.decl = append(out.decl, v.Ident[0])
	}
	cmds := p.Cmds
	var esc []*escaper
	if printed && len(p.Decl) == 0 {
		for len(cmds) > 1 {
			last := cmds[len(cmds)-1]
			id, ok := last.Args[0].(*parse.IdentifierNode)
			if !ok || len(last.Args) != 1 || escapers[id.Ident] == nil {
				break
			}
			if !escapers[id.Ident].usable() {
				return nil, nil, c.unsupported(tmpl, last)
			}
			esc = append([]*escaper{escapers[id.Ident]}, esc...)
			cmds = cmds[:len(cmds)-1]
		}
	}
	for _, cmd := range cmds {
		cc, err := c.command(tmpl, cmd)
		if err != nil {
			return nil, nil, err
		}
		out.cmds = append(out.cmds, cc)
	}
	return out, esc, nil
}

func (c *compiler) command(tmpl string, cmd *parse.CommandNode) (command, error) {
	args, err := c.args(tmpl, cmd.Args[1:])
	if err != nil {
		return nil, err
	}
	switch n := cmd.Args[0].(type) {
	case *parse.FieldNode:
		return &fieldCmd{steps: steps(n.Ident), args: args}, nil
	case *parse.VariableNode:
		return &fieldCmd{variable: n.Ident[0], steps: steps(n.Ident[1:]), args: args}, nil
	case *parse.IdentifierNode:
		fn := c.set.funcs[n.Ident]
		if fn == nil {
			return nil, c.unsupported(tmpl, n)
		}
		return &funcCmd{fn: fn, args: args}, nil
	case *parse.PipeNode:
		p, _, err := c.pipeline(tmpl, n, false)
		if err != nil {
			return nil, err
		}
		return &pipeCmd{pipe: p, nargs: len(args)}, nil
	}
	if len(args) > 0 {
		return &constCmd{bad: true}, nil
	}
	switch n := cmd.Args[0].(type) {
	case *parse.DotNode:
		return &constCmd{dot: true}, nil
	case *parse.BoolNode:
		return &constCmd{v: reflect.ValueOf(n.True)}, nil
	case *parse.StringNode:
		return &constCmd{v: reflect.ValueOf(n.Text)}, nil
	case *parse.NumberNode:
		v, ok := idealConstant(n)
		return &constCmd{v: v, bad: !ok}, nil
	case *parse.NilNode:
		return &constCmd{bad: true}, nil
	}
	// A chain on a parenthesised value, and whatever parse adds later.
	return nil, c.unsupported(tmpl, cmd)
}

func steps(idents []string) []*step {
	out := make([]*step, len(idents))
	for i, id := range idents {
		out[i] = &step{name: id}
	}
	return out
}

func (c *compiler) args(tmpl string, nodes []parse.Node) ([]*arg, error) {
	var out []*arg
	for _, n := range nodes {
		a := &arg{node: n}
		switch n := n.(type) {
		case *parse.DotNode:
			a.eval = func(_ *state, dot reflect.Value) (reflect.Value, error) { return dot, nil }
		case *parse.FieldNode:
			fc := &fieldCmd{steps: steps(n.Ident)}
			a.eval = func(s *state, dot reflect.Value) (reflect.Value, error) { return fc.eval(s, dot, missingVal) }
		case *parse.VariableNode:
			fc := &fieldCmd{variable: n.Ident[0], steps: steps(n.Ident[1:])}
			a.eval = func(s *state, dot reflect.Value) (reflect.Value, error) { return fc.eval(s, dot, missingVal) }
		case *parse.PipeNode:
			p, _, err := c.pipeline(tmpl, n, false)
			if err != nil {
				return nil, err
			}
			a.eval = func(s *state, dot reflect.Value) (reflect.Value, error) { return p.eval(s, dot) }
		case *parse.IdentifierNode:
			fn := c.set.funcs[n.Ident]
			if fn == nil {
				return nil, c.unsupported(tmpl, n)
			}
			a.eval = func(s *state, dot reflect.Value) (reflect.Value, error) { return fn.call(s, dot, nil, missingVal) }
		case *parse.BoolNode, *parse.NumberNode, *parse.StringNode, *parse.NilNode:
		default:
			return nil, c.unsupported(tmpl, n)
		}
		out = append(out, a)
	}
	return out, nil
}
