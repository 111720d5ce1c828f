// Package providername holds the checks that authn/external and
// authn/oidclogin make alike of what configures an OpenID provider and of
// the subject ids providers send.
package providername

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse-go/gatehouse/authn"
)

// MaxSubjectLength is the longest subject id accepted from a provider, in
// bytes.
const MaxSubjectLength = 255

// Valid reports whether name may name a provider: 1 to 64 letters, digits,
// "-", "_" and ".". It never holds "|", which separates it from the
// subject in authn.ExternalIdentity.NamespacedID.
func Valid(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// CheckURL refuses what cannot be a provider's or a client's URL: anything
// but an absolute http or https URL without a fragment, and, unless
// query, without a query either.
func CheckURL(raw string, query bool) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%q is not an http or https URL", raw)
	case u.Host == "":
		return fmt.Errorf("%q has no host", raw)
	case u.Fragment != "":
		return fmt.Errorf("%q has a fragment", raw)
	case !query && u.RawQuery != "":
		return fmt.Errorf("%q has a query", raw)
	}
	return nil
}

// CheckSubject refuses a subject id that would not read as itself in a
// log or a policy: empty, longer than MaxSubjectLength, not UTF-8, or with
// control characters.
func CheckSubject(sub string) error {
	switch {
	case sub == "":
		return errors.New("is empty")
	case len(sub) > MaxSubjectLength:
		return fmt.Errorf("is longer than %d bytes", MaxSubjectLength)
	case !utf8.ValidString(sub):
		return errors.New("is not UTF-8")
	case strings.ContainsFunc(sub, unicode.IsControl):
		return errors.New("holds a control character")
	}
	return nil
}

// Groups reads a group claim: absent, a string, or a list of strings.
func Groups(v any) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{v}, nil
	case []any:
		groups := make([]string, 0, len(v))
		for _, g := range v {
			s, ok := g.(string)
			if !ok {
				return nil, errors.New("holds a value that is not a string")
			}
			groups = append(groups, s)
		}
		return groups, nil
	}
	return nil, errors.New("is neither a string nor a list of strings")
}

// Identity is the identity claims prove, of subject at the provider named
// provider with issuer: the email, whether the provider verified it
// ("email_verified": true, and an email there is), the display name, and
// the groups of groupsClaim when it is set. The error says why the group
// claim cannot be read, for the caller to wrap in its own kind of refusal.
func Identity(claims map[string]any, provider, issuer, subject, groupsClaim string) (authn.ExternalIdentity, error) {
	id := authn.ExternalIdentity{Provider: provider, Issuer: issuer, Subject: subject}
	id.Email, _ = claims["email"].(string)
	verified, _ := claims["email_verified"].(bool)
	id.EmailVerified = verified && id.Email != ""
	id.Name, _ = claims["name"].(string)
	if groupsClaim != "" {
		groups, err := Groups(claims[groupsClaim])
		if err != nil {
			return authn.ExternalIdentity{}, fmt.Errorf("%s %w", groupsClaim, err)
		}
		id.Groups = groups
	}
	return id, nil
}
