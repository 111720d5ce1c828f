package revocationtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/token"
)

// model is what a revocation list must answer: the latest expiry of each
// revoked token and family, and each subject's generation.
type model struct {
	tokens, families map[string]time.Time
	generations      map[string]int64
}

func newModel() *model {
	return &model{tokens: map[string]time.Time{}, families: map[string]time.Time{}, generations: map[string]int64{}}
}

func keepLater(m map[string]time.Time, id string, exp time.Time) {
	if exp.After(m[id]) {
		m[id] = exp
	}
}

// answer returns what a list must say of a token at now: must, when a
// revocation that lasts until now revokes it; may, when one whose time is
// over might (a list may have forgotten it, or not).
func (m *model) answer(now time.Time, jti, subject, family string, generation int64) (must, may bool) {
	must = generation < m.generations[subject]
	check := func(exp time.Time, ok bool) {
		switch {
		case !ok:
		case exp.Add(token.MaxLeeway).After(now):
			must = true
		default:
			may = true
		}
	}
	exp, ok := m.tokens[jti]
	check(exp, ok)
	if family != "" {
		exp, ok = m.families[family]
		check(exp, ok)
	}
	return must, must || may
}

// A long random sequence of revocations, clock moves and cleanups, made
// through several handles, answers after every step as the model does.
// Every time is whole minutes from the start, so that a revocation still
// live by the suite's clock has at least a minute to live on a server
// that counts time to live in real time.
func testLongSequence(t *testing.T, e *env) {
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	handles := []token.Revocations{e.open(t), e.open(t), e.open(t)}
	m := newModel()
	pick := func(prefix string, n int) string { return fmt.Sprintf("%s%d", prefix, rng.IntN(n)) }
	minutes := func(lo, hi int) time.Duration { return time.Duration(lo+rng.IntN(hi-lo+1)) * time.Minute }

	const steps = 300
	for step := range steps {
		h := handles[rng.IntN(len(handles))]
		var did string
		switch op := rng.IntN(10); {
		case op < 3:
			jti, subject, exp := pick("jti-", 8), pick("user-", 4), e.clk.Now().Add(minutes(-20, 40))
			require.NoError(t, h.RevokeToken(ctx, jti, subject, exp), "step %d", step)
			keepLater(m.tokens, jti, exp)
			did = fmt.Sprintf("RevokeToken(%s, %s, now%+v)", jti, subject, exp.Sub(e.clk.Now()))
		case op < 5:
			family, subject, exp := pick("fam-", 6), pick("user-", 4), e.clk.Now().Add(minutes(-20, 40))
			require.NoError(t, h.RevokeFamily(ctx, family, subject, exp), "step %d", step)
			keepLater(m.families, family, exp)
			did = fmt.Sprintf("RevokeFamily(%s, %s, now%+v)", family, subject, exp.Sub(e.clk.Now()))
		case op < 7:
			subject := pick("user-", 4)
			require.NoError(t, h.RevokeSubject(ctx, subject), "step %d", step)
			m.generations[subject]++
			did = fmt.Sprintf("RevokeSubject(%s)", subject)
		case op < 8:
			d := minutes(0, 12)
			e.clk.Advance(d)
			did = fmt.Sprintf("Advance(%v)", d)
		case op < 9:
			cleanup(t, h)
			did = "Cleanup"
		default:
			did = "nothing"
		}

		// Ask a handle, caught up with the others, about a token that is
		// likely to have been revoked one way or another.
		asked := e.sync(t, handles[rng.IntN(len(handles))])
		jti, subject := pick("jti-", 10), pick("user-", 5)
		family := ""
		if rng.IntN(3) > 0 {
			family = pick("fam-", 8)
		}
		gen := m.generations[subject] - 1 + int64(rng.IntN(3))
		got := revoked(t, asked, jti, subject, family, gen)
		must, may := m.answer(e.clk.Now(), jti, subject, family, gen)
		if must && !got || !may && got {
			t.Fatalf("step %d, after %s: Revoked(%s, %s, %q, %d) = %v, want %v (may %v)", step, did, jti, subject, family, gen, got, must, may)
		}
		require.Equal(t, m.generations[subject], generation(t, asked, subject), "step %d, after %s: Generation(%s)", step, did, subject)
	}
}
