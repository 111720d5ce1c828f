package password_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/password"
)

func TestRulesCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		rules    password.Rules
		password string
		wantErr  error // nil: accepted
	}{
		{"empty", password.Rules{}, "", password.ErrTooShort},
		{"7 characters", password.Rules{}, "abcdefg", password.ErrTooShort},
		{"8 characters", password.Rules{}, "abcdefgh", nil},
		{"128 characters", password.Rules{}, strings.Repeat("a", 128), nil},
		{"129 characters", password.Rules{}, strings.Repeat("a", 129), password.ErrTooLong},
		{"spaces count", password.Rules{}, "        ", nil},
		{"8 two-byte characters", password.Rules{}, strings.Repeat("é", 8), nil},
		{"7 four-byte characters, 28 bytes", password.Rules{}, strings.Repeat("😀", 7), password.ErrTooShort},
		{"128 four-byte characters, 512 bytes", password.Rules{}, strings.Repeat("😀", 128), nil},
		{"129 four-byte characters", password.Rules{}, strings.Repeat("😀", 129), password.ErrTooLong},
		{"combining accents count as characters", password.Rules{}, strings.Repeat("e\u0301", 4), nil},
		{"invalid UTF-8", password.Rules{}, "abcdefgh\xff", password.ErrNotUTF8},
		{"truncated UTF-8 sequence", password.Rules{}, "abcdefgh\xe2\x82", password.ErrNotUTF8},
		{"over 4×MaxLength bytes is refused before decoding", password.Rules{}, strings.Repeat("\xff", 513), password.ErrTooLong},
		{"a megabyte", password.Rules{}, strings.Repeat("a", 1<<20), password.ErrTooLong},
		{"custom minimum, 11", password.Rules{MinLength: 12}, strings.Repeat("a", 11), password.ErrTooShort},
		{"custom minimum, 12", password.Rules{MinLength: 12}, strings.Repeat("a", 12), nil},
		{"custom maximum, 64", password.Rules{MaxLength: 64}, strings.Repeat("a", 64), nil},
		{"custom maximum, 65", password.Rules{MaxLength: 64}, strings.Repeat("a", 65), password.ErrTooLong},
		{"minimum above the default maximum", password.Rules{MinLength: 200}, strings.Repeat("a", 200), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.rules.Check(tt.password)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
			assert.ErrorIs(t, err, password.ErrInvalidPassword)
			if len(tt.password) > 0 && len(tt.password) < 200 {
				assert.NotContains(t, err.Error(), tt.password, "errors never repeat the password")
			}
		})
	}
}

func TestRulesErrorsSayWhatIsWrong(t *testing.T) {
	t.Parallel()
	r := password.Rules{}
	assert.EqualError(t, r.Check("short"), "password: password too short: 5 characters, at least 8")
	assert.EqualError(t, r.Check(strings.Repeat("a", 129)), "password: password too long: 129 characters, at most 128")
	assert.EqualError(t, r.Check("abcdefgh\xff"), "password: password is not valid UTF-8")
	assert.NotErrorIs(t, r.Check("short"), password.ErrTooLong)
	assert.NotErrorIs(t, password.ErrMalformedHash, password.ErrInvalidPassword)
}

func TestRulesValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rules password.Rules
		ok    bool
	}{
		{"zero value", password.Rules{}, true},
		{"NIST minimum", password.Rules{MinLength: 8, MaxLength: 64}, true},
		{"passphrases", password.Rules{MinLength: 15, MaxLength: 1024}, true},
		{"equal bounds", password.Rules{MinLength: 20, MaxLength: 20}, true},
		{"minimum below 8", password.Rules{MinLength: 7}, false},
		{"negative minimum", password.Rules{MinLength: -1}, false},
		{"negative maximum", password.Rules{MaxLength: -1}, false},
		{"maximum below minimum", password.Rules{MinLength: 20, MaxLength: 10}, false},
		{"maximum below default minimum", password.Rules{MaxLength: 7}, false},
		{"maximum above 1024", password.Rules{MaxLength: 1025}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.rules.Validate()
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, password.ErrInvalidRules)
			// Rules that cannot be applied accept nothing, and say it is
			// their fault rather than the password's.
			err = tt.rules.Check("a perfectly fine password")
			assert.ErrorIs(t, err, password.ErrInvalidRules)
			assert.NotErrorIs(t, err, password.ErrInvalidPassword)
		})
	}
}
