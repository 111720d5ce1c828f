package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// headerNames are the header parameters of RFC 7515 §4.1 and RFC 7797.
// Only alg, kid, typ and crit are read, but a header that spells any of
// them in another case means something to some reader.
var headerNames = []string{"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "b64"}

// claimNames are the claims Verify reads. exp, nbf, iat and auth_time are
// also the NumericDate claims, listed in dateNames.
var claimNames = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", authTimeClaim, generationClaim, familyClaim}

// dateNames are the claims that hold a NumericDate (RFC 7519 §2): a JSON
// number, which golang-jwt would also read from a string.
var dateNames = []string{"exp", "nbf", "iat", authTimeClaim}

// checkMembers refuses what json.Unmarshal would read from data, a
// decoded header or payload, without a word, and another reader might
// read differently: anything but one JSON object; a member name used
// twice in any object, where the last would win; a top-level name equal
// to one of names under case folding but spelled otherwise, which
// encoding/json matches to the field of that name; and a member of dates
// that is not a number. It walks encoding/json's own tokens, so that
// names are compared as encoding/json unescapes them. Package purpose has
// its twin, for the purpose tokens' verifier.
//
// The reasons it gives name no member that is not in names, since the
// rest are whatever the token's author wrote.
func checkMembers(data []byte, names, dates []string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	// objects holds, for each object being read from the outermost in,
	// the member names seen so far; nil for a list.
	var objects []map[string]bool
	// member is the top-level member whose value comes next.
	member := ""
	wantName, done := false, false
	// valueDone notes that a value ended: an object then expects a name.
	valueDone := func() {
		if len(objects) == 0 {
			done = true
			return
		}
		wantName = objects[len(objects)-1] != nil
	}
	for {
		tok, err := dec.Token()
		switch {
		case err == io.EOF && done:
			return nil
		case err != nil:
			return errors.New("not JSON")
		case done:
			return errors.New("data after the object")
		}
		if wantName {
			if tok == json.Delim('}') {
				objects = objects[:len(objects)-1]
				valueDone()
				continue
			}
			name, _ := tok.(string)
			if objects[len(objects)-1][name] {
				return fmt.Errorf("member %s twice", describe(name, names))
			}
			objects[len(objects)-1][name] = true
			if len(objects) == 1 {
				if i := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, name) }); i >= 0 && names[i] != name {
					return fmt.Errorf("member spelled as %s in another case", names[i])
				}
				member = name
			}
			wantName = false
			continue
		}
		if len(objects) == 0 && tok != json.Delim('{') {
			return errors.New("not a JSON object")
		}
		if len(objects) == 1 && slices.Contains(dates, member) {
			if _, ok := tok.(json.Number); !ok {
				return fmt.Errorf("%s is not a number", member)
			}
		}
		switch tok {
		case json.Delim('{'):
			objects = append(objects, map[string]bool{})
			wantName = true
		case json.Delim('['):
			objects = append(objects, nil)
		case json.Delim(']'):
			objects = objects[:len(objects)-1]
			valueDone()
		default:
			valueDone()
		}
	}
}

// describe names a member in a reason: by its name when it is one of
// names, else without it.
func describe(name string, names []string) string {
	if slices.Contains(names, name) {
		return name
	}
	return "name"
}
