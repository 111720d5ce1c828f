package gormstore_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// start is where every test clock begins; whole seconds, as JWT times are.
var start = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// newIssuer builds an HS256 Issuer on clk consulting revocations.
func newIssuer(t *testing.T, clk *authntest.Clock, revocations token.Revocations) *token.Issuer {
	t.Helper()
	key, err := token.HS256("hs-1", []byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	i, err := token.New(token.Config{Issuer: "https://auth.example.test", Keys: []token.Key{key}, Revocations: revocations, Now: clk.Now})
	require.NoError(t, err)
	return i
}

// claimsOf decodes the claims of raw.
func claimsOf(t *testing.T, raw string) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// revocationFixture is an Issuer with a Store on a fresh database, all on
// one fake clock; database opens the database again, as another process
// would.
type revocationFixture struct {
	clk         *authntest.Clock
	db          *gorm.DB
	database    testdb.Database
	revocations *gormstore.Store
	issuer      *token.Issuer
}

// newRevocationFixture builds the fixture on a new SQLite file.
func newRevocationFixture(t *testing.T) revocationFixture {
	t.Helper()
	return newRevocationFixtureOn(t, testdb.SQLite)
}

// newRevocationFixtureOn builds the fixture on a new database of backend b.
func newRevocationFixtureOn(t *testing.T, b testdb.Backend) revocationFixture {
	t.Helper()
	f := revocationFixture{clk: authntest.NewClock(start), database: b.New(t)}
	f.db = f.database.Open(t)
	var err error
	f.revocations, err = gormstore.New(context.Background(), f.db, gormstore.Config{Now: f.clk.Now})
	require.NoError(t, err)
	f.issuer = newIssuer(t, f.clk, f.revocations)
	return f
}

func (f revocationFixture) issue(t *testing.T, subject string, opts ...token.IssueOption) token.Token {
	t.Helper()
	tok, err := f.issuer.Issue(context.Background(), subject, opts...)
	require.NoError(t, err)
	return tok
}

func (f revocationFixture) verify(tok token.Token) error {
	_, err := f.issuer.Verify(context.Background(), tok.Value.Reveal())
	return err
}

// revoked asks r whether a token is revoked, failing the test on error.
func revoked(t *testing.T, r token.Revocations, jti, subject, family string, generation int64) bool {
	t.Helper()
	ok, err := r.Revoked(context.Background(), jti, subject, family, generation)
	require.NoError(t, err)
	return ok
}

// heard reports whether r revokes a token and can vouch for it, for
// require.Eventually, whose condition must not fail the test.
func heard(r token.Revocations, jti, subject, family string, generation int64) bool {
	ok, err := r.Revoked(context.Background(), jti, subject, family, generation)
	return ok && err == nil
}

// familyRevoked reports whether r revokes the tokens of family.
func familyRevoked(t *testing.T, r token.Revocations, family string) bool {
	t.Helper()
	return revoked(t, r, "no-such-token", "no-such-subject", family, 0)
}

func countRows(t *testing.T, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.Table(table).Count(&n).Error)
	return n
}
