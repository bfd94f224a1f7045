package render

import "testing"

// Interpret makes the templates run through html/template alone until the
// test ends.
func Interpret(tb testing.TB) {
	interpret.Store(true)
	tb.Cleanup(func() { interpret.Store(false) })
}

// Interpreted returns how many executions went through html/template
// since the last call.
func Interpretations() int64 { return interpreted.Swap(0) }
