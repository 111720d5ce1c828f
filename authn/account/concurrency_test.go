package account_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

const (
	carolEmail    = "carol@example.com"
	carolPassword = "carol-password"
)

// issued is an access token handed out during the race, with the sequence
// number taken after the call that issued it returned.
type issued struct {
	value string
	owner string
	at    int64
	// family is the sequence number taken after the login that started the
	// token's refresh family returned: at for a login's own token.
	family int64
	// loggedOut is the sequence number taken after its Logout returned; 0
	// while it has not.
	loggedOut atomic.Int64
}

// authentication is one Authenticate of an issued token, started at start.
type authentication struct {
	token *issued
	start int64
	err   error
}

// accountRace is what the goroutines of TestConcurrentAccountFlows share.
type accountRace struct {
	r   *rig
	ctx context.Context
	seq atomic.Int64

	mu     sync.Mutex
	tokens []*issued

	errsMu sync.Mutex
	errs   []error
}

func (a *accountRace) issue(value, owner string) *issued {
	return a.issueInFamily(value, owner, 0)
}

// issueInFamily records a token handed out by a refresh of the family whose
// login took sequence number family; 0 means the token is the login's own.
func (a *accountRace) issueInFamily(value, owner string, family int64) *issued {
	tok := &issued{value: value, owner: owner, at: a.seq.Add(1), family: family}
	if family == 0 {
		tok.family = tok.at
	}
	a.mu.Lock()
	a.tokens = append(a.tokens, tok)
	a.mu.Unlock()
	return tok
}

func (a *accountRace) issuedSoFar() []*issued {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*issued(nil), a.tokens...)
}

func (a *accountRace) fail(format string, args ...any) {
	a.errsMu.Lock()
	defer a.errsMu.Unlock()
	a.errs = append(a.errs, fmt.Errorf(format, args...))
}

func (a *accountRace) login(email, password string) (account.TokenPair, *issued, bool) {
	pair, err := a.r.Login(a.ctx, email, password, "192.0.2.1")
	if err != nil {
		a.fail("login %s: %v", email, err)
		return account.TokenPair{}, nil, false
	}
	return pair, a.issue(pair.AccessToken.Reveal(), pair.Subject), true
}

