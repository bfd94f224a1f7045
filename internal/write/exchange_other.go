//go:build !linux

package write

import "errors"

func exchange(a, b string) error { return errors.New("not supported") }
