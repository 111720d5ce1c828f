package revocationtest

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/token"
)

func testEmpty(t *testing.T, e *env) {
	r := e.open(t)
	assert.False(t, revoked(t, r, "jti-1", "bob", "", 0))
	assert.False(t, revoked(t, r, "jti-1", "bob", "fam-1", 0))
	assert.False(t, revoked(t, r, "jti-1", "bob", "fam-1", 1))
	assert.Zero(t, generation(t, r, "bob"))
	assert.NoError(t, r.Err())
}

func testRevokeToken(t *testing.T, e *env) {
	ctx := context.Background()
	a, b := e.open(t), e.open(t)
	exp := e.clk.Now().Add(15 * time.Minute)
	require.NoError(t, a.RevokeToken(ctx, "jti-1", "bob", exp))
	for name, r := range map[string]token.Revocations{"the handle that revoked": a, "another handle": e.sync(t, b)} {
		assert.True(t, revoked(t, r, "jti-1", "bob", "", 0), name)
		assert.True(t, revoked(t, r, "jti-1", "carol", "fam-9", 7), "%s: the id alone decides", name)
		assert.False(t, revoked(t, r, "jti-2", "bob", "", 0), "%s: another token of the subject", name)
		assert.False(t, revoked(t, r, "other", "bob", "jti-1", 0), "%s: a family of the same name", name)
		assert.Zero(t, generation(t, r, "bob"), "%s: the subject's generation is untouched", name)
	}
	require.NoError(t, a.RevokeToken(ctx, "jti-1", "bob", exp), "revoking again is harmless")
	require.NoError(t, b.RevokeToken(ctx, "jti-1", "bob", exp), "from any handle")
	assert.True(t, revoked(t, e.sync(t, a), "jti-1", "bob", "", 0))
}

func testRevokeFamily(t *testing.T, e *env) {
	ctx := context.Background()
	a, b := e.open(t), e.open(t)
	exp := e.clk.Now().Add(time.Hour)
	require.NoError(t, a.RevokeFamily(ctx, "fam-a", "bob", exp))
	for name, r := range map[string]token.Revocations{"the handle that revoked": a, "another handle": e.sync(t, b)} {
		assert.True(t, revoked(t, r, "jti-1", "bob", "fam-a", 0), name)
		assert.True(t, revoked(t, r, "jti-2", "carol", "fam-a", 3), "%s: the family alone decides", name)
		assert.False(t, revoked(t, r, "jti-1", "bob", "fam-b", 0), "%s: another family", name)
		assert.False(t, revoked(t, r, "jti-1", "bob", "", 0), "%s: a token of no family", name)
		assert.False(t, revoked(t, r, "fam-a", "bob", "", 0), "%s: a token of the family's name", name)
		assert.Zero(t, generation(t, r, "bob"), name)
	}
	require.NoError(t, b.RevokeFamily(ctx, "fam-a", "bob", exp), "revoking again is harmless")
	assert.True(t, familyRevoked(t, e.sync(t, a), "fam-a"))
}

func testRevokeSubject(t *testing.T, e *env) {
	ctx := context.Background()
	a, b := e.open(t), e.open(t)
	require.NoError(t, a.RevokeSubject(ctx, "bob"))
	assert.Equal(t, int64(1), generation(t, a, "bob"))
	assert.Equal(t, []bool{true, false, false}, []bool{
		revoked(t, a, "any", "bob", "", 0), revoked(t, a, "any", "bob", "", 1), revoked(t, a, "any", "bob", "", 2),
	}, "tokens of generation 0 are revoked, those of generation 1 are not")
	assert.False(t, revoked(t, a, "any", "carol", "", 0), "another subject")
	assert.Zero(t, generation(t, a, "carol"))

	require.NoError(t, e.sync(t, b).RevokeSubject(ctx, "bob"))
	for name, r := range map[string]token.Revocations{"the handle that revoked": b, "another handle": e.sync(t, a)} {
		assert.Equal(t, int64(2), generation(t, r, "bob"), name)
		assert.Equal(t, []bool{true, true, false, false}, []bool{
			revoked(t, r, "any", "bob", "", 0), revoked(t, r, "any", "bob", "", 1),
			revoked(t, r, "any", "bob", "", 2), revoked(t, r, "any", "bob", "", 3),
		}, name)
		assert.True(t, revoked(t, r, "any", "bob", "", -1), "%s: a generation below zero is behind", name)
		assert.False(t, revoked(t, r, "any", "bob", "", math.MaxInt64), name)
	}
}

