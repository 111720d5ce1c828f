package endpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

// MaxBodyBytes bounds the request bodies adapters read for an endpoint;
// a larger one is answered ErrPayloadTooLarge.
const MaxBodyBytes = 1 << 20

// Codes of the refusals of this package, beside those of package guard.
const (
	CodeUnsupportedMediaType = "unsupported_media_type" // 415: the body is not declared as JSON
)

// ErrPayloadTooLarge is the 413 of a body over MaxBodyBytes.
var ErrPayloadTooLarge = &guard.Error{Status: http.StatusRequestEntityTooLarge, Code: guard.CodePayloadTooLarge,
	Message: fmt.Sprintf("the request body is over %d bytes", MaxBodyBytes)}

// ErrUnsupportedMediaType is the 415 of a body not declared as JSON.
// Endpoints read nothing else, and refusing other types keeps a
// cross-site HTML form (which can only send text/plain, form and
// multipart bodies) from posting to them with the victim's cookie.
var ErrUnsupportedMediaType = &guard.Error{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMediaType,
	Message: "the request body must be JSON, sent with Content-Type: application/json"}

// ReadBody reads a request body of at most MaxBodyBytes, returning
// ErrPayloadTooLarge past that (also when r is an http.MaxBytesReader that
// stopped) and a 400 when it cannot be read.
func ReadBody(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, ErrPayloadTooLarge
		}
		return nil, guard.BadRequest("the request body could not be read")
	}
	if len(body) > MaxBodyBytes {
		return nil, ErrPayloadTooLarge
	}
	return body, nil
}

// CheckContentType returns ErrUnsupportedMediaType unless a body, when
// there is one, comes with exactly one Content-Type, application/json,
// whose charset, if given, is UTF-8. contentTypes are the request's
// Content-Type headers.
func CheckContentType(contentTypes []string, body []byte) error {
	if len(body) == 0 {
		return nil
	}
	if len(contentTypes) != 1 {
		return ErrUnsupportedMediaType
	}
	mediaType, params, err := mime.ParseMediaType(contentTypes[0])
	if err != nil || mediaType != "application/json" {
		return ErrUnsupportedMediaType
	}
	for name, value := range params {
		if name != "charset" || !strings.EqualFold(value, "utf-8") {
			return ErrUnsupportedMediaType
		}
	}
	return nil
}

// DecodeJSON reads a JSON object into v strictly: an empty body,
// malformed JSON, bytes that are not UTF-8, unknown or repeated fields,
// wrong types and trailing data are all 400s (*guard.Error) naming what
// is wrong, never 500s. A repeated field would be read as its last value
// here and perhaps as its first by a proxy in front: refused, it cannot
// mean two things.
func DecodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return guard.BadRequest("a JSON body is required")
	}
	if !utf8.Valid(body) {
		return guard.BadRequest("the JSON body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			if typeErr.Field == "" {
				return guard.BadRequest("the JSON body must be an object")
			}
			return guard.BadRequest(fmt.Sprintf("field %q must be a %s", typeErr.Field, typeErr.Type))
		}
		return guard.BadRequest("malformed JSON: " + err.Error())
	}
	if len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return guard.BadRequest("malformed JSON: data after the object")
	}
	if field, ok := repeatedField(body); ok {
		return guard.BadRequest(fmt.Sprintf("field %q is given more than once", field))
	}
	return nil
}

// repeatedField finds a field given twice in one object of body, valid
// JSON, comparing names without regard to letter case as encoding/json
// matches them.
func repeatedField(body []byte) (string, bool) {
	type level struct {
		seen      map[string]bool // nil in an array
		expectKey bool
	}
	var stack []*level
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &level{seen: map[string]bool{}, expectKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, &level{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && stack[len(stack)-1].seen != nil {
				stack[len(stack)-1].expectKey = true
			}
			continue
		}
		if top == nil || top.seen == nil {
			continue
		}
		if top.expectKey {
			key := strings.ToLower(strings.ToUpper(tok.(string)))
			if top.seen[key] {
				return tok.(string), true
			}
			top.seen[key] = true
			top.expectKey = false
			continue
		}
		top.expectKey = true
	}
}
