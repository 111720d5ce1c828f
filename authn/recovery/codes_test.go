package recovery_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/recovery/memstore"
)

const (
	alice = "usr_0123456789abcdef0123456789abcdef"
	bob   = "usr_fedcba9876543210fedcba9876543210"
)

// format is how every code is shown: two groups of five characters of the
// alphabet, without look-alikes, joined by a dash.
var format = regexp.MustCompile(`^[abcdefghjkmnpqrstuvwxyz23456789]{5}-[abcdefghjkmnpqrstuvwxyz23456789]{5}$`)

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		store recovery.Store
		count int
		want  int // codes per Generate; 0: refused
	}{
		{"defaults", memstore.New(), 0, recovery.DefaultCount},
		{"fewest", memstore.New(), recovery.MinCount, 5},
		{"most", memstore.New(), recovery.MaxCount, 20},
		{"too few", memstore.New(), recovery.MinCount - 1, 0},
		{"too many", memstore.New(), recovery.MaxCount + 1, 0},
		{"negative", memstore.New(), -10, 0},
		{"no store", nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			codes, err := recovery.New(tt.store, recovery.Config{Count: tt.count})
			if tt.want == 0 {
				assert.ErrorIs(t, err, recovery.ErrConfig)
				assert.Nil(t, codes)
				return
			}
			require.NoError(t, err)
			list, err := codes.Generate(bg, alice)
			require.NoError(t, err)
			assert.Len(t, list, tt.want)
			n, err := codes.Remaining(bg, alice)
			require.NoError(t, err)
			assert.Equal(t, tt.want, n)
		})
	}
}

// Generate returns ten distinct codes of the format, as secrets that do
// not print, and stores their digests, not the codes, at the clock's time.
func TestGenerate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, recovery.Config{})
	secrets, err := f.codes.Generate(bg, alice)
	require.NoError(t, err)
	require.Len(t, secrets, 10)
	seen := map[string]bool{}
	for i, s := range secrets {
		assert.Regexp(t, format, s.Reveal(), "code %d", i)
		assert.False(t, seen[s.Reveal()], "code %d is repeated", i)
		seen[s.Reveal()] = true
		assert.Equal(t, authn.Redacted, fmt.Sprint(s), "a code prints redacted")
	}
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v %q", secrets, secrets, secrets, secrets), secrets[0].Reveal())

	calls := f.store.Calls()
	require.Len(t, calls, 1)
	assert.Equal(t, "Replace", calls[0].method)
	assert.Equal(t, alice, calls[0].userID)
	assert.Len(t, calls[0].digests, 10)
	assert.Equal(t, start.Truncate(time.Microsecond), calls[0].at, "the clock's time, in UTC, to the microsecond")
	assert.Equal(t, time.UTC, calls[0].at.Location())
	stored := fmt.Sprintf("%x", calls[0].digests)
	for code := range seen {
		assert.NotContains(t, stored, fmt.Sprintf("%x", code), "the store never sees a code")
	}
}

// Codes are drawn anew each time: two sets, for one user or two, share
// none.
func TestGenerateDrawsNewCodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, recovery.Config{Count: recovery.MaxCount})
	seen := map[string]bool{}
	for range 5 {
		for _, userID := range []string{alice, bob} {
			for _, code := range f.generate(t, userID) {
				assert.False(t, seen[code], "%s drawn twice", code)
				seen[code] = true
			}
		}
	}
}

// Every code works once, in any order, and Remaining counts down; then
// each is refused as an invalid credential.
func TestEachCodeWorksOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, recovery.Config{})
	codes := f.generate(t, alice)
	assert.Equal(t, 10, f.remaining(t, alice))
	for i, j := range []int{9, 0, 4, 1, 8, 2, 7, 3, 6, 5} {
		f.clock.Advance(time.Minute)
		require.NoError(t, f.codes.Use(bg, alice, codes[j]), "code %d", j)
		assert.Equal(t, 9-i, f.remaining(t, alice), "after code %d", j)
		err := f.codes.Use(bg, alice, codes[j])
		assert.ErrorIs(t, err, recovery.ErrInvalidCode, "code %d again", j)
		assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "code %d again", j)
		assert.NotErrorIs(t, err, recovery.ErrStore)
	}
	assert.Zero(t, f.remaining(t, alice))

	// Each Use asked the store once, with the time of the clock.
	var uses []call
	for _, c := range f.store.Calls() {
		if c.method == "Consume" {
			uses = append(uses, c)
		}
	}
	require.Len(t, uses, 20)
	assert.Equal(t, start.Add(time.Minute).Truncate(time.Microsecond), uses[0].at)
	assert.Equal(t, uses[0].digests, uses[1].digests, "a code used again is looked up as before")
}

