package purpose_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestConsumeOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		for _, p := range []string{purpose.EmailVerification, purpose.PasswordReset} {
			t.Run(p, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				tokens := newTokens(t, b.Open(t), p, authntest.NewClock(start))
				tok, err := tokens.Issue(ctx, "alice", "")
				require.NoError(t, err)
				other, err := tokens.Issue(ctx, "alice", "")
				require.NoError(t, err)

				subject, err := tokens.Consume(ctx, tok.Value.Reveal(), nil)
				require.NoError(t, err)
				assert.Equal(t, "alice", subject)

				subject, err = tokens.Consume(ctx, tok.Value.Reveal(), nil)
				assert.ErrorIs(t, err, authn.ErrTokenRevoked)
				assert.NotErrorIs(t, err, authn.ErrTokenReused, "reuse of a purpose token revokes nothing else")
				assert.Empty(t, subject)
				_, err = tokens.Verify(ctx, tok.Value.Reveal(), nil)
				assert.ErrorIs(t, err, authn.ErrTokenRevoked)

				_, err = tokens.Consume(ctx, other.Value.Reveal(), nil)
				assert.NoError(t, err, "each token is used once, not each subject")
			})
		}
	})
}

func TestConcurrentConsume(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		database := b.New(t)
		c := authntest.NewClock(start)
		// Two instances on two connection pools, as two processes would be.
		instances := []*purpose.Tokens{
			newTokens(t, database.Open(t), purpose.PasswordReset, c),
			newTokens(t, database.Open(t), purpose.PasswordReset, c),
		}
		tok, err := instances[0].Issue(ctx, "alice", "")
		require.NoError(t, err)

		const attempts = 8
		errs := make([]error, attempts)
		var wg sync.WaitGroup
		for i := range attempts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = instances[i%2].Consume(ctx, tok.Value.Reveal(), nil)
			}()
		}
		wg.Wait()

		succeeded := 0
		for _, err := range errs {
			if err == nil {
				succeeded++
				continue
			}
			assert.ErrorIs(t, err, authn.ErrTokenRevoked)
		}
		assert.Equal(t, 1, succeeded)
	})
}

func TestUsedSetSurvivesRestart(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		database := b.New(t)
		c := authntest.NewClock(start)
		before := newTokens(t, database.Open(t), purpose.PasswordReset, c)
		used, err := before.Issue(ctx, "alice", "")
		require.NoError(t, err)
		unused, err := before.Issue(ctx, "bob", "")
		require.NoError(t, err)
		_, err = before.Consume(ctx, used.Value.Reveal(), nil)
		require.NoError(t, err)

		after := newTokens(t, database.Open(t), purpose.PasswordReset, c)
		_, err = after.Verify(ctx, used.Value.Reveal(), nil)
		assert.ErrorIs(t, err, authn.ErrTokenRevoked)
		_, err = after.Consume(ctx, used.Value.Reveal(), nil)
		assert.ErrorIs(t, err, authn.ErrTokenRevoked)

		subject, err := after.Consume(ctx, unused.Value.Reveal(), nil)
		require.NoError(t, err)
		assert.Equal(t, "bob", subject)
	})
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		tokens := newTokens(t, b.Open(t), purpose.PasswordReset, authntest.NewClock(start))
		tok, err := tokens.Issue(context.Background(), "alice", "")
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()

		_, err = tokens.Verify(ctx, tok.Value.Reveal(), nil)
		assert.ErrorIs(t, err, context.Canceled)
		_, err = tokens.Consume(ctx, tok.Value.Reveal(), nil)
		assert.ErrorIs(t, err, context.Canceled)
		_, err = tokens.Cleanup(ctx)
		assert.ErrorIs(t, err, context.Canceled)

		_, err = tokens.Consume(context.Background(), tok.Value.Reveal(), nil)
		assert.NoError(t, err, "a cancelled Consume uses nothing up")
	})
}
