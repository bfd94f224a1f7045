package tmplexec

import (
	"fmt"
	"reflect"
	"sync"
)

// direct calls a method registered with Method0, Method1 or Method1E: in
// is its argument, converted to the parameter's type (invalid when it
// takes none).
type direct func(recv any, in reflect.Value) (reflect.Value, error)

type methodKey struct {
	typ  reflect.Type
	name string
}

var (
	directMu sync.RWMutex
	directs  = map[methodKey]direct{}
)

// Method0 registers f, the method expression of the method name of R, for
// templates to call directly instead of through reflection: a theme calls
// a few methods (links, parts of pages) on every page. The method's
// results must suit a template (one, or one and an error).
func Method0[R any, Z any](name string, f func(R) Z) {
	register[R](name, f, func(recv any, _ reflect.Value) (reflect.Value, error) {
		return reflect.ValueOf(f(recv.(R))), nil
	})
}

// Method1 is Method0 for a method with one argument of a string type.
func Method1[R any, A ~string, Z any](name string, f func(R, A) Z) {
	register[R](name, f, func(recv any, in reflect.Value) (reflect.Value, error) {
		return reflect.ValueOf(f(recv.(R), A(in.String()))), nil
	})
}

// Method1E is Method1 for a method that also returns an error.
func Method1E[R any, A ~string, Z any](name string, f func(R, A) (Z, error)) {
	register[R](name, f, func(recv any, in reflect.Value) (reflect.Value, error) {
		z, err := f(recv.(R), A(in.String()))
		return reflect.ValueOf(z), err
	})
}

func register[R any](name string, f any, d direct) {
	t := reflect.TypeFor[R]()
	meth, ok := t.MethodByName(name)
	if !ok || meth.Type != reflect.TypeOf(f) {
		panic(fmt.Sprintf("tmplexec: %s has no method %s of type %T", t, name, f))
	}
	// reflect.ValueOf(z) is the Value a reflective call returns only for
	// a result of a concrete type, which a template does not unwrap.
	if z := meth.Type.Out(0); z.Kind() == reflect.Interface || z == reflectValType {
		panic(fmt.Sprintf("tmplexec: method %s of %s returns %s: call it through reflection", name, t, z))
	}
	directMu.Lock()
	defer directMu.Unlock()
	directs[methodKey{t, name}] = d
}

func directOf(t reflect.Type, name string) direct {
	directMu.RLock()
	defer directMu.RUnlock()
	return directs[methodKey{t, name}]
}

// callDirect is callFunc for a method registered with Method0, Method1
// or Method1E: its argument is evaluated and checked as callFunc does, and
// its panics and errors are failures as there. ok is false when the call
// has another number of arguments than the method takes: callFunc then
// says so.
func callDirect(s *state, dot reflect.Value, m *member, ptr reflect.Value, args []*arg, final reflect.Value) (v reflect.Value, ok bool, err error) {
	n := len(args)
	if !isMissing(final) {
		n++
	}
	if n != len(m.sig.in) {
		return reflect.Value{}, false, nil
	}
	var in reflect.Value
	if n == 1 {
		if len(args) == 1 {
			in, err = args[0].value(s, dot, m.sig.in[0])
		} else {
			in, err = validateType(final, m.sig.in[0])
		}
		if err != nil {
			return reflect.Value{}, true, err
		}
	}
	defer func() {
		if r := recover(); r != nil {
			v, err = reflect.Value{}, failure
		}
	}()
	v, err = m.direct(ptr.Interface(), in)
	if err != nil {
		return reflect.Value{}, true, failure
	}
	return v, true, nil
}
