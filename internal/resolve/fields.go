package resolve

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stratpub/stratpub/internal/diag"
	"github.com/stratpub/stratpub/internal/load"
)

// fields reads the keys of one YAML mapping, checking types, reporting
// missing required keys and, at the end, every key nobody asked for. A
// mapping has a handful of keys, so they are kept in slices and looked up
// one by one (a map only for a mapping with very many).
type fields struct {
	doc   *load.Doc
	node  *yaml.Node
	what  string // e.g. "objective", for messages
	errs  *diag.List
	names []string     // the keys present, in order (the first of duplicates)
	keys  []*yaml.Node // their key nodes
	vals  []*yaml.Node // their value nodes
	used  []bool       // whether each was asked for
	asked []string     // every key asked for, present or not
	index map[string]int
}

// manyKeys is the number of keys above which fields indexes them by name.
const manyKeys = 32

func newFields(doc *load.Doc, node *yaml.Node, what string, errs *diag.List) *fields {
	f := &fields{doc: doc, node: node, what: what, errs: errs}
	if node == nil {
		return f
	}
	if node.Kind != yaml.MappingNode {
		errs.Add(doc.Pos(node), fmt.Sprintf("%s must be a set of \"key: value\" lines, found %s", what, kindName(node)),
			"write one \"key: value\" per line")
		return f
	}
	n := len(node.Content) / 2
	f.names = make([]string, 0, n)
	f.keys = make([]*yaml.Node, 0, n)
	f.vals = make([]*yaml.Node, 0, n)
	if n > manyKeys {
		f.index = make(map[string]int, n)
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		name := k.Value
		if j := f.find(name); j >= 0 {
			errs.Add(doc.Pos(k), fmt.Sprintf("duplicate key %q (first at line %d)", name, doc.Pos(f.keys[j]).Line),
				"keep one of the two")
			continue
		}
		if f.index != nil {
			f.index[name] = len(f.names)
		}
		f.names = append(f.names, name)
		f.keys = append(f.keys, k)
		f.vals = append(f.vals, v)
	}
	f.used = make([]bool, len(f.names))
	return f
}

// find returns the index of key among the keys present, or -1.
func (f *fields) find(key string) int {
	if f.index != nil {
		if i, ok := f.index[key]; ok {
			return i
		}
		return -1
	}
	for i, n := range f.names {
		if n == key {
			return i
		}
	}
	return -1
}

// val returns the value of key, if present.
func (f *fields) val(key string) (*yaml.Node, bool) {
	if i := f.find(key); i >= 0 {
		return f.vals[i], true
	}
	return nil, false
}

// use records that key was asked for, and returns its value if present.
func (f *fields) use(key string) (*yaml.Node, bool) {
	f.asked = append(f.asked, key)
	if i := f.find(key); i >= 0 {
		f.used[i] = true
		return f.vals[i], true
	}
	return nil, false
}

// pos returns the position of key's value, or of the mapping when absent.
func (f *fields) pos(key string) diag.Pos {
	if v, ok := f.val(key); ok {
		return f.doc.Pos(v)
	}
	return f.doc.Pos(f.node)
}

func (f *fields) missing(key, example string) {
	f.errs.Add(f.doc.Pos(f.node), fmt.Sprintf("%s: missing required key %q", f.what, key),
		fmt.Sprintf("add a line \"%s: %s\"", key, example))
}

// str returns a string value. Numbers and booleans are accepted as their
// text. An empty value counts as missing when required.
func (f *fields) str(key string, required bool, example string) string {
	v, ok := f.use(key)
	if !ok || (v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
		if required {
			f.missing(key, example)
		}
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		f.errs.Add(f.doc.Pos(v), fmt.Sprintf("%s: %q must be text, found %s", f.what, key, kindName(v)),
			fmt.Sprintf("write it on one line, e.g. %s: %s", key, example))
		return ""
	}
	s := strings.TrimSpace(v.Value)
	if s == "" && required {
		f.errs.Add(f.doc.Pos(v), fmt.Sprintf("%s: %q is empty", f.what, key), fmt.Sprintf("write a value, e.g. %s: %s", key, example))
	}
	return s
}

// integer returns an integer value.
func (f *fields) integer(key string, required bool, example string) (int, bool) {
	v, ok := f.use(key)
	if !ok {
		if required {
			f.missing(key, example)
		}
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(v.Value))
	if v.Kind != yaml.ScalarNode || err != nil {
		f.errs.Add(f.doc.Pos(v), fmt.Sprintf("%s: %q must be a whole number, found %s", f.what, key, describe(v)),
			fmt.Sprintf("write e.g. %s: %s", key, example))
		return 0, false
	}
	return n, true
}

// boolean returns a boolean value.
func (f *fields) boolean(key string) bool {
	v, ok := f.use(key)
	if !ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(v.Value)) {
	case "true", "yes":
		return true
	case "false", "no":
		return false
	}
	f.errs.Add(f.doc.Pos(v), fmt.Sprintf("%s: %q must be true or false, found %s", f.what, key, describe(v)), "write true or false")
	return false
}

// list returns the items of a sequence value.
func (f *fields) list(key string) ([]*yaml.Node, bool) {
	v, ok := f.use(key)
	if !ok || (v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
		return nil, ok
	}
	if v.Kind != yaml.SequenceNode {
		f.errs.Add(f.doc.Pos(v), fmt.Sprintf("%s: %q must be a list, found %s", f.what, key, describe(v)),
			"write one item per line, each starting with \"- \"")
		return nil, true
	}
	return v.Content, true
}

// strings returns a list of non-empty strings; empty items are errors.
func (f *fields) strings(key string, required bool, example string) []string {
	items, present := f.list(key)
	if !present {
		if required {
			f.missing(key, "\n  - "+example)
		}
		return nil
	}
	var out []string
	for _, it := range items {
		if it.Kind != yaml.ScalarNode {
			f.errs.Add(f.doc.Pos(it), fmt.Sprintf("%s: each item of %q must be text, found %s", f.what, key, kindName(it)),
				"put the item on one line after \"- \", in quotes if it contains \": \"")
			continue
		}
		s := strings.TrimSpace(it.Value)
		if s == "" {
			f.errs.Add(f.doc.Pos(it), fmt.Sprintf("%s: empty item in %q", f.what, key), "delete the empty \"- \" line or write the item")
			continue
		}
		out = append(out, s)
	}
	v, _ := f.val(key)
	wrongKind := v.Kind != yaml.SequenceNode && !(v.Kind == yaml.ScalarNode && v.Tag == "!!null")
	if required && len(out) == 0 && len(items) == 0 && !wrongKind { // list already reported a wrong kind
		f.errs.Add(f.pos(key), fmt.Sprintf("%s: %q is empty", f.what, key), "list at least one item:\n  - "+example)
	}
	return out
}

// done reports every key that was not read, with the closest known key.
func (f *fields) done(known ...string) {
	if !slices.Contains(f.used, false) {
		return
	}
	all := append(append([]string{}, known...), f.asked...)
	sort.Strings(all)
	for i, name := range f.names {
		if f.used[i] {
			continue
		}
		hint := "remove it; the keys of " + article(f.what) + " are: " + strings.Join(uniq(all), ", ")
		if c := diag.Closest(name, all, 1); len(c) > 0 {
			hint = fmt.Sprintf("did you mean %q?", c[0])
		}
		f.errs.Add(f.doc.Pos(f.keys[i]), fmt.Sprintf("%s: unknown key %q", f.what, name), hint)
	}
}

func article(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

func uniq(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a set of keys"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a value"
}

func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return strconv.Quote(n.Value)
	}
	return kindName(n)
}