// A code works only for the user it was drawn for.
func TestCodeOfAnotherUserIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, recovery.Config{})
	aliceCodes, bobCodes := f.generate(t, alice), f.generate(t, bob)
	for i := range aliceCodes {
		assert.ErrorIs(t, f.codes.Use(bg, bob, aliceCodes[i]), recovery.ErrInvalidCode, "alice's code %d for bob", i)
		assert.ErrorIs(t, f.codes.Use(bg, alice, bobCodes[i]), recovery.ErrInvalidCode, "bob's code %d for alice", i)
	}
	// A user id that differs in letter case or a space is another user.
	for _, other := range []string{strings.ToUpper(alice), alice + " ", " " + alice} {
		assert.ErrorIs(t, f.codes.Use(bg, other, aliceCodes[0]), recovery.ErrInvalidCode, "%q", other)
	}
	assert.Equal(t, 10, f.remaining(t, alice))
	assert.Equal(t, 10, f.remaining(t, bob))
	require.NoError(t, f.codes.Use(bg, alice, aliceCodes[0]))
	require.NoError(t, f.codes.Use(bg, bob, bobCodes[0]))
}

// Generating again makes every earlier code, used or not, stop working.
func TestGenerateAgainRefusesOldCodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, recovery.Config{})
	old := f.generate(t, alice)
	require.NoError(t, f.codes.Use(bg, alice, old[0]))
	others := f.generate(t, bob)
	fresher := f.generate(t, alice)
	assert.Equal(t, 10, f.remaining(t, alice))
	for i, code := range old {
		assert.ErrorIs(t, f.codes.Use(bg, alice, code), recovery.ErrInvalidCode, "old code %d", i)
	}
	for i, code := range fresher {
		assert.NoError(t, f.codes.Use(bg, alice, code), "new code %d", i)
	}
	assert.Equal(t, 10, f.remaining(t, bob), "another user's codes stay")
	assert.NoError(t, f.codes.Use(bg, bob, others[0]))
}

// GenerateIfNone gives codes to a user who has none unused, and nothing,
// changing nothing, to one who has.
func TestGenerateIfNone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, recovery.Config{Count: 5})
	first, err := f.codes.GenerateIfNone(bg, alice)
	require.NoError(t, err)
	require.Len(t, first, 5)
	again, err := f.codes.GenerateIfNone(bg, alice)
	require.NoError(t, err)
	assert.Nil(t, again, "alice has codes")
	require.NoError(t, f.codes.Use(bg, alice, first[0].Reveal()))
	again, err = f.codes.GenerateIfNone(bg, alice)
	require.NoError(t, err)
	assert.Nil(t, again, "one code left is enough")
	for _, code := range first[1:] {
		require.NoError(t, f.codes.Use(bg, alice, code.Reveal()))
	}
	fresh, err := f.codes.GenerateIfNone(bg, alice)
	require.NoError(t, err)
	assert.Len(t, fresh, 5, "every code used: a new set")
	assert.Equal(t, 5, f.remaining(t, alice))

	_, err = f.codes.GenerateIfNone(bg, "")
	assert.ErrorIs(t, err, recovery.ErrInvalidUserID)
	failing, err := recovery.New(failingStore{err: errBackend}, recovery.Config{})
	require.NoError(t, err)
	_, err = failing.GenerateIfNone(bg, alice)
	assert.ErrorIs(t, err, recovery.ErrStore)
}