// TestConcurrentAccountFlows runs logins, refreshes (one token presented by
// many goroutines at once among them), logouts and a RevokeAll together,
// with access tokens authenticated all the while, on one Service. Time is a
// sequence counter: an authentication that took its number after a logout
// took its own started after the logout had returned. It checks that
//   - of racing refreshes of one token at most one succeeds, the others are
//     reuse (or, arriving late, find the family revoked), and afterwards
//     no token of the family refreshes;
//   - no refresh family ever has two live tokens;
//   - an access token never authenticates after its logout returned;
//   - after RevokeAll returned, no access token of a refresh family begun
//     before it started authenticates, even one a refresh racing RevokeAll
//     handed out, and no refresh token handed out before it refreshes;
//   - nothing fails otherwise.
func TestConcurrentAccountFlows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	r := newRigOn(t, db)
	bob := r.register(t, bobEmail, bobPassword)
	carol := r.register(t, carolEmail, carolPassword)
	a := &accountRace{r: r, ctx: ctx}

	const (
		families   = 3 // presented by many at once
		presenters = 6
		chains     = 2 // refreshed in turn by one client each
		chainLinks = 4
		logouts    = 3
		carolPairs = 3 // held by carol when RevokeAll starts
		verifiers  = 3
	)
	var stolen []account.TokenPair
	for range families {
		pair, _, ok := a.login(bobEmail, bobPassword)
		require.True(t, ok)
		stolen = append(stolen, pair)
	}
	var carols []account.TokenPair
	for range carolPairs {
		pair, _, ok := a.login(carolEmail, carolPassword)
		require.True(t, ok)
		carols = append(carols, pair)
	}
	require.Empty(t, a.errs)

	var (
		flows, verifying sync.WaitGroup
		start            = make(chan struct{})
		done             atomic.Bool
	)

	// One refresh token presented by many goroutines at once, per family.
	refreshed := make([][]account.TokenPair, families)
	refreshErrs := make([][]error, families)
	for f := range families {
		refreshed[f] = make([]account.TokenPair, presenters)
		refreshErrs[f] = make([]error, presenters)
		for p := range presenters {
			flows.Add(1)
			go func() {
				defer flows.Done()
				<-start
				refreshed[f][p], refreshErrs[f][p] = r.Refresh(ctx, stolen[f].RefreshToken.Reveal())
				if refreshErrs[f][p] == nil {
					a.issue(refreshed[f][p].AccessToken.Reveal(), bob)
				}
			}()
		}
	}

	// Clients refreshing in turn: nobody else has their tokens, so every
	// refresh succeeds.
	lastLink := make([]account.TokenPair, chains)
	for c := range chains {
		flows.Add(1)
		go func() {
			defer flows.Done()
			<-start
			pair, _, ok := a.login(bobEmail, bobPassword)
			for link := 0; ok && link < chainLinks; link++ {
				next, err := r.Refresh(ctx, pair.RefreshToken.Reveal())
				if err != nil {
					a.fail("chain %d, link %d: %v", c, link, err)
					return
				}
				a.issue(next.AccessToken.Reveal(), bob)
				pair = next
			}
			lastLink[c] = pair
		}()
	}

	// Logouts: log in, authenticate, log out.
	loggedOut := make([]account.TokenPair, logouts)
	for l := range logouts {
		flows.Add(1)
		go func() {
			defer flows.Done()
			<-start
			pair, own, ok := a.login(bobEmail, bobPassword)
			if !ok {
				return
			}
			s, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
			if err != nil {
				a.fail("authenticate before logout %d: %v", l, err)
				return
			}
			if err := r.Logout(ctx, s, pair.RefreshToken.Reveal()); err != nil {
				a.fail("logout %d: %v", l, err)
				return
			}
			own.loggedOut.Store(a.seq.Add(1))
			loggedOut[l] = pair
		}()
	}

	// carol keeps refreshing, and logging in again when she must, from
	// before RevokeAll starts until a few refreshes after it returned.
	var revokeStart, revokeEnd atomic.Int64
	going := make(chan struct{})
	var goingOnce sync.Once
	letRevokeAllGo := func() { goingOnce.Do(func() { close(going) }) }
	flows.Add(1)
	go func() {
		defer flows.Done()
		defer letRevokeAllGo()
		<-start
		pair, own, ok := a.login(carolEmail, carolPassword)
		for refreshes, after := 0, 0; ok && after < 3; refreshes++ {
			if refreshes == 3 {
				letRevokeAllGo()
			}
			if revokeEnd.Load() != 0 {
				after++
			}
			next, err := r.Refresh(ctx, pair.RefreshToken.Reveal())
			switch {
			case errors.Is(err, authn.ErrTokenReused):
				a.fail("carol's own refresh taken for reuse: %v", err)
				return
			case errors.Is(err, authn.ErrTokenRevoked):
				// RevokeAll got there first; only a new login helps.
				pair, own, ok = a.login(carolEmail, carolPassword)
			case err != nil:
				a.fail("carol's refresh: %v", err)
				return
			default:
				a.issueInFamily(next.AccessToken.Reveal(), carol, own.family)
				pair = next
			}
		}
	}()
	flows.Add(1)
	go func() {
		defer flows.Done()
		<-start
		<-going
		revokeStart.Store(a.seq.Add(1))
		if err := r.RevokeAll(ctx, carol); err != nil {
			a.fail("RevokeAll: %v", err)
			return
		}
		revokeEnd.Store(a.seq.Add(1))
	}()

	// Verifiers authenticate every token issued so far, over and over.
	seen := make([][]authentication, verifiers)
	for v := range verifiers {
		verifying.Add(1)
		go func() {
			defer verifying.Done()
			<-start
			for round := 0; round < 2000 && !done.Load(); round++ {
				// Leave the flows the CPU: the machine may have two cores.
				runtime.Gosched()
				if v == 0 && round%10 == 0 {
					if n, err := liveFamiliesWithTwoTokens(db); err != nil || n != 0 {
						a.fail("%d refresh families with two live tokens during the race (%v)", n, err)
					}
				}
				for _, tok := range a.issuedSoFar() {
					s := a.seq.Add(1)
					subject, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(tok.value))
					switch {
					case err == nil && subject.ID != tok.owner:
						a.fail("token of %s authenticated as %s", tok.owner, subject.ID)
					case err != nil && !errors.Is(err, authn.ErrTokenRevoked):
						a.fail("authenticate: %v", err)
					}
					seen[v] = append(seen[v], authentication{token: tok, start: s, err: err})
				}
			}
		}()
	}

	close(start)
	flows.Wait()
	done.Store(true)
	verifying.Wait()
	for _, err := range a.errs {
		assert.NoError(t, err)
	}
	require.NotZero(t, revokeEnd.Load(), "RevokeAll returned")

	// Racing refreshes of one token: the store lets one rotation through
	// and takes the others for reuse, which revokes the family; the
	// winner's pair is withheld if the revocation came before its check,
	// so at most one refresh succeeds, and the family is dead.
	for f := range families {
		wins, reuses := 0, 0
		var winner account.TokenPair
		for p, err := range refreshErrs[f] {
			switch {
			case err == nil:
				wins++
				winner = refreshed[f][p]
			case errors.Is(err, authn.ErrTokenReused):
				reuses++
			default:
				assert.ErrorIs(t, err, authn.ErrTokenRevoked, "family %d: a late presenter finds the family revoked", f)
			}
		}
		require.LessOrEqual(t, wins, 1, "family %d: at most one refresh succeeds", f)
		assert.GreaterOrEqual(t, reuses, 1, "family %d: a loser is reuse", f)
		if wins == 1 {
			_, err := r.Refresh(ctx, winner.RefreshToken.Reveal())
			assert.ErrorIs(t, err, authn.ErrTokenRevoked, "family %d: the winner's token died with its family", f)
		}
		_, err := r.Refresh(ctx, stolen[f].RefreshToken.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenRevoked, "family %d: the presented token stays dead", f)
	}
	twice, err := liveFamiliesWithTwoTokens(db)
	require.NoError(t, err)
	assert.Zero(t, twice, "no refresh family has two live tokens")

	// Authentications after a logout or RevokeAll returned. One message per
	// token is enough to read.
	var afterLogout, afterRevokeAll int
	failed := map[*issued]bool{}
	for _, auths := range seen {
		for _, au := range auths {
			tok := au.token
			var wrong string
			if out := tok.loggedOut.Load(); out != 0 && au.start > out {
				afterLogout++
				if !errors.Is(au.err, authn.ErrTokenRevoked) {
					wrong = fmt.Sprintf("authenticated at %d, after its logout returned at %d: %v", au.start, out, au.err)
				}
			}
			if tok.owner == carol && tok.family < revokeStart.Load() && au.start > revokeEnd.Load() {
				afterRevokeAll++
				if !errors.Is(au.err, authn.ErrTokenRevoked) {
					wrong = fmt.Sprintf("issued at %d in a family begun at %d, authenticated at %d, after RevokeAll returned at %d: %v",
						tok.at, tok.family, au.start, revokeEnd.Load(), au.err)
				}
			}
			if wrong != "" && !failed[tok] {
				failed[tok] = true
				t.Errorf("%s's token %s", tok.owner, wrong)
			}
		}
	}
	t.Logf("%d authentications after a logout returned, %d after RevokeAll returned", afterLogout, afterRevokeAll)

	// And after the race, from a single goroutine.
	for _, tok := range a.issuedSoFar() {
		_, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(tok.value))
		if tok.loggedOut.Load() != 0 || (tok.owner == carol && tok.family < revokeStart.Load()) {
			assert.ErrorIs(t, err, authn.ErrTokenRevoked)
		}
	}
	for _, pair := range loggedOut {
		_, err := r.Refresh(ctx, pair.RefreshToken.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenRevoked, "the family ended at logout")
	}
	for _, pair := range carols {
		_, err := r.Refresh(ctx, pair.RefreshToken.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenRevoked, "RevokeAll ended carol's families")
	}
	for c, pair := range lastLink {
		next, err := r.Refresh(ctx, pair.RefreshToken.Reveal())
		require.NoError(t, err, "chain %d: the last link is live", c)
		s, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(next.AccessToken.Reveal()))
		require.NoError(t, err)
		assert.Equal(t, bob, s.ID)
	}
	pair, err := r.Login(ctx, carolEmail, carolPassword, "")
	require.NoError(t, err, "RevokeAll does not stop carol logging in again")
	_, err = r.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	assert.NoError(t, err, "nor the tokens issued after it")
}