// RevokeSubject calls racing from several handles, with readers asking
// meanwhile, are all counted.
func testRacingRevokeSubject(t *testing.T, e *env) {
	ctx := context.Background()
	const handles, each = 3, 6
	rs := make([]token.Revocations, handles)
	for i := range rs {
		rs[i] = e.open(t)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*handles*each+handles)
	ready := make(chan struct{})
	for i, r := range rs {
		for n := range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-ready
				subject := "bob"
				if n%3 == 0 {
					subject = "carol"
				}
				errs <- r.RevokeSubject(ctx, subject)
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			for range 20 {
				if _, err := rs[i].Revoked(ctx, "jti", "bob", "", 1); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	close(ready)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for i, r := range rs {
		e.sync(t, r)
		assert.Equal(t, int64(handles*each*2/3), generation(t, r, "bob"), "handle %d: no increment of bob's lost", i)
		assert.Equal(t, int64(handles*each/3), generation(t, r, "carol"), "handle %d: no increment of carol's lost", i)
		assert.True(t, revoked(t, r, "any", "bob", "", handles*each*2/3-1), "handle %d", i)
		assert.False(t, revoked(t, r, "any", "bob", "", handles*each*2/3), "handle %d", i)
	}
}

// Revocations of distinct tokens and families racing from two handles are
// all kept, and revocations of one token racing with different expiry
// times keep the latest.
func testRacingRevocations(t *testing.T, e *env) {
	ctx := context.Background()
	rs := []token.Revocations{e.open(t), e.open(t)}
	now := e.clk.Now()
	const each = 8
	var wg sync.WaitGroup
	errs := make(chan error, 4*each)
	ready := make(chan struct{})
	for i := range each {
		r := rs[i%2]
		run := func(f func() error) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-ready
				errs <- f()
			}()
		}
		run(func() error { return r.RevokeToken(ctx, fmt.Sprintf("jti-%d", i), "bob", now.Add(time.Hour)) })
		run(func() error { return r.RevokeFamily(ctx, fmt.Sprintf("fam-%d", i), "bob", now.Add(time.Hour)) })
		run(func() error { return r.RevokeToken(ctx, "shared", "bob", now.Add(time.Duration(i+1)*time.Minute)) })
		run(func() error { return r.RevokeFamily(ctx, "shared", "bob", now.Add(time.Duration(each-i)*time.Minute)) })
	}
	close(ready)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	// Past every expiry but the latest.
	e.clk.Set(now.Add((each-1)*time.Minute + token.MaxLeeway + time.Second))
	for i, r := range rs {
		e.sync(t, r)
		cleanup(t, r)
		for n := range each {
			assert.True(t, tokenRevoked(t, r, fmt.Sprintf("jti-%d", n)), "handle %d, token %d", i, n)
			assert.True(t, familyRevoked(t, r, fmt.Sprintf("fam-%d", n)), "handle %d, family %d", i, n)
		}
		assert.True(t, tokenRevoked(t, r, "shared"), "handle %d: the latest expiry is kept", i)
		assert.True(t, familyRevoked(t, r, "shared"), "handle %d: the latest expiry is kept", i)
	}
}

