package authz

import (
	"fmt"
	"slices"
	"strings"

	"github.com/casbin/casbin/v2/constant"
	"github.com/casbin/casbin/v2/model"
)

// loadModel parses a Casbin model and checks that it has gatehouse's shape:
//
//	[request_definition]  r = sub, perm, owner
//	[policy_definition]   p = sub, perm, scope, eft
//	[role_definition]     g = _, _
//	[policy_effect]       e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
//
// with any matcher. The shape is what lets the engine map its requests and
// grants onto Casbin's, and the effect is what makes a Deny grant deny: a
// model where a deny would be silently ignored is refused.
func loadModel(source, text string) (model.Model, error) {
	m, err := model.NewModelFromString(text)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnsupportedModel, source, err)
	}
	want := []struct {
		sec, key string
		tokens   []string
	}{
		{"r", "r", []string{"r_sub", "r_perm", "r_owner"}},
		{"p", "p", []string{"p_sub", "p_perm", "p_scope", "p_eft"}},
	}
	for _, w := range want {
		a, ok := m[w.sec][w.key]
		if !ok || !slices.Equal(a.Tokens, w.tokens) {
			return nil, fmt.Errorf("%w: %s: want %s = %s", ErrUnsupportedModel, source, w.key, readableTokens(w.tokens))
		}
	}
	if len(m["r"]) != 1 || len(m["p"]) != 1 {
		return nil, fmt.Errorf("%w: %s: want exactly one request and one policy definition", ErrUnsupportedModel, source)
	}
	g, ok := m["g"]["g"]
	if !ok || len(m["g"]) != 1 || strings.Count(g.Value, "_") != 2 {
		return nil, fmt.Errorf("%w: %s: want exactly one role definition, g = _, _", ErrUnsupportedModel, source)
	}
	if e, ok := m["e"]["e"]; !ok || e.Value != constant.AllowAndDenyEffect {
		return nil, fmt.Errorf("%w: %s: want e = some(where (p.eft == allow)) && !some(where (p.eft == deny))",
			ErrUnsupportedModel, source)
	}
	if _, ok := m["m"]["m"]; !ok {
		return nil, fmt.Errorf("%w: %s: no matcher m", ErrUnsupportedModel, source)
	}
	return m, nil
}

// readableTokens turns Casbin's escaped tokens back into the model's words.
func readableTokens(tokens []string) string {
	words := make([]string, len(tokens))
	for i, t := range tokens {
		_, words[i], _ = strings.Cut(t, "_")
	}
	return strings.Join(words, ", ")
}