// liveFamiliesWithTwoTokens counts the refresh families with more than one
// token neither used nor revoked.
func liveFamiliesWithTwoTokens(db *gorm.DB) (int64, error) {
	var n int64
	err := db.Raw(`SELECT COUNT(*) FROM (SELECT family_id FROM gatehouse_refresh_tokens
		WHERE used_at IS NULL AND revoked_at IS NULL GROUP BY family_id HAVING COUNT(*) > 1) AS live`).Scan(&n).Error
	return n, err
}

// TestRefreshRacingRevokeAll pins the one interleaving of a Refresh and a
// RevokeAll that a random race rarely hits: RevokeAll runs entirely between
// the refresh token's rotation and the signing of the access token, so the
// access token reads the generation RevokeAll raised. The Refresh must hand
// out nothing; handed out, the access token would outlive RevokeAll until
// it expired.
func TestRefreshRacingRevokeAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	bob := r.register(t, bobEmail, bobPassword)
	pair, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)

	// The racing Service signs access tokens with an issuer whose clock
	// runs RevokeAll the first time it is read, inside Refresh.
	var raced atomic.Bool
	var revokeErr error
	key, err := token.HS256("k1", accessKey)
	require.NoError(t, err)
	racingTokens, err := token.New(token.Config{
		Issuer: "gatehouse-test", Keys: []token.Key{key}, Revocations: r.cfg.Revocations,
		Now: func() time.Time {
			if raced.CompareAndSwap(false, true) {
				revokeErr = r.RevokeAll(ctx, bob)
			}
			return r.clock.Now()
		},
	})
	require.NoError(t, err)
	cfg := r.cfg
	cfg.Tokens = racingTokens
	racing, err := account.New(cfg)
	require.NoError(t, err)

	next, err := racing.Refresh(ctx, pair.RefreshToken.Reveal())
	require.True(t, raced.Load(), "RevokeAll ran inside Refresh")
	require.NoError(t, revokeErr)
	require.ErrorIs(t, err, authn.ErrTokenRevoked, "the refresh raced RevokeAll and hands out nothing")
	assert.Empty(t, next.AccessToken.Reveal())
	assert.Empty(t, next.RefreshToken.Reveal())

	// Everything bob held before is dead; a new login works.
	_, err = r.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	assert.ErrorIs(t, err, authn.ErrTokenRevoked)
	fresh, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	_, err = r.Authenticator().Authenticate(ctx, authntest.Bearer(fresh.AccessToken.Reveal()))
	assert.NoError(t, err)
}