// A revocation made again with an earlier expiry keeps the later one, and
// one made again with a later expiry takes it.
func testLaterExpiryKept(t *testing.T, e *env) {
	ctx := context.Background()
	a := e.open(t)
	now := e.clk.Now()
	early, late := now.Add(time.Minute), now.Add(time.Hour)
	require.NoError(t, a.RevokeToken(ctx, "late-first", "bob", late))
	require.NoError(t, a.RevokeToken(ctx, "late-first", "bob", early))
	require.NoError(t, a.RevokeToken(ctx, "late-last", "bob", early))
	require.NoError(t, a.RevokeToken(ctx, "late-last", "bob", late))
	require.NoError(t, a.RevokeFamily(ctx, "late-first", "bob", late))
	require.NoError(t, a.RevokeFamily(ctx, "late-first", "bob", early))
	require.NoError(t, a.RevokeFamily(ctx, "late-last", "bob", early))
	require.NoError(t, a.RevokeFamily(ctx, "late-last", "bob", late))
	require.NoError(t, a.RevokeToken(ctx, "early-only", "bob", early))

	e.clk.Set(early.Add(token.MaxLeeway + time.Minute))
	cleaned := cleanup(t, a)
	b := e.sync(t, e.open(t)) // opened after the early expiry has passed
	for name, r := range map[string]token.Revocations{"the handle that revoked": a, "a handle opened later": b} {
		for _, id := range []string{"late-first", "late-last"} {
			assert.True(t, tokenRevoked(t, r, id), "%s: token %s", name, id)
			assert.True(t, familyRevoked(t, r, id), "%s: family %s", name, id)
		}
	}
	if cleaned {
		assert.False(t, tokenRevoked(t, a, "early-only"), "Cleanup forgets what expired")
	}
}

// A revocation lasts until MaxLeeway after its expiry by the clock the
// list is given, whatever the server's clock says; a subject's generation
// lasts for ever.
func testExpiry(t *testing.T, e *env) {
	ctx := context.Background()
	a := e.open(t)
	now := e.clk.Now()
	exp := now.Add(10 * time.Minute)
	require.NoError(t, a.RevokeToken(ctx, "jti-1", "bob", exp))
	require.NoError(t, a.RevokeFamily(ctx, "fam-1", "bob", exp))
	require.NoError(t, a.RevokeSubject(ctx, "bob"))
	// A token already past all acceptance: the list may keep it or not,
	// but takes it without complaint.
	require.NoError(t, a.RevokeToken(ctx, "long-dead", "bob", now.Add(-token.MaxLeeway-time.Hour)))
	require.NoError(t, a.RevokeFamily(ctx, "long-dead", "bob", now.Add(-token.MaxLeeway-time.Hour)))

	e.clk.Set(exp.Add(token.MaxLeeway))
	cleaned := cleanup(t, a)
	b := e.sync(t, e.open(t))
	for name, r := range map[string]token.Revocations{"the handle that revoked": a, "a handle opened later": b} {
		assert.True(t, tokenRevoked(t, r, "jti-1"), "%s: kept through the longest leeway", name)
		assert.True(t, familyRevoked(t, r, "fam-1"), "%s: kept through the longest leeway", name)
	}

	e.clk.Set(exp.Add(token.MaxLeeway + time.Second))
	if cleanup(t, a) {
		assert.False(t, tokenRevoked(t, a, "jti-1"), "forgotten once no Issuer accepts the token")
		assert.False(t, familyRevoked(t, a, "fam-1"), "forgotten once no Issuer accepts the family's tokens")
		assert.True(t, cleaned, "a list that cleans up does so every time")
	}

	e.clk.Set(now.Add(365 * 24 * time.Hour))
	cleanup(t, a)
	for name, r := range map[string]token.Revocations{"the handle that revoked": a, "a handle opened a year later": e.sync(t, e.open(t))} {
		assert.Equal(t, int64(1), generation(t, r, "bob"), "%s: generations are never forgotten", name)
		assert.True(t, revoked(t, r, "any", "bob", "", 0), name)
	}
}

