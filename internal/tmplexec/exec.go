// Package tmplexec executes templates that html/template has escaped,
// writing the same bytes as html/template would, in a fraction of its time.
//
// text/template interprets a template's parse tree anew for every
// execution: each field or method of an action is looked up by name on the
// value's type, and each function, the contextual escapers that
// html/template adds to every action included, is called through reflection
// with its arguments boxed. Compile turns the escaped trees into a tree of
// Go values once: field and method lookups are kept per node and type, the
// escapers are called directly and write into the output, and constant
// arguments are converted once.
//
// Only what html/template does is done: the trees are the ones it escaped,
// so the output is escaped as it would escape it, and the escapers follow
// its code (its own functions run where they are not copied here; see
// escape.go). A template that uses something Compile does not support (a
// field of a parenthesised value, the call function, an action in a
// context other than HTML text, RCDATA, quoted attribute values, attribute
// names, URLs and script values) is refused, and the caller keeps
// html/template. When an execution fails, html/template runs the template
// again to say why, so an author sees its messages and positions.
//
// Where it evaluates as text/template does (fields, calls, arguments,
// truth, printing, range), the code follows text/template's exec.go
// (Copyright 2011 The Go Authors; BSD-style licence, in LICENSE.go-authors).
package tmplexec

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"reflect"
	"sync/atomic"
	"text/template/parse"
)

// Set is a compiled set of escaped templates.
type Set struct {
	html   func() *template.Template // the escaped set, for what Set does not run itself
	tree   func(name string) *parse.Tree
	byName map[string]*code
	funcs  map[string]*function
}

type code struct {
	root node
}

// ErrUnsupported is wrapped by the errors of Compile for templates that use
// what the compiled execution does not support.
var ErrUnsupported = errors.New("not supported by the compiled execution")

// Compile compiles the templates of set called names, and every template
// they call. set must be escaped already: html/template escapes a template
// on its first execution. funcs are the functions the set was parsed with.
// The set must use the default options (a missing map key gives the zero
// value): Compile cannot see them.
func Compile(set *template.Template, funcs template.FuncMap, names ...string) (*Set, error) {
	tree := func(name string) *parse.Tree {
		if t := set.Lookup(name); t != nil {
			return t.Tree
		}
		return nil
	}
	return CompileTrees(tree, func() *template.Template { return set }, funcs, names...)
}

// CompileTrees is Compile for escaped trees that html/template did not
// escape in this process: tree returns the escaped tree of a name (see
// Escaped and ParseEscaped), and html the set they were escaped from, made
// when first needed (to execute a template Compile did not compile, and to
// describe a failed execution).
func CompileTrees(tree func(name string) *parse.Tree, html func() *template.Template, funcs template.FuncMap, names ...string) (*Set, error) {
	s := &Set{html: html, tree: tree, byName: map[string]*code{}, funcs: map[string]*function{}}
	for name, fn := range builtins {
		s.funcs[name] = fn
	}
	for name, fn := range funcs {
		if v := reflect.ValueOf(fn); v.Kind() != reflect.Func || !goodFunc(v.Type()) {
			return nil, fmt.Errorf("function %s: %w", name, ErrUnsupported)
		}
		s.funcs[name] = goFunc(fn)
	}
	c := &compiler{set: s}
	for _, name := range names {
		if _, err := c.template(name); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Execute applies the template name to data, writing the output to w. Its
// output and its errors are html/template's.
func (s *Set) Execute(w io.Writer, name string, data any) error {
	c := s.byName[name]
	if c == nil {
		return s.html().ExecuteTemplate(w, name, data)
	}
	err := s.run(c, w, data)
	if err == nil {
		return nil
	}
	var we writeError
	if errors.As(err, &we) {
		return we.err
	}
	// Let html/template say what went wrong, where, in its words.
	if herr := s.html().ExecuteTemplate(io.Discard, name, data); herr != nil {
		return herr
	}
	return fmt.Errorf("template %s: %v (html/template executes it: a fault of the compiled execution, please report it)", name, err)
}

// run executes c. A panic (a method of data's, or a fault of this
// package) is a failure like any other: text/template recovers from them
// too.
func (s *Set) run(c *code, w io.Writer, data any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: panic: %v", failure, r)
		}
	}()
	var st state
	if sw, ok := w.(io.StringWriter); ok {
		st.w = stringWriter{w, sw}
	} else {
		st.w = stringWriter{w, bytesWriter{w}}
	}
	dot := reflect.ValueOf(data)
	st.vars = append(st.varBuf[:0], variable{"$", dot})
	return c.root.exec(&st, dot)
}