// A code is accepted in either case, with or without its dash, with
// spaces around or inside it.
func TestUseNormalizesInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, recovery.Config{Count: recovery.MaxCount})
	codes := f.generate(t, alice)
	spellings := []func(code string) string{
		strings.ToUpper,
		func(c string) string { return strings.ReplaceAll(c, "-", "") },
		func(c string) string { return strings.ToUpper(strings.ReplaceAll(c, "-", "")) },
		func(c string) string { return strings.ReplaceAll(c, "-", " ") },
		func(c string) string { return "  " + c + "  " },
		func(c string) string { return "\t" + c + "\r\n" },
		func(c string) string { return c[:5] + " - " + c[6:] },
		func(c string) string { return c[:2] + " " + c[2:7] + "-" + c[7:] },
		func(c string) string { return strings.ToUpper(c[:3]) + c[3:] },
		func(c string) string { return "\u00a0" + c + "\u2003" }, // no-break and em spaces around
		func(c string) string { return c[:5] + "--" + c[6:] },
		func(c string) string { return strings.Join(strings.Split(strings.ReplaceAll(c, "-", ""), ""), " ") },
	}
	for i, spell := range spellings {
		typed := spell(codes[i])
		assert.NoError(t, f.codes.Use(bg, alice, typed), "%q for %q", typed, codes[i])
		assert.ErrorIs(t, f.codes.Use(bg, alice, codes[i]), recovery.ErrInvalidCode, "%q was used", codes[i])
	}
	assert.Equal(t, len(codes)-len(spellings), f.remaining(t, alice))
}

// Input that cannot be a code is refused with ErrInvalidCode before the
// store is asked, and changes nothing.
func TestUseRefusesGarbageWithoutAskingTheStore(t *testing.T) {
	t.Parallel()
	f := newFixture(t, recovery.Config{})
	codes := f.generate(t, alice)
	c := codes[0]
	garbage := []string{
		"", " ", "-", "-----", "\x00",
		c[:10],                       // a character short
		c + "a",                      // a character over
		c + c,                        // two codes
		"abcde-fghj0", "abcde-fghj1", // 0 and 1 are not in the alphabet
		"abcde-fghji", "abcde-fghjl", // nor i and l
		"abcde-fghjo",                // nor o
		"abcde_fghjk", "abcde.fghjk", // other separators
		"abcde-fghj\x00k", c + "\x00", // NUL
		"ａｂｃｄｅ-ｆｇｈｊｋ",                // full-width letters
		"\u212a" + c[1:],             // the Kelvin sign, which Unicode lowers to k
		"abcde\u2010fghjk",           // a Unicode hyphen
		"abcd\u00e9-fghjk",           // an accent
		"' OR '1'='1",                // SQL
		strings.Repeat(" ", 100) + c, // too long to read
		strings.Repeat("a", 10_000),  // far too long
		c[:5] + strings.Repeat(" ", 60) + c[6:],
		"bad\xff\xfeutf8",
	}
	before := len(f.store.Calls())
	for _, input := range garbage {
		err := f.codes.Use(bg, alice, input)
		assert.ErrorIs(t, err, recovery.ErrInvalidCode, "%q", input)
		assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "%q", input)
	}
	assert.Len(t, f.store.Calls(), before, "no call reached the store")
	assert.Equal(t, 10, f.remaining(t, alice))
	for _, code := range codes {
		assert.NoError(t, f.codes.Use(bg, alice, code))
	}
}

// A user id no user can have is refused before the store is asked.
func TestInvalidUserID(t *testing.T) {
	t.Parallel()
	f := newFixture(t, recovery.Config{})
	codes := f.generate(t, alice)
	before := len(f.store.Calls())
	for _, userID := range []string{"", "\x00", "usr\x00_1", "bad\xff", strings.Repeat("u", recovery.MaxUserIDLength+1)} {
		_, err := f.codes.Generate(bg, userID)
		assert.ErrorIs(t, err, recovery.ErrInvalidUserID, "Generate %q", userID)
		err = f.codes.Use(bg, userID, codes[0])
		assert.ErrorIs(t, err, recovery.ErrInvalidUserID, "Use %q", userID)
		assert.ErrorIs(t, err, recovery.ErrInvalidCode, "Use %q", userID)
		_, err = f.codes.Remaining(bg, userID)
		assert.ErrorIs(t, err, recovery.ErrInvalidUserID, "Remaining %q", userID)
		assert.ErrorIs(t, f.codes.Delete(bg, userID), recovery.ErrInvalidUserID, "Delete %q", userID)
	}
	assert.Len(t, f.store.Calls(), before, "no call reached the store")

	longest := strings.Repeat("u", recovery.MaxUserIDLength)
	longestCodes := f.generate(t, longest)
	assert.NoError(t, f.codes.Use(bg, longest, longestCodes[0]), "a user id at the limit")
}

