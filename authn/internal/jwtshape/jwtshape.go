// Package jwtshape holds the checks the access-token and purpose-token
// verifiers make of a JWT beyond golang-jwt's: that its header and payload
// read one way only, and which of golang-jwt's reasons a refusal carries,
// for logs that quote nothing of the token.
package jwtshape

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
)

// CheckMembers refuses what json.Unmarshal would read from data, a
// decoded header or payload, without a word, and another reader might
// read differently: anything but one JSON object; a member name used
// twice in any object, where the last would win; a top-level name equal
// to one of names under case folding but spelled otherwise, which
// encoding/json matches to the field of that name; and a member of dates
// that is not a number. It walks encoding/json's own tokens, so that
// names are compared as encoding/json unescapes them.
//
// The reasons it gives name no member that is not in names, since the
// rest are whatever the token's author wrote.
//
// A payload that encoding/json finds valid, whose member names are plain
// ASCII without escapes — every token gatehouse issues — is checked in
// one pass over its bytes without allocating; any other is walked token
// by token.
func CheckMembers(data []byte, names, dates []string) error {
	if json.Valid(data) {
		s := scanner{data: data, names: names, dates: dates}
		if err := s.top(); !s.unsure {
			return err
		}
	}
	return checkMembersByTokens(data, names, dates)
}

// checkMembersByTokens is CheckMembers on encoding/json's tokens.
func checkMembersByTokens(data []byte, names, dates []string) error {
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

// jwtReasons are golang-jwt's errors. They say what is wrong with a token
// without quoting it, whereas the encoding/json errors they may wrap quote
// what a claim holds.
var jwtReasons = []error{
	jwt.ErrTokenMalformed, jwt.ErrTokenUnverifiable, jwt.ErrTokenSignatureInvalid,
	jwt.ErrTokenRequiredClaimMissing, jwt.ErrTokenInvalidAudience, jwt.ErrTokenExpired,
	jwt.ErrTokenUsedBeforeIssued, jwt.ErrTokenInvalidIssuer, jwt.ErrTokenInvalidSubject,
	jwt.ErrTokenNotValidYet, jwt.ErrTokenInvalidId, jwt.ErrTokenInvalidClaims, jwt.ErrInvalidType,
}

// Reason says why err refused a token without quoting the token: the kind
// of refusal and the golang-jwt errors, or extra, that err matches; or,
// when golang-jwt did not refuse it, err's own text, which the verifiers
// write without quoting the token.
func Reason(err error, extra ...error) string {
	var found []string
	for _, reason := range append(slices.Clip(jwtReasons), extra...) {
		if errors.Is(err, reason) {
			found = append(found, reason.Error())
		}
	}
	if len(found) == 0 {
		return err.Error()
	}
	kind := authn.ErrInvalidToken
	if errors.Is(err, authn.ErrTokenExpired) {
		kind = authn.ErrTokenExpired
	}
	return kind.Error() + ": " + strings.Join(found, "; ")
}

// scanner checks the members of one JSON value that encoding/json found
// valid, so that it need not check the syntax: it finds member names and
// where values end. A name it cannot compare as encoding/json would
// without unescaping it (a backslash, a byte outside ASCII) sets unsure,
// and the caller walks the tokens instead.
type scanner struct {
	data         []byte
	i            int
	names, dates []string
	unsure       bool
	// seen holds the member names of the objects being read, from the
	// outermost in; marks where each object's start.
	seen  []string
	marks []int
}

func (s *scanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// top checks the whole value, which must be an object.
func (s *scanner) top() error {
	s.space()
	if s.data[s.i] != '{' {
		return errors.New("not a JSON object")
	}
	return s.object(true)
}

// object checks the object at s.i; top is set for the outermost.
func (s *scanner) object(top bool) error {
	s.i++ // {
	s.marks = append(s.marks, len(s.seen))
	defer func() {
		s.seen = s.seen[:s.marks[len(s.marks)-1]]
		s.marks = s.marks[:len(s.marks)-1]
	}()
	for {
		s.space()
		if s.data[s.i] == '}' {
			s.i++
			return nil
		}
		if s.data[s.i] == ',' {
			s.i++
			s.space()
		}
		start := s.i + 1
		s.skipString()
		raw := s.data[start : s.i-1]
		for _, c := range raw {
			if c == '\\' || c >= 0x80 {
				s.unsure = true
				return nil
			}
		}
		name := string(raw)
		if slices.Contains(s.seen[s.marks[len(s.marks)-1]:], name) {
			return fmt.Errorf("member %s twice", describe(name, s.names))
		}
		s.seen = append(s.seen, name)
		if top {
			if i := slices.IndexFunc(s.names, func(n string) bool { return strings.EqualFold(n, name) }); i >= 0 && s.names[i] != name {
				return fmt.Errorf("member spelled as %s in another case", s.names[i])
			}
		}
		s.space()
		s.i++ // :
		s.space()
		if top && slices.Contains(s.dates, name) {
			if c := s.data[s.i]; c != '-' && (c < '0' || c > '9') {
				return fmt.Errorf("%s is not a number", name)
			}
		}
		if err := s.value(); err != nil || s.unsure {
			return err
		}
	}
}

// value checks the value at s.i and moves past it.
func (s *scanner) value() error {
	switch s.data[s.i] {
	case '{':
		return s.object(false)
	case '[':
		s.i++
		for {
			s.space()
			switch s.data[s.i] {
			case ']':
				s.i++
				return nil
			case ',':
				s.i++
				s.space()
			}
			if err := s.value(); err != nil || s.unsure {
				return err
			}
		}
	case '"':
		s.skipString()
		return nil
	}
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return nil
		}
		s.i++
	}
	return nil
}

// skipString moves past the string whose opening quote is at s.i.
func (s *scanner) skipString() {
	for s.i++; s.data[s.i] != '"'; s.i++ {
		if s.data[s.i] == '\\' {
			s.i++
		}
	}
	s.i++
}