// maxDepth is text/template's limit on nested template calls.
const maxDepth = 100000

type state struct {
	w      stringWriter
	vars   []variable
	base   int // the index of $ of the template being executed
	depth  int
	varBuf [8]variable
}

type variable struct {
	name  string
	value reflect.Value
}

// stringWriter writes strings without copying them where w allows.
type stringWriter struct {
	io.Writer
	io.StringWriter
}

type bytesWriter struct{ w io.Writer }

func (b bytesWriter) WriteString(s string) (int, error) { return b.w.Write([]byte(s)) }

// writeError is a failure to write the output, returned as is.
type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }

// failure is an execution error; html/template is run again to describe it.
var failure = errors.New("execution failed")

func (s *state) write(b []byte) error {
	if _, err := s.w.Write(b); err != nil {
		return writeError{err}
	}
	return nil
}

func (s *state) writeString(str string) error {
	if _, err := s.w.WriteString(str); err != nil {
		return writeError{err}
	}
	return nil
}

func (s *state) push(name string, v reflect.Value) { s.vars = append(s.vars, variable{name, v}) }

func (s *state) mark() int { return len(s.vars) }

func (s *state) pop(mark int) {
	clear(s.vars[mark:])
	s.vars = s.vars[:mark]
}

func (s *state) lookup(name string) (reflect.Value, error) {
	for i := len(s.vars) - 1; i >= s.base; i-- {
		if s.vars[i].name == name {
			return s.vars[i].value, nil
		}
	}
	return reflect.Value{}, failure
}

func (s *state) setVar(name string, v reflect.Value) error {
	for i := len(s.vars) - 1; i >= s.base; i-- {
		if s.vars[i].name == name {
			s.vars[i].value = v
			return nil
		}
	}
	return failure
}

// node is a compiled part of a template's body.
type node interface {
	exec(s *state, dot reflect.Value) error
}

type textNode []byte

func (t textNode) exec(s *state, _ reflect.Value) error { return s.write(t) }

type listNode []node

func (l listNode) exec(s *state, dot reflect.Value) error {
	for _, n := range l {
		if err := n.exec(s, dot); err != nil {
			return err
		}
	}
	return nil
}

// actionNode is {{pipeline}}: printed unless it declares variables. The
// escapers html/template added at the end of the pipeline write into the
// output themselves.
type actionNode struct {
	pipe *pipeline
	esc  []*escaper
}

func (a *actionNode) exec(s *state, dot reflect.Value) error {
	v, err := a.pipe.eval(s, dot)
	if err != nil {
		return err
	}
	if len(a.pipe.decl) > 0 {
		return nil
	}
	if len(a.esc) == 0 {
		return s.print(v)
	}
	return writeEscaped(s, a.esc, v)
}

// print writes v as text/template prints a value.
func (s *state) print(v reflect.Value) error {
	if v.Kind() == reflect.Pointer {
		v, _ = indirect(v)
	}
	if !v.IsValid() {
		return s.writeString("<no value>")
	}
	if v.Kind() == reflect.String && v.Type() == stringType {
		return s.writeString(v.String())
	}
	if !v.Type().Implements(errorType) && !v.Type().Implements(stringerType) {
		if v.CanAddr() && (reflect.PointerTo(v.Type()).Implements(errorType) || reflect.PointerTo(v.Type()).Implements(stringerType)) {
			v = v.Addr()
		} else if k := v.Kind(); k == reflect.Chan || k == reflect.Func {
			return failure
		}
	}
	if _, err := fmt.Fprint(s.w, v.Interface()); err != nil {
		return writeError{err}
	}
	return nil
}

// ifNode is {{if}} and {{with}}.
type ifNode struct {
	with        bool
	pipe        *pipeline
	list, else_ node
}

