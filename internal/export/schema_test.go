package export_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// validate checks a decoded JSON value against a JSON Schema, for the
// keywords strategy.schema.json uses: type, required, properties,
// additionalProperties (false), items, enum, pattern, minItems and $ref to
// #/$defs/NAME. Any other keyword is an error, so that the schema cannot
// grow a constraint this validator would silently ignore. It returns every
// violation, with its JSON pointer.
func validate(root, schema map[string]any, v any, at string) []string {
	var errs []string
	fail := func(f string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(f, args...)) }
	if ref, ok := schema["$ref"].(string); ok {
		name, ok := strings.CutPrefix(ref, "#/$defs/")
		defs, _ := root["$defs"].(map[string]any)
		target, found := defs[name].(map[string]any)
		if !ok || !found {
			return []string{at + ": unresolvable $ref " + ref}
		}
		return validate(root, target, v, at)
	}
	keys := make([]string, 0, len(schema))
	for k := range schema {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "$schema", "$defs", "title", "description", "type", "required", "properties",
			"additionalProperties", "items", "enum", "pattern", "minItems":
		default:
			fail("schema keyword %q is not supported by the test validator", k)
		}
	}
	if t, ok := schema["type"].(string); ok {
		if got := jsonType(v); got != t && (t != "number" || got != "integer") {
			fail("type is %s, want %s", got, t)
			return errs
		}
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return e == v }) {
		fail("%v is not one of %v", v, enum)
	}
	if pat, ok := schema["pattern"].(string); ok {
		if s, isStr := v.(string); isStr {
			re, err := regexp.Compile(pat)
			if err != nil {
				fail("bad pattern %q: %v", pat, err)
			} else if !re.MatchString(s) {
				fail("%q does not match %s", s, pat)
			}
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		if req, ok := schema["required"].([]any); ok {
			for _, r := range req {
				if _, has := v[r.(string)]; !has {
					fail("missing required property %q", r)
				}
			}
		}
		names := make([]string, 0, len(v))
		for k := range v {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			sub, ok := props[k].(map[string]any)
			if !ok {
				if ap, set := schema["additionalProperties"]; set && ap == false {
					fail("property %q is not allowed", k)
				}
				continue
			}
			errs = append(errs, validate(root, sub, v[k], at+"/"+k)...)
		}
	case []any:
		if min, ok := schema["minItems"].(float64); ok && float64(len(v)) < min {
			fail("%d items, want at least %v", len(v), min)
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range v {
				errs = append(errs, validate(root, items, e, fmt.Sprintf("%s/%d", at, i))...)
			}
		}
	}
	return errs
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func decodeAny(b []byte) (any, error) {
	var v any
	err := json.Unmarshal(b, &v)
	return v, err
}
