package token_test

import (
	"context"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// borrowed returns s as a string aliasing a buffer that overwrite
// scribbles on, as fasthttp's strings alias request buffers it reuses.
func borrowed(s string) (string, func()) {
	buf := []byte(s)
	overwrite := func() {
		for i := range buf {
			buf[i] = '#'
		}
	}
	return unsafe.String(unsafe.SliceData(buf), len(buf)), overwrite
}

// Revocations keep the ids they are given, as map keys, for as long as
// the tokens live; a caller's buffer reused afterwards must not change
// what is revoked.
func TestRevocationsKeepNoMemoryTheyDoNotOwn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newRevocationFixtureOn(t, testdb.SQLite)
	tok := f.issue(t, "bob")
	carol := f.issue(t, "carol")

	jti, scribbleJTI := borrowed(tok.ID)
	subject, scribbleSubject := borrowed("bob")
	require.NoError(t, f.revocations.RevokeToken(ctx, jti, subject, tok.ExpiresAt))
	scribbleJTI()
	scribbleSubject()
	assert.True(t, f.revocations.IsRevoked(tok.ID, "bob", 0))
	assert.ErrorIs(t, f.verify(tok), authn.ErrTokenRevoked)

	subject, scribbleSubject = borrowed("carol")
	require.NoError(t, f.revocations.RevokeSubject(ctx, subject))
	scribbleSubject()
	assert.ErrorIs(t, f.verify(carol), authn.ErrTokenRevoked, "carol's tokens stay revoked")
	assert.False(t, f.revocations.IsRevoked("other", "#####", 0), "and nobody else's")
}
