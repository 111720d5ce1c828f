package token

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Claims of the application's own. A token says who the caller is; with
// Config.CustomClaims it may also say where the caller works — the
// organization of a multi-tenant application, which guard.TenantFromClaim
// reads — in string claims the application names. It never says what the
// caller may do: the policy does, and a role change applies to the next
// request, not the next login. So the claims that carry authorization in
// other systems are reserved, with those gatehouse reads itself.

// MaxClaimLength is the longest value of a custom claim, in bytes.
const MaxClaimLength = 255

// maxClaimNameLength bounds the name of a custom claim.
const maxClaimNameLength = 64

// reservedClaims may not be custom claims: those gatehouse sets and reads
// (RFC 7519's registered claims, auth_time, gen, sid), and those RFC 9068
// gives a meaning in access tokens, authorization (scope, roles, groups,
// entitlements) and authentication (client_id, acr, amr) alike, which a
// reader of the token would take for what they say.
var reservedClaims = slices.Concat(claimNames, []string{"scope", "roles", "groups", "entitlements", "client_id"})

// reserved reports whether name is a reserved claim in any letter case:
// Verify refuses a token that spells a claim it reads in another case.
func reserved(name string) bool {
	return slices.ContainsFunc(reservedClaims, func(r string) bool { return strings.EqualFold(r, name) })
}

// checkCustomClaims checks Config.CustomClaims: names of printable ASCII
// without spaces, none reserved, none twice in any letter case.
func checkCustomClaims(names []string) error {
	for n, name := range names {
		if name == "" || len(name) > maxClaimNameLength {
			return fmt.Errorf("token: CustomClaims[%d]: want 1 to %d bytes: %w", n, maxClaimNameLength, ErrInvalidConfig)
		}
		for _, r := range name {
			if r <= ' ' || r >= 0x7f {
				return fmt.Errorf("token: CustomClaims[%d]: %q holds %q; want printable ASCII without spaces: %w", n, name, r, ErrInvalidConfig)
			}
		}
		if reserved(name) {
			return fmt.Errorf("token: CustomClaims[%d]: %q is reserved (%s): %w", n, name, strings.Join(reservedClaims, ", "), ErrInvalidConfig)
		}
		if slices.ContainsFunc(names[:n], func(earlier string) bool { return strings.EqualFold(earlier, name) }) {
			return fmt.Errorf("token: CustomClaims[%d]: %q is named twice, in any letter case: %w", n, name, ErrInvalidConfig)
		}
	}
	return nil
}

// Claim stamps the token with the custom claim name, which must be one of
// Config.CustomClaims, set to value: the organization the caller works in,
// for guard.TenantFromClaim("org"), say. value must be 1 to MaxClaimLength
// bytes of UTF-8 without NUL. Issue refuses a reserved name, a name not in
// Config.CustomClaims and a malformed value with an error matching
// ErrInvalidClaim. Given twice for one name, the last value counts.
//
// A claim is what the application signed when it issued the token, and it
// lasts as long as the token: it may say where the caller works, never
// what the caller may do there. A caller whose token names a tenant must
// still be a member of it for the guard to let them in.
func Claim(name, value string) IssueOption {
	return func(o *issueOptions) {
		if o.claims == nil {
			o.claims = map[string]string{}
		}
		o.claims[name] = value
	}
}

// checkClaims checks the custom claims given to Issue.
func (i *Issuer) checkClaims(claims map[string]string) error {
	for name, value := range claims {
		switch {
		case reserved(name):
			return fmt.Errorf("claim %q is reserved; gatehouse sets its own: %w", name, ErrInvalidClaim)
		case !slices.Contains(i.customClaims, name):
			return fmt.Errorf("claim %q is not one of Config.CustomClaims: %w", name, ErrInvalidClaim)
		case !storable(value, MaxClaimLength):
			return fmt.Errorf("claim %q must be 1 to %d bytes of UTF-8 without NUL: %w", name, MaxClaimLength, ErrInvalidClaim)
		}
	}
	return nil
}

// readCustomClaims returns the custom claims the token's payload carries,
// nil for none. Verify has checked the payload's shape: one object, no
// member twice, no custom claim in another case. Each must be a value
// Claim would have stamped, or the token is refused.
func (i *Issuer) readCustomClaims(payload []byte) (map[string]string, error) {
	if len(i.customClaims) == 0 {
		return nil, nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(payload, &members); err != nil {
		return nil, fmt.Errorf("token: malformed claims: %w", authn.ErrInvalidToken)
	}
	var out map[string]string
	for _, name := range i.customClaims {
		raw, ok := members[name]
		if !ok {
			continue
		}
		var value string
		if json.Unmarshal(raw, &value) != nil || !storable(value, MaxClaimLength) {
			return nil, fmt.Errorf("token: malformed %s: %w", name, authn.ErrInvalidToken)
		}
		if out == nil {
			out = make(map[string]string, len(i.customClaims))
		}
		out[name] = value
	}
	return out, nil
}
