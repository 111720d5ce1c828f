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
		{"8 characters, NIST's floor but not ASVS level 2's", password.Rules{}, "abcdefgh", password.ErrTooShort},
		{"11 characters", password.Rules{}, "abcdefghijk", password.ErrTooShort},
		{"12 characters", password.Rules{}, "abcdefghijkl", nil},
		{"128 characters", password.Rules{}, strings.Repeat("a", 128), nil},
		{"129 characters", password.Rules{}, strings.Repeat("a", 129), password.ErrTooLong},
		{"spaces count", password.Rules{}, strings.Repeat(" ", 12), nil},
		{"12 two-byte characters", password.Rules{}, strings.Repeat("é", 12), nil},
		{"11 four-byte characters, 44 bytes", password.Rules{}, strings.Repeat("😀", 11), password.ErrTooShort},
		{"128 four-byte characters, 512 bytes", password.Rules{}, strings.Repeat("😀", 128), nil},
		{"129 four-byte characters", password.Rules{}, strings.Repeat("😀", 129), password.ErrTooLong},
		{"combining accents count as characters", password.Rules{}, strings.Repeat("e\u0301", 6), nil},
		{"invalid UTF-8", password.Rules{}, "abcdefghijkl\xff", password.ErrNotUTF8},
		{"truncated UTF-8 sequence", password.Rules{}, "abcdefghijkl\xe2\x82", password.ErrNotUTF8},
		{"over 4×MaxLength bytes is refused before decoding", password.Rules{}, strings.Repeat("\xff", 513), password.ErrTooLong},
		{"a megabyte", password.Rules{}, strings.Repeat("a", 1<<20), password.ErrTooLong},
		{"NIST minimum, 7", password.Rules{MinLength: 8}, "abcdefg", password.ErrTooShort},
		{"NIST minimum, 8", password.Rules{MinLength: 8}, "abcdefgh", nil},
		{"custom minimum, 15", password.Rules{MinLength: 16}, strings.Repeat("a", 15), password.ErrTooShort},
		{"custom minimum, 16", password.Rules{MinLength: 16}, strings.Repeat("a", 16), nil},
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
	assert.EqualError(t, r.Check("short"), "password: password too short: 5 characters, at least 12")
	assert.EqualError(t, r.Check(strings.Repeat("a", 129)), "password: password too long: 129 characters, at most 128")
	assert.EqualError(t, r.Check("abcdefghijkl\xff"), "password: password is not valid UTF-8")
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
		{"NIST minimum, maximum below the default minimum", password.Rules{MinLength: 8, MaxLength: 10}, true},
		{"passphrases", password.Rules{MinLength: 15, MaxLength: 1024}, true},
		{"equal bounds", password.Rules{MinLength: 20, MaxLength: 20}, true},
		{"minimum below 8", password.Rules{MinLength: 7}, false},
		{"negative minimum", password.Rules{MinLength: -1}, false},
		{"negative maximum", password.Rules{MaxLength: -1}, false},
		{"maximum below minimum", password.Rules{MinLength: 20, MaxLength: 10}, false},
		{"maximum below default minimum", password.Rules{MaxLength: 11}, false},
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

// The defaults are those of OWASP ASVS 4.0.3 level 2 (2.1.1: at least 12
// characters; 2.1.2: at least 64 allowed), and the lowest minimum is
// NIST SP 800-63B's.
func TestRulesDefaults(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 12, password.DefaultMinLength)
	assert.Equal(t, 8, password.LimitMinLength)
	assert.GreaterOrEqual(t, password.DefaultMaxLength, 64)
	assert.NoError(t, password.Rules{MinLength: password.LimitMinLength}.Validate())
	assert.ErrorIs(t, password.Rules{MinLength: password.LimitMinLength - 1}.Validate(), password.ErrInvalidRules)
}