// Input the validators refuse is refused with their very error, by every
// list alike, and changes nothing.
func testBadInput(t *testing.T, e *env) {
	ctx := context.Background()
	r := e.open(t)
	exp := e.clk.Now().Add(time.Hour)
	tooLong := strings.Repeat("x", token.MaxTokenIDLength+1)
	tokens := []struct {
		name, jti, subject string
		expiresAt          time.Time
		want               error
	}{
		{"no token id", "", "bob", exp, token.ErrInvalidRevocation},
		{"token id too long", tooLong, "bob", exp, token.ErrInvalidRevocation},
		{"token id not UTF-8", "jti-1\xff", "bob", exp, token.ErrInvalidRevocation},
		{"token id with NUL", "jti-1\x00", "bob", exp, token.ErrInvalidRevocation},
		{"no subject", "jti-1", "", exp, token.ErrInvalidSubject},
		{"subject too long", "jti-1", tooLong, exp, token.ErrInvalidSubject},
		{"subject not UTF-8", "jti-1", "bob\xff", exp, token.ErrInvalidSubject},
		{"subject with NUL", "jti-1", "bob\x00", exp, token.ErrInvalidSubject},
		{"no expiry", "jti-1", "bob", time.Time{}, token.ErrInvalidRevocation},
	}
	for _, tt := range tokens {
		err := r.RevokeToken(ctx, tt.jti, tt.subject, tt.expiresAt)
		assert.ErrorIs(t, err, tt.want, "RevokeToken: %s", tt.name)
		assert.EqualError(t, err, token.ValidateTokenRevocation(tt.jti, tt.subject, tt.expiresAt).Error(), "RevokeToken: %s", tt.name)
	}
	families := []struct {
		name, family, subject string
		expiresAt             time.Time
		want                  error
	}{
		{"no family", "", "bob", exp, token.ErrInvalidFamily},
		{"family too long", tooLong, "bob", exp, token.ErrInvalidFamily},
		{"family not UTF-8", "fam-1\xff", "bob", exp, token.ErrInvalidFamily},
		{"family with NUL", "fam-1\x00", "bob", exp, token.ErrInvalidFamily},
		{"no subject", "fam-1", "", exp, token.ErrInvalidSubject},
		{"subject with NUL", "fam-1", "bob\x00", exp, token.ErrInvalidSubject},
		{"no expiry", "fam-1", "bob", time.Time{}, token.ErrInvalidRevocation},
	}
	for _, tt := range families {
		err := r.RevokeFamily(ctx, tt.family, tt.subject, tt.expiresAt)
		assert.ErrorIs(t, err, tt.want, "RevokeFamily: %s", tt.name)
		assert.EqualError(t, err, token.ValidateFamilyRevocation(tt.family, tt.subject, tt.expiresAt).Error(), "RevokeFamily: %s", tt.name)
	}
	for name, subject := range map[string]string{"empty": "", "too long": tooLong, "not UTF-8": "bob\xff", "with NUL": "bob\x00", "only NUL": "\x00"} {
		err := r.RevokeSubject(ctx, subject)
		assert.ErrorIs(t, err, token.ErrInvalidSubject, "RevokeSubject: %s", name)
		assert.EqualError(t, err, token.ValidateSubjectRevocation(subject).Error(), "RevokeSubject: %s", name)
	}

	for name, h := range map[string]token.Revocations{"the handle refused": r, "another handle": e.sync(t, e.open(t))} {
		assert.False(t, revoked(t, h, "jti-1", "bob", "fam-1", 0), "%s: nothing revoked", name)
		assert.False(t, tokenRevoked(t, h, "jti-1\xff"), name)
		assert.False(t, familyRevoked(t, h, "fam-1\x00"), name)
		for _, subject := range []string{"bob", "", "bob\x00", "bob\xff"} {
			assert.Zero(t, generation(t, h, subject), "%s: no generation for %q", name, subject)
		}
	}
}

// oddIDs are ids every list must keep apart and compare exactly: some
// differ from others only in case, accents, trailing space or a byte a
// key or a query language makes special.
func oddIDs() []string {
	return []string{
		strings.Repeat("x", token.MaxTokenIDLength),
		strings.Repeat("x", token.MaxTokenIDLength-1),
		strings.Repeat("é", token.MaxTokenIDLength/2), // 254 bytes
		"bob", "Bob", "BOB", "bob ", " bob", "böb", "bob\u0301", "bo\u200bb",
		"jti:bob", "sid:bob", "gen:bob", "gatehouse:token:jti:bob",
		"{bob}", "*", "?", "[a-z]", "%", "_", "\\", "'; DROP TABLE gatehouse_revoked_tokens; --",
		"line\nbreak", "tab\there", "\u202eevil", "🔑", "\ufffd", "\x7f",
	}
}