func (n *ifNode) exec(s *state, dot reflect.Value) error {
	mark := s.mark()
	defer s.pop(mark)
	v, err := n.pipe.eval(s, dot)
	if err != nil {
		return err
	}
	truth, ok := isTrue(indirectInterface(v))
	if !ok {
		return failure
	}
	switch {
	case truth && n.with:
		return n.list.exec(s, v)
	case truth:
		return n.list.exec(s, dot)
	case n.else_ != nil:
		return n.else_.exec(s, dot)
	}
	return nil
}

type rangeNode struct {
	pipe        *pipeline
	list, else_ node
}

func (n *rangeNode) exec(s *state, dot reflect.Value) (err error) {
	outer := s.mark()
	defer func() {
		s.pop(outer)
		if err == errBreak {
			err = nil
		}
	}()
	v, err := n.pipe.eval(s, dot)
	if err != nil {
		return err
	}
	val, _ := indirect(v)
	mark := s.mark()
	decl := n.pipe.decl
	one := func(index, elem reflect.Value) error {
		if len(decl) > 0 {
			if n.pipe.assign {
				target := elem
				if len(decl) > 1 {
					target = index
				}
				if err := s.setVar(decl[0], target); err != nil {
					return err
				}
			} else {
				s.vars[len(s.vars)-1].value = elem
			}
		}
		if len(decl) > 1 {
			if n.pipe.assign {
				if err := s.setVar(decl[1], elem); err != nil {
					return err
				}
			} else {
				s.vars[len(s.vars)-2].value = index
			}
		}
		err := n.list.exec(s, elem)
		s.pop(mark)
		if err == errContinue {
			return nil
		}
		return err
	}
	// seq ranges over the values of val.Seq(): the integers below an
	// integer, or what an iterator function yields, one variable at most.
	seq := func() (ran bool, err error) {
		if len(decl) > 1 {
			return false, failure
		}
		for v := range val.Seq() {
			ran = true
			if err := one(v, v); err != nil {
				return true, err
			}
		}
		return ran, nil
	}
	switch val.Kind() {
	case reflect.Array, reflect.Slice:
		if val.Len() == 0 {
			break
		}
		for i := 0; i < val.Len(); i++ {
			if err := one(reflect.ValueOf(i), val.Index(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if ran, err := seq(); ran || err != nil {
			return err
		}
	case reflect.Map:
		if val.Len() == 0 {
			break
		}
		for _, k := range sortedKeys(val) {
			if err := one(k, val.MapIndex(k)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Chan:
		if val.IsNil() {
			break
		}
		if val.Type().ChanDir() == reflect.SendDir {
			return failure
		}
		i := 0
		for ; ; i++ {
			elem, ok := val.Recv()
			if !ok {
				break
			}
			if err := one(reflect.ValueOf(i), elem); err != nil {
				return err
			}
		}
		if i > 0 {
			return nil
		}
	case reflect.Func:
		switch t := val.Type(); {
		case t.CanSeq():
			if ran, err := seq(); ran || err != nil {
				return err
			}
		case t.CanSeq2():
			run := false
			for i, v := range val.Seq2() {
				run = true
				var err error
				if len(decl) > 1 {
					err = one(i, v)
				} else {
					err = one(v, i)
				}
				if err != nil {
					return err
				}
			}
			if run {
				return nil
			}
		default:
			return failure
		}
	case reflect.Invalid:
	default:
		return failure
	}
	if n.else_ != nil {
		return n.else_.exec(s, dot)
	}
	return nil
}

// breakNode and continueNode end an iteration of the range they are in
// (parse allows them nowhere else), as the errors errBreak and
// errContinue that the range stops.
type (
	breakNode    struct{}
	continueNode struct{}
)

var (
	errBreak    = errors.New("break outside a range")
	errContinue = errors.New("continue outside a range")
)

func (breakNode) exec(*state, reflect.Value) error    { return errBreak }
func (continueNode) exec(*state, reflect.Value) error { return errContinue }

// templateNode is {{template "name" pipeline}}.
type templateNode struct {
	code *code
	pipe *pipeline
}

func (n *templateNode) exec(s *state, dot reflect.Value) error {
	var v reflect.Value // no pipeline: the template's dot is nil
	if n.pipe != nil {
		var err error
		if v, err = n.pipe.eval(s, dot); err != nil {
			return err
		}
	}
	if s.depth >= maxDepth {
		return failure
	}
	s.depth++
	base, mark := s.base, s.mark()
	s.base = mark
	s.push("$", v)
	err := n.code.root.exec(s, v)
	s.pop(mark)
	s.base = base
	s.depth--
	return err
}

// pipeline is a compiled parse.PipeNode.
type pipeline struct {
	decl   []string
	assign bool
	cmds   []command
}

func (p *pipeline) eval(s *state, dot reflect.Value) (reflect.Value, error) {
	v := missingVal
	for _, c := range p.cmds {
		var err error
		if v, err = c.eval(s, dot, v); err != nil {
			return reflect.Value{}, err
		}
		// Like text/template, dig into a value of type interface{}.
		if v.Kind() == reflect.Interface && v.Type().NumMethod() == 0 {
			v = reflect.ValueOf(v.Interface())
		}
	}
	for _, name := range p.decl {
		if p.assign {
			if err := s.setVar(name, v); err != nil {
				return reflect.Value{}, err
			}
		} else {
			s.push(name, v)
		}
	}
	return v, nil
}

// command is a compiled parse.CommandNode; final is the value of the
// previous command of the pipeline, or missingVal.
type command interface {
	eval(s *state, dot, final reflect.Value) (reflect.Value, error)
}

type missingType struct{}

var missingVal = reflect.ValueOf(missingType{})

func isMissing(v reflect.Value) bool { return v.IsValid() && v.Type() == missingValType }

var missingValType = reflect.TypeFor[missingType]()

// constCmd is a constant, or dot, as a command: it takes no arguments.
type constCmd struct {
	v   reflect.Value
	dot bool
	bad bool // a number that overflows int
}

func (c *constCmd) eval(_ *state, dot, final reflect.Value) (reflect.Value, error) {
	if !isMissing(final) || c.bad {
		return reflect.Value{}, failure
	}
	if c.dot {
		return dot, nil
	}
	return c.v, nil
}

// pipeCmd is a parenthesised pipeline as a command.
type pipeCmd struct {
	pipe  *pipeline
	nargs int
}

func (c *pipeCmd) eval(s *state, dot, final reflect.Value) (reflect.Value, error) {
	if c.nargs > 0 || !isMissing(final) {
		return reflect.Value{}, failure
	}
	// Variables declared in a parenthesised pipeline stay declared, as in
	// text/template.
	return c.pipe.eval(s, dot)
}

// fieldCmd is .A.B.C args, or $x.A.B args.
type fieldCmd struct {
	variable string // "" for a field of dot
	steps    []*step
	args     []*arg
}

func (c *fieldCmd) eval(s *state, dot, final reflect.Value) (reflect.Value, error) {
	v := dot
	if c.variable != "" {
		var err error
		if v, err = s.lookup(c.variable); err != nil {
			return reflect.Value{}, err
		}
		if len(c.steps) == 0 {
			if len(c.args) > 0 || !isMissing(final) {
				return reflect.Value{}, failure
			}
			return v, nil
		}
	}
	last := len(c.steps) - 1
	for i, st := range c.steps {
		var err error
		if i < last {
			v, err = st.eval(s, dot, v, nil, missingVal)
		} else {
			v, err = st.eval(s, dot, v, c.args, final)
		}
		if err != nil {
			return reflect.Value{}, err
		}
	}
	return v, nil
}

// funcCmd calls a function.
type funcCmd struct {
	fn   *function
	args []*arg
}

func (c *funcCmd) eval(s *state, dot, final reflect.Value) (reflect.Value, error) {
	return c.fn.call(s, dot, c.args, final)
}

// step is one field or method name of a chain, with what it was found to
// be on the types it has met.
type step struct {
	name  string
	cache atomic.Pointer[[]*member]
}

// member is what a name is on a type: a method, a field, or neither.
type member struct {
	typ      reflect.Type  // the type of the receiver, addressed where it can be
	method   int           // the method's index, or -1
	fn       reflect.Value // the method, taking the receiver first
	sig      *signature
	direct   direct // the method as registered with Method0, Method1 or Method1E, or nil
	field    []int  // the field's index, when not a method
	exported bool
}

func (st *step) member(t reflect.Type) *member {
	cached := st.cache.Load()
	if cached != nil {
		for _, m := range *cached {
			if m.typ == t {
				return m
			}
		}
	}
	m := &member{typ: t, method: -1}
	if meth, ok := t.MethodByName(st.name); ok {
		m.method, m.fn, m.sig = meth.Index, meth.Func, newSignature(meth.Type, 1)
		m.direct = directOf(t, st.name)
	} else {
		s := t
		if s.Kind() == reflect.Pointer {
			s = s.Elem()
		}
		if s.Kind() == reflect.Struct {
			if f, ok := s.FieldByName(st.name); ok {
				m.field, m.exported = f.Index, f.IsExported()
			}
		}
	}
	var next []*member
	if cached != nil && len(*cached) < 8 {
		next = append(next, *cached...)
	}
	next = append(next, m)
	st.cache.Store(&next)
	return m
}

// eval is text/template's evalField.
func (st *step) eval(s *state, dot, receiver reflect.Value, args []*arg, final reflect.Value) (reflect.Value, error) {
	if !receiver.IsValid() {
		return reflect.Value{}, nil
	}
	receiver, isNil := indirect(receiver)
	if receiver.Kind() == reflect.Interface && isNil {
		return reflect.Value{}, failure
	}
	ptr := receiver
	if k := ptr.Kind(); k != reflect.Interface && k != reflect.Pointer && ptr.CanAddr() {
		ptr = ptr.Addr()
	}
	m := st.member(ptr.Type())
	if m.method >= 0 {
		if m.direct != nil && !ptr.IsNil() {
			if v, ok, err := callDirect(s, dot, m, ptr, args, final); ok {
				return v, err
			}
		}
		return callFunc(s, dot, m.fn, m.sig, ptr, args, final)
	}
	hasArgs := len(args) > 0 || !isMissing(final)
	switch receiver.Kind() {
	case reflect.Struct:
		if m.field != nil {
			if !m.exported || hasArgs {
				return reflect.Value{}, failure
			}
			f, err := receiver.FieldByIndexErr(m.field)
			if err != nil {
				return reflect.Value{}, failure
			}
			return f, nil
		}
	case reflect.Map:
		key := reflect.ValueOf(st.name)
		if key.Type().AssignableTo(receiver.Type().Key()) {
			if hasArgs {
				return reflect.Value{}, failure
			}
			return receiver.MapIndex(key), nil
		}
	}
	return reflect.Value{}, failure
}

// arg is an argument of a call. Constants are converted to the
// parameter's type once per type.
type arg struct {
	node  parse.Node
	eval  func(s *state, dot reflect.Value) (reflect.Value, error) // nil for constants
	cache atomic.Pointer[constArg]
}

type constArg struct {
	typ reflect.Type
	v   reflect.Value
	ok  bool
}

// value is text/template's evalArg: the argument as a value of type typ.
func (a *arg) value(s *state, dot reflect.Value, typ reflect.Type) (reflect.Value, error) {
	if a.eval != nil {
		v, err := a.eval(s, dot)
		if err != nil {
			return reflect.Value{}, err
		}
		return validateType(v, typ)
	}
	if c := a.cache.Load(); c != nil && c.typ == typ {
		if !c.ok {
			return reflect.Value{}, failure
		}
		return c.v, nil
	}
	v, ok := constant(a.node, typ)
	a.cache.Store(&constArg{typ, v, ok})
	if !ok {
		return reflect.Value{}, failure
	}
	return v, nil
}

var (
	errorType      = reflect.TypeFor[error]()
	stringerType   = reflect.TypeFor[fmt.Stringer]()
	reflectValType = reflect.TypeFor[reflect.Value]()
	stringType     = reflect.TypeFor[string]()
)

// constant converts a constant argument to typ, as text/template's evalArg.
func constant(n parse.Node, typ reflect.Type) (reflect.Value, bool) {
	if _, ok := n.(*parse.NilNode); ok {
		if canBeNil(typ) {
			return reflect.Zero(typ), true
		}
		return reflect.Value{}, false
	}
	switch typ.Kind() {
	case reflect.Bool:
		if b, ok := n.(*parse.BoolNode); ok {
			v := reflect.New(typ).Elem()
			v.SetBool(b.True)
			return v, true
		}
	case reflect.Complex64, reflect.Complex128:
		if num, ok := n.(*parse.NumberNode); ok && num.IsComplex {
			v := reflect.New(typ).Elem()
			v.SetComplex(num.Complex128)
			return v, true
		}
	case reflect.Float32, reflect.Float64:
		if num, ok := n.(*parse.NumberNode); ok && num.IsFloat {
			v := reflect.New(typ).Elem()
			v.SetFloat(num.Float64)
			return v, true
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if num, ok := n.(*parse.NumberNode); ok && num.IsInt {
			v := reflect.New(typ).Elem()
			v.SetInt(num.Int64)
			return v, true
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if num, ok := n.(*parse.NumberNode); ok && num.IsUint {
			v := reflect.New(typ).Elem()
			v.SetUint(num.Uint64)
			return v, true
		}
	case reflect.String:
		if str, ok := n.(*parse.StringNode); ok {
			v := reflect.New(typ).Elem()
			v.SetString(str.Text)
			return v, true
		}
	case reflect.Interface:
		if typ.NumMethod() == 0 {
			return emptyInterface(n)
		}
	case reflect.Struct:
		if typ == reflectValType {
			v, ok := emptyInterface(n)
			return reflect.ValueOf(v), ok
		}
	}
	return reflect.Value{}, false
}

// emptyInterface is a constant as a value of its own type.
func emptyInterface(n parse.Node) (reflect.Value, bool) {
	switch n := n.(type) {
	case *parse.BoolNode:
		return reflect.ValueOf(n.True), true
	case *parse.NumberNode:
		return idealConstant(n)
	case *parse.StringNode:
		return reflect.ValueOf(n.Text), true
	}
	return reflect.Value{}, false
}

// idealConstant is a number with no type to convert it to.
func idealConstant(n *parse.NumberNode) (reflect.Value, bool) {
	switch {
	case n.IsComplex:
		return reflect.ValueOf(n.Complex128), true
	case n.IsFloat && !isHexInt(n.Text) && !isRuneInt(n.Text) && containsAny(n.Text, ".eEpP"):
		return reflect.ValueOf(n.Float64), true
	case n.IsInt:
		i := int(n.Int64)
		if int64(i) != n.Int64 {
			return reflect.Value{}, false
		}
		return reflect.ValueOf(i), true
	}
	return reflect.Value{}, false
}

func isRuneInt(s string) bool { return len(s) > 0 && s[0] == '\'' }

func isHexInt(s string) bool {
	return len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !containsAny(s, "pP")
}

func containsAny(s, chars string) bool {
	for i := 0; i < len(s); i++ {
		for j := 0; j < len(chars); j++ {
			if s[i] == chars[j] {
				return true
			}
		}
	}
	return false
}

// validateType is text/template's: v as a value of type typ.
func validateType(v reflect.Value, typ reflect.Type) (reflect.Value, error) {
	if !v.IsValid() {
		if typ == nil {
			return reflect.ValueOf(nil), nil
		}
		if canBeNil(typ) {
			return reflect.Zero(typ), nil
		}
		return reflect.Value{}, failure
	}
	if typ == reflectValType && v.Type() != typ {
		return reflect.ValueOf(v), nil
	}
	if typ != nil && !v.Type().AssignableTo(typ) {
		if v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
			if v.Type().AssignableTo(typ) {
				return v, nil
			}
		}
		switch {
		case v.Kind() == reflect.Pointer && v.Type().Elem().AssignableTo(typ):
			v = v.Elem()
			if !v.IsValid() {
				return reflect.Value{}, failure
			}
		case reflect.PointerTo(v.Type()).AssignableTo(typ) && v.CanAddr():
			v = v.Addr()
		default:
			return reflect.Value{}, failure
		}
	}
	return v, nil
}

func canBeNil(typ reflect.Type) bool {
	switch typ.Kind() {
	case reflect.Chan, reflect.Func, reflect.Interface, reflect.Map, reflect.Pointer, reflect.Slice:
		return true
	case reflect.Struct:
		return typ == reflectValType
	}
	return false
}

// indirect follows pointers and interfaces to a value, stopping at nil.
func indirect(v reflect.Value) (rv reflect.Value, isNil bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

// indirectInterface returns the concrete value in an interface value, or
// the zero reflect.Value.
func indirectInterface(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Interface {
		return v
	}
	if v.IsNil() {
		return reflect.Value{}
	}
	return v.Elem()
}
