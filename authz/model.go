package authz

import (
	"fmt"
	"slices"
	"strings"

	"github.com/casbin/casbin/v2/constant"
	"github.com/casbin/casbin/v2/model"
)

// loadModel parses a Casbin model and checks that it has one of gatehouse's
// two shapes, without tenants:
//
//	[request_definition]  r = sub, perm, owner
//	[policy_definition]   p = sub, perm, scope, eft
//	[role_definition]     g = _, _
//	[policy_effect]       e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
//
// or with them (Casbin's RBAC with domains):
//
//	[request_definition]  r = sub, dom, perm, owner
//	[policy_definition]   p = sub, dom, perm, scope, eft
//	[role_definition]     g = _, _, _
//
// with the same effect and any matcher. The shape is what lets the engine
// map its requests and grants onto Casbin's, and the effect is what makes a
// Deny grant deny: a model where a deny would be silently ignored is
// refused. It reports whether the model has tenants.
func loadModel(source, text string) (m model.Model, tenanted bool, err error) {
	m, err = model.NewModelFromString(text)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %s: %w", ErrUnsupportedModel, source, err)
	}
	if len(m["r"]) != 1 || len(m["p"]) != 1 {
		return nil, false, fmt.Errorf("%w: %s: want exactly one request and one policy definition", ErrUnsupportedModel, source)
	}
	plain := []string{"r_sub", "r_perm", "r_owner"}
	tenants := []string{"r_sub", "r_dom", "r_perm", "r_owner"}
	r, ok := m["r"]["r"]
	switch {
	case ok && slices.Equal(r.Tokens, plain):
	case ok && slices.Equal(r.Tokens, tenants):
		tenanted = true
	default:
		return nil, false, fmt.Errorf("%w: %s: want r = %s, or with tenants r = %s", ErrUnsupportedModel, source,
			readableTokens(plain), readableTokens(tenants))
	}
	grant, roles := []string{"p_sub", "p_perm", "p_scope", "p_eft"}, "g = _, _"
	if tenanted {
		grant, roles = []string{"p_sub", "p_dom", "p_perm", "p_scope", "p_eft"}, "g = _, _, _"
	}
	if p, ok := m["p"]["p"]; !ok || !slices.Equal(p.Tokens, grant) {
		return nil, false, fmt.Errorf("%w: %s: with r = %s, want p = %s", ErrUnsupportedModel, source,
			readableTokens(r.Tokens), readableTokens(grant))
	}
	g, ok := m["g"]["g"]
	if !ok || len(m["g"]) != 1 || strings.Count(g.Value, "_") != strings.Count(roles, "_") {
		return nil, false, fmt.Errorf("%w: %s: with r = %s, want exactly one role definition, %s", ErrUnsupportedModel, source,
			readableTokens(r.Tokens), roles)
	}
	if e, ok := m["e"]["e"]; !ok || e.Value != constant.AllowAndDenyEffect {
		return nil, false, fmt.Errorf("%w: %s: want e = some(where (p.eft == allow)) && !some(where (p.eft == deny))",
			ErrUnsupportedModel, source)
	}
	if _, ok := m["m"]["m"]; !ok {
		return nil, false, fmt.Errorf("%w: %s: no matcher m", ErrUnsupportedModel, source)
	}
	return m, tenanted, nil
}

// readableTokens turns Casbin's escaped tokens back into the model's words.
func readableTokens(tokens []string) string {
	words := make([]string, len(tokens))
	for i, t := range tokens {
		_, words[i], _ = strings.Cut(t, "_")
	}
	return strings.Join(words, ", ")
}