// Odd but valid ids round-trip exactly: each is revoked or not as it was,
// whatever its neighbours are.
func testOddInput(t *testing.T, e *env) {
	ctx := context.Background()
	r := e.open(t)
	exp := e.clk.Now().Add(time.Hour)
	ids := oddIDs()
	// Every other id is a token, the rest families, every third a subject:
	// each id's neighbours are in the other set.
	for i, id := range ids {
		if i%2 == 0 {
			require.NoError(t, r.RevokeToken(ctx, id, id, exp), "token %q", id)
		} else {
			require.NoError(t, r.RevokeFamily(ctx, id, id, exp), "family %q", id)
		}
		if i%3 == 0 {
			require.NoError(t, r.RevokeSubject(ctx, id), "subject %q", id)
		}
	}
	for name, h := range map[string]token.Revocations{"the handle that revoked": r, "another handle": e.sync(t, e.open(t))} {
		for i, id := range ids {
			assert.Equal(t, i%2 == 0, tokenRevoked(t, h, id), "%s: token %q", name, id)
			assert.Equal(t, i%2 == 1, familyRevoked(t, h, id), "%s: family %q", name, id)
			want := int64(0)
			if i%3 == 0 {
				want = 1
			}
			assert.Equal(t, want, generation(t, h, id), "%s: subject %q", name, id)
		}
	}
}

// Queries carry what a token says, which anybody holding a key may have
// written: no query, however long or odd, fails or panics, and none finds
// a revocation that was not made.
func testHostileQueries(t *testing.T, e *env) {
	ctx := context.Background()
	r := e.open(t)
	require.NoError(t, r.RevokeToken(ctx, "jti-1", "bob", e.clk.Now().Add(time.Hour)))
	require.NoError(t, r.RevokeSubject(ctx, "bob"))
	huge := strings.Repeat("h", 64<<10)
	for _, q := range []string{huge, "", "\x00", "jti-1\x00", "\x00jti-1", "jti-1\xff", "\xff\xfe", "bob\x00", "jti-1 ", "JTI-1"} {
		ok, err := r.Revoked(ctx, q, q, q, 1)
		require.NoError(t, err, "%q", q)
		assert.False(t, ok, "%.40q", q)
		g, err := r.Generation(ctx, q)
		require.NoError(t, err, "%.40q", q)
		assert.Zero(t, g, "%.40q", q)
	}
	assert.True(t, revoked(t, r, "jti-1", huge, huge, math.MaxInt64), "the id alone decides, whatever comes with it")
}

// borrowed returns s as a string aliasing a buffer that scribble
// overwrites, as fasthttp's strings alias request buffers it reuses.
func borrowed(s string) (string, func()) {
	buf := []byte(s)
	scribble := func() {
		for i := range buf {
			buf[i] = '#'
		}
	}
	return unsafeString(buf), scribble
}

// A list keeps the ids it is given for as long as the revocation lasts; a
// caller's buffer reused afterwards must not change what is revoked.
func testKeepsNoCallerMemory(t *testing.T, e *env) {
	ctx := context.Background()
	r := e.open(t)
	exp := e.clk.Now().Add(time.Hour)

	// Each revoked twice, the second time with a later expiry, so that a
	// list that stores the key again when it updates a revocation (as a Go
	// map assignment does) is checked too.
	for _, expiresAt := range []time.Time{exp, exp.Add(time.Hour)} {
		jti, scribbleJTI := borrowed("jti-1")
		subject, scribbleSubject := borrowed("bob")
		require.NoError(t, r.RevokeToken(ctx, jti, subject, expiresAt))
		scribbleJTI()
		scribbleSubject()

		family, scribbleFamily := borrowed("fam-1")
		subject, scribbleSubject = borrowed("carol")
		require.NoError(t, r.RevokeFamily(ctx, family, subject, expiresAt))
		scribbleFamily()
		scribbleSubject()
	}

	for range 2 {
		subject, scribbleSubject := borrowed("dave")
		require.NoError(t, r.RevokeSubject(ctx, subject))
		scribbleSubject()
	}

	for name, h := range map[string]token.Revocations{"the handle that revoked": r, "another handle": e.sync(t, e.open(t))} {
		assert.True(t, tokenRevoked(t, h, "jti-1"), name)
		assert.True(t, familyRevoked(t, h, "fam-1"), name)
		assert.Equal(t, int64(2), generation(t, h, "dave"), name)
		assert.False(t, tokenRevoked(t, h, "#####"), "%s: and nothing else", name)
		assert.False(t, familyRevoked(t, h, "#####"), "%s: and nothing else", name)
		for _, s := range []string{"###", "#####", "####"} {
			assert.Zero(t, generation(t, h, s), "%s: and nothing else", name)
		}
	}
}