// Delete removes every code of the user, used or not; a user without
// codes is not an error.
func TestDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t, recovery.Config{})
	codes := f.generate(t, alice)
	others := f.generate(t, bob)
	require.NoError(t, f.codes.Use(bg, alice, codes[0]))
	require.NoError(t, f.codes.Delete(bg, alice))
	assert.Zero(t, f.remaining(t, alice))
	for i, code := range codes {
		assert.ErrorIs(t, f.codes.Use(bg, alice, code), recovery.ErrInvalidCode, "code %d", i)
	}
	assert.NoError(t, f.codes.Delete(bg, alice), "again")
	assert.NoError(t, f.codes.Delete(bg, "usr_never_had_codes"))
	assert.Equal(t, 10, f.remaining(t, bob))
	assert.NoError(t, f.codes.Use(bg, bob, others[0]))
}

// A failing store is ErrStore, with its own error: no verdict on the code,
// and no codes handed out that were not stored.
func TestStoreFailure(t *testing.T) {
	t.Parallel()
	codes, err := recovery.New(failingStore{errBackend}, recovery.Config{})
	require.NoError(t, err)

	list, err := codes.Generate(bg, alice)
	assert.ErrorIs(t, err, recovery.ErrStore)
	assert.ErrorIs(t, err, errBackend)
	assert.Nil(t, list, "no codes when none were stored")

	err = codes.Use(bg, alice, "abcde-fghjk")
	assert.ErrorIs(t, err, recovery.ErrStore)
	assert.ErrorIs(t, err, errBackend)
	assert.NotErrorIs(t, err, recovery.ErrInvalidCode)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)

	n, err := codes.Remaining(bg, alice)
	assert.ErrorIs(t, err, recovery.ErrStore)
	assert.ErrorIs(t, err, errBackend)
	assert.Zero(t, n)

	err = codes.Delete(bg, alice)
	assert.ErrorIs(t, err, recovery.ErrStore)
	assert.ErrorIs(t, err, errBackend)
}

// A done context is the store's failure, and changes nothing.
func TestContextDone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, recovery.Config{})
	codes := f.generate(t, alice)
	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, err := f.codes.Generate(ctx, alice)
	assert.ErrorIs(t, err, recovery.ErrStore)
	assert.ErrorIs(t, err, context.Canceled)
	err = f.codes.Use(ctx, alice, codes[0])
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, recovery.ErrInvalidCode)
	_, err = f.codes.Remaining(ctx, alice)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, f.codes.Delete(ctx, alice), context.Canceled)
	assert.Equal(t, 10, f.remaining(t, alice), "nothing changed")
	assert.NoError(t, f.codes.Use(bg, alice, codes[0]))
}

// Of many logins racing with one code, on two Codes sharing a store, as
// on two processes, exactly one gets in.
func TestRacingUsesOfOneCode(t *testing.T) {
	t.Parallel()
	store := memstore.New()
	first, err := recovery.New(store, recovery.Config{})
	require.NoError(t, err)
	second, err := recovery.New(store, recovery.Config{})
	require.NoError(t, err)
	list, err := first.Generate(bg, alice)
	require.NoError(t, err)
	code := list[0].Reveal()

	const racers = 16
	errs := make([]error, racers)
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for i := range racers {
		codes := []*recovery.Codes{first, second}[i%2]
		wg.Go(func() {
			<-ready
			errs[i] = codes.Use(bg, alice, strings.ToUpper(code))
		})
	}
	close(ready)
	wg.Wait()
	wins := 0
	for i, err := range errs {
		if err == nil {
			wins++
			continue
		}
		assert.ErrorIs(t, err, recovery.ErrInvalidCode, "use %d", i)
	}
	assert.Equal(t, 1, wins)
	n, err := second.Remaining(bg, alice)
	require.NoError(t, err)
	assert.Equal(t, 9, n)
}
