package jwtshape_test

import (
	"fmt"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/jwtshape"
)

func TestCheckMembers(t *testing.T) {
	t.Parallel()
	names := []string{"sub", "exp", "kid"}
	dates := []string{"exp"}
	tests := []struct {
		json string
		ok   bool
	}{
		{`{"sub":"bob","exp":1}`, true},
		{`{"sub":"bob","other":{"a":1,"b":[1,{"c":2}]}}`, true},
		{`{"Other":1,"other":2}`, true}, // not a known name: encoding/json reads both as unknown fields
		{`{"sub":"bob","sub":"carol"}`, false},
		{`{"sub":"bob","\u0073ub":"carol"}`, false}, // the same name, escaped
		{`{"SUB":"bob"}`, false},
		{`{"sub":"bob","Sub":"carol"}`, false},
		{`{"ſub":"bob"}`, false}, // folds to "sub" under Unicode case folding
		{`{"exp":"1"}`, false},
		{`{"exp":null}`, false},
		{`{"other":{"a":1,"a":2}}`, false},
		{`{"other":[{"a":1,"a":2}]}`, false},
		{`{"sub":"bob"} {}`, false},
		{`[{"sub":"bob"}]`, false},
		{`"sub"`, false},
		{`{"sub":`, false},
	}
	for _, tt := range tests {
		err := jwtshape.CheckMembers([]byte(tt.json), names, dates)
		assert.Equal(t, tt.ok, err == nil, "%s: %v", tt.json, err)
		if err != nil {
			assert.NotContains(t, err.Error(), "carol", "a reason quotes no value")
		}
	}
}

func TestReason(t *testing.T) {
	t.Parallel()
	expired := fmt.Errorf("%w: %w", authn.ErrTokenExpired, fmt.Errorf("%w: exp 12 secret-claim", jwt.ErrTokenExpired))
	assert.Equal(t, "token expired: token is expired", jwtshape.Reason(expired))
	own := fmt.Errorf("token: unknown key id: %w", authn.ErrInvalidToken)
	assert.Equal(t, own.Error(), jwtshape.Reason(own))
}

// CheckMembers agrees with its walk of encoding/json's tokens, reasons
// included, on whatever it is given.
func FuzzCheckMembersAgreesWithTheTokens(f *testing.F) {
	for _, seed := range []string{
		`{"sub":"bob","exp":1}`, `{"sub":"bob","other":{"a":1,"b":[1,{"c":2}]}}`, `{"Other":1,"other":2}`,
		`{"sub":"bob","sub":"carol"}`, `{"sub":"bob","\u0073ub":"carol"}`, `{"SUB":"bob"}`, `{"ſub":"bob"}`,
		`{"exp":"1"}`, `{"exp":null}`, `{"exp":-1.5e3}`, `{"other":[{"a":1,"a":2}]}`, `{"sub":"bob"} {}`, `[{"sub":"bob"}]`,
		`"sub"`, `{"sub":`, ` { "a" : [ ] , "b" : { } , "c" : "x\"}" } `, `{"a":{"b":1},"b":{"b":2}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		names, dates := []string{"sub", "exp", "iat", "kid"}, []string{"exp", "iat"}
		got := jwtshape.CheckMembers([]byte(data), names, dates)
		want := jwtshape.CheckMembersByTokens([]byte(data), names, dates)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q: %v, by tokens %v", data, got, want)
		}
	})
}
