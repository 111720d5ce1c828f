package account_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// unanswering is a revocation list that answers per call and whose backend
// is down, as a Redis list is when Redis is: its Err knows nothing of it.
type unanswering struct{ token.Revocations }

func (unanswering) Err() error { return nil }

func (unanswering) Generation(context.Context, string) (int64, error) {
	return 0, errors.New("connection refused")
}

// A login whose access token cannot be issued leaves no live refresh
// family behind: the refresh token was never handed out.
func TestLoginLeavesNoFamilyWhenTheAccessTokenFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	bob := r.register(t, bobEmail, bobPassword)

	down := unanswering{r.cfg.Revocations}
	key, err := token.HS256("k1", accessKey)
	require.NoError(t, err)
	tokens, err := token.New(token.Config{Issuer: "gatehouse-test", Keys: []token.Key{key}, Revocations: down, Now: r.clock.Now})
	require.NoError(t, err)
	cfg := r.cfg
	cfg.Tokens, cfg.Revocations = tokens, down
	svc, err := account.New(cfg)
	require.NoError(t, err)

	_, err = svc.Login(ctx, bobEmail, bobPassword, "")
	require.ErrorIs(t, err, authn.ErrUnavailable)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)
	families, err := r.cfg.Refresh.Families(ctx, bob)
	require.NoError(t, err)
	assert.Empty(t, families, "the family issued to the failed login is revoked")

	_, err = r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err, "with revocations answering again, the login works")
}
