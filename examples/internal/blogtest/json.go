package blogtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// object is a JSON object with its values left raw, so that a check can
// tell a missing field from a null and an extra field from none.
type object map[string]json.RawMessage

// parseObject decodes b, which must be exactly one JSON object.
func parseObject(b []byte) (object, error) {
	var o object
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&o); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if o == nil {
		return nil, fmt.Errorf("null, want a JSON object")
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return o, nil
}

// hasKeys reports an error unless o's fields are exactly keys: the
// contract's shapes are exact, so an extra field is as wrong as a missing
// one (it may leak a secret).
func (o object) hasKeys(keys ...string) error {
	var missing, extra []string
	for _, k := range keys {
		if _, ok := o[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range o {
		if !slices.Contains(keys, k) {
			extra = append(extra, k)
		}
	}
	if missing == nil && extra == nil {
		return nil
	}
	sort.Strings(extra)
	return fmt.Errorf("fields %q: missing %q, unexpected %q", o.keys(), missing, extra)
}

// keys returns o's field names, sorted.
func (o object) keys() []string {
	ks := make([]string, 0, len(o))
	for k := range o {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// text returns the string field key.
func (o object) text(key string) (string, error) {
	raw, ok := o[key]
	if !ok {
		return "", fmt.Errorf("no field %q", key)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("field %q is %s, want a string", key, raw)
	}
	return s, nil
}

// id returns the field key as text whether the server writes ids as
// strings or as numbers, which the contract leaves open.
func (o object) id(key string) (string, error) {
	raw, ok := o[key]
	if !ok {
		return "", fmt.Errorf("no field %q", key)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil && s != "" {
		return s, nil
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&n); err == nil {
		return n.String(), nil
	}
	return "", fmt.Errorf("field %q is %s, want a non-empty string or a number", key, raw)
}

// boolean returns the boolean field key.
func (o object) boolean(key string) (bool, error) {
	raw, ok := o[key]
	if !ok {
		return false, fmt.Errorf("no field %q", key)
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		return false, fmt.Errorf("field %q is %s, want a boolean", key, raw)
	}
	return b, nil
}

// number returns the numeric field key.
func (o object) number(key string) (float64, error) {
	raw, ok := o[key]
	if !ok {
		return 0, fmt.Errorf("no field %q", key)
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, fmt.Errorf("field %q is %s, want a number", key, raw)
	}
	return f, nil
}

// strings returns the field key, an array of strings (never null).
func (o object) strings(key string) ([]string, error) {
	raw, ok := o[key]
	if !ok {
		return nil, fmt.Errorf("no field %q", key)
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		return nil, fmt.Errorf("field %q is %s, want an array of strings", key, raw)
	}
	return list, nil
}

// list returns the field key, an array of objects (never null).
func (o object) list(key string) ([]object, error) {
	raw, ok := o[key]
	if !ok {
		return nil, fmt.Errorf("no field %q", key)
	}
	var list []object
	if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		return nil, fmt.Errorf("field %q is %s, want an array of objects", key, abbreviate(raw))
	}
	for i, item := range list {
		if item == nil {
			return nil, fmt.Errorf("field %q: item %d is null", key, i)
		}
	}
	return list, nil
}

// permissionNames reads the permissions of GET /me: an array whose items
// are permission strings ("posts:read") or objects with a "permission"
// field, since the contract does not fix which.
func permissionNames(raw json.RawMessage) ([]string, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		return nil, fmt.Errorf("permissions %s: want an array", abbreviate(raw))
	}
	names := make([]string, 0, len(items))
	for _, item := range items {
		var s string
		if err := json.Unmarshal(item, &s); err == nil {
			names = append(names, s)
			continue
		}
		o, err := parseObject(item)
		if err != nil {
			return nil, fmt.Errorf("permission %s: want a string or an object", item)
		}
		s, err = o.text("permission")
		if err != nil {
			return nil, fmt.Errorf("permission %s: %w", item, err)
		}
		names = append(names, s)
	}
	return names, nil
}

// covers reports whether held, a list of permissions, includes p itself or
// a wildcard of its resource ("users:*" covers "users:delete").
func covers(held []string, p string) bool {
	resource, _, _ := strings.Cut(p, ":")
	return slices.Contains(held, p) || slices.Contains(held, resource+":*")
}

func abbreviate(raw []byte) string {
	if len(raw) > 200 {
		return string(raw[:200]) + "…"
	}
	return string(raw)
}
