package gatehouse_test

// These tests check, across every package, two rules a secret must follow:
// it is never shorter than 32 bytes (256 bits), and it is only ever
// compared in constant time. Each package tests its own secrets in detail;
// here the rules are checked in one place, so that a new secret, or a new
// comparison, cannot slip past them.

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	purposegorm "github.com/gatehouse-go/gatehouse/authn/purpose/gormstore"
	authtoken "github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/casbinwatch"
)

// TestShortSecretsAreRefused gives every place that takes a secret one byte
// less than 32, then exactly 32: the first is refused with an error saying
// the secret is too weak, the second accepted.
func TestShortSecretsAreRefused(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	hub := watch.NewLocal()
	t.Cleanup(func() { hub.Close() })
	argon2id, err := password.NewArgon2id(password.DefaultArgon2idParams)
	require.NoError(t, err)

	cases := []struct {
		name string
		use  func(secret []byte) error
		weak error
		// optional: no secret at all is a choice, not a weak secret.
		optional bool
	}{
		{"token.HS256 signing secret", func(secret []byte) error {
			_, err := authtoken.HS256("k1", secret)
			return err
		}, authn.ErrWeakSecret, false},
		{"purpose.Config.Key", func(secret []byte) error {
			_, err := purpose.New(purposeStore(t, db), purpose.Config{Purpose: purpose.PasswordReset, Key: secret, Issuer: "gatehouse-test"})
			return err
		}, authn.ErrWeakSecret, false},
		{"password.Peppered pepper", func(secret []byte) error {
			_, err := password.Peppered(argon2id, secret)
			return err
		}, authn.ErrWeakSecret, false},
		{"casbinwatch.Config.Key", func(secret []byte) error {
			w, err := casbinwatch.New(hub, "secrets-test", casbinwatch.Config{Key: secret, Timeout: 10 * time.Second})
			if err == nil {
				w.Close()
			}
			return err
		}, watch.ErrWeakKey, true}, // nil: messages are not sealed
		{"watch.Open sealing key", func(secret []byte) error {
			_, err := watch.Open(secret, watch.Seal(secret, `{"rev":1}`))
			return err
		}, watch.ErrWeakKey, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, tc.use(randomSecret(t, 31)), tc.weak, "31 bytes")
			if !tc.optional {
				assert.ErrorIs(t, tc.use(nil), tc.weak, "none at all")
			}
			assert.ErrorIs(t, tc.use([]byte{}), tc.weak, "empty")
			assert.NoError(t, tc.use(randomSecret(t, 32)), "32 bytes")
		})
	}

	t.Run("token.RS256 key under 2048 bits", func(t *testing.T) {
		weak, err := rsa.GenerateKey(rand.Reader, 1024)
		require.NoError(t, err)
		_, err = authtoken.RS256("k1", weak)
		assert.ErrorIs(t, err, authn.ErrWeakSecret)
	})
}

func randomSecret(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

// secretName matches the names of values that hold secrets or their
// digests, or of the functions that compute them: hashes, MACs, CSRF
// tokens, keys, passwords, seals, signatures.
var secretName = regexp.MustCompile(`(?i)hash|mac|csrf|secret|digest|signature|seal|password|passwd|token|key`)

// notSecrets are comparisons the scan flags by name that compare no
// secret, each with the reason, by file and the comparison as printed.
var notSecrets = map[string]string{
	"authn/totp/seal.go: sealed != sealVersion":                        "the version byte that starts a sealed TOTP secret, which is public",
	"authz/model.go: Equal(Tokens, plain)":                             "the tokens of a Casbin model's request definition",
	"authz/model.go: Equal(Tokens, tenants)":                           "the tokens of a Casbin model's request definition, with tenants",
	"authz/model.go: Equal(Tokens, grant)":                             "the tokens of a Casbin model's policy definition",
	"authn/token/verify.go: EqualFold(typ, TokenType)":                 "the typ header of a JWT, which is public",
	"authn/throttle/internal/storecall/storecall.go: key == earlier":   "a throttle key names an account or a client address, which is no secret: a store refuses one given twice",
	"authz/index.go: hash == hash":                                     "the decision index's hash of a tenant's name, which is no secret, finding the tenant's grants",
	"authz/index.go: tenantHash == hash":                               "the decision index's hash of a tenant's name, which is no secret, finding the tenant's grants",
	"authz/index.go: key == key":                                       "a grant's permission or resource in the decision index, which is no secret",
	"authz/index_shard.go: slotHash() == slotHash()":                   "the decision index's hash of a subject's or role's name, which is no secret, finding its record",
	"authz/table.go: hash == hash":                                     "the hash of a name in one of the index's tables, which is no secret, finding its slot",
	"authz/index.go: key() == g":                                       "a grant without its expiry, a policy line, which is no secret",
	"authz/index_closure.go: keyID != ids":                             "the id of a grant's permission in the decision index, which is no secret, in a test's check of the closures",
	"authz/edit.go: key() == g":                                        "a grant without its expiry, a policy line, which is no secret",
	"authz/index_closure.go: key == key":                               "a grant's permission or resource in a role's closure, which is no secret",
	"authz/policy_dedup.go: hash == hash":                              "the hash of a policy line's values, which are no secret, finding a repeated line",
	"authz/index_closure.go: hash != hash":                             "the hash of a role's name, which is no secret, in a test's check of the closures",
	"authz/relation_index.go: subjectHash == hash":                     "the relation index's hash of a subject's name, which is no secret, finding its relations",
	"authz/relation_index.go: slotHash() == slotHash()":                "the relation index's hash of a resource's name, which is no secret, finding its record",
	"console/console.go: CanonicalHeaderKey() == CanonicalHeaderKey()": "the name of the header the session manager reads its CSRF token from, which is public",
	"console/edits.go: name != csrfField":                              "a form field's name, which is public, to leave the CSRF token out of the values a page shows again",
}

// TestSecretComparisonsAreConstantTime reads every Go file of the module
// except tests and test-support packages and flags each ==, !=, bytes.Equal, strings.EqualFold or
// reflect.DeepEqual whose operand is named like a secret (secretName):
// such comparisons return as soon as a byte differs, and the time they
// take tells an attacker how much of a guess was right. Secrets are
// compared with crypto/subtle or hmac.Equal instead. Comparisons with nil,
// "" and literals are not flagged.
func TestSecretComparisonsAreConstantTime(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	var flagged []string
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// Test-support packages (authntest, blogtest, …) compare what a
		// test expects with what it got, not secrets an attacker probes.
		if d.IsDir() && path != "." && (d.Name() == "testdata" || strings.HasSuffix(d.Name(), "test") || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		path = filepath.ToSlash(path)
		ast.Inspect(file, func(n ast.Node) bool {
			comparison := secretComparison(n)
			if comparison == "" {
				return true
			}
			key := path + ": " + comparison
			seen[key] = true
			if _, ok := notSecrets[key]; !ok {
				flagged = append(flagged, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), comparison))
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
	assert.Empty(t, flagged, "secrets compared in variable time; use crypto/subtle, or add to notSecrets with the reason")
	for key := range notSecrets {
		assert.True(t, seen[key], "notSecrets lists %q, which no longer exists", key)
	}
}

// secretComparison returns how n compares something named like a secret,
// or "" when it does not.
func secretComparison(n ast.Node) string {
	switch x := n.(type) {
	case *ast.BinaryExpr:
		if x.Op != token.EQL && x.Op != token.NEQ || isPlainValue(x.X) || isPlainValue(x.Y) {
			return ""
		}
		l, r := operandName(x.X), operandName(x.Y)
		if secretName.MatchString(l) || secretName.MatchString(r) {
			return fmt.Sprintf("%s %s %s", l, x.Op, r)
		}
	case *ast.CallExpr:
		sel, ok := x.Fun.(*ast.SelectorExpr)
		if !ok || len(x.Args) != 2 {
			return ""
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok {
			return ""
		}
		switch pkg.Name + "." + sel.Sel.Name {
		case "bytes.Equal", "strings.EqualFold", "reflect.DeepEqual", "slices.Equal":
			l, r := operandName(x.Args[0]), operandName(x.Args[1])
			if secretName.MatchString(l) || secretName.MatchString(r) {
				return fmt.Sprintf("%s(%s, %s)", sel.Sel.Name, l, r)
			}
		}
	}
	return ""
}

// isPlainValue reports nil, literals and lengths, which hold no secret: a
// secret's length is public.
func isPlainValue(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		return x.Name == "nil" || x.Name == "true" || x.Name == "false"
	case *ast.CallExpr:
		fun, ok := x.Fun.(*ast.Ident)
		return ok && (fun.Name == "len" || fun.Name == "cap")
	}
	return false
}

// operandName is the name an operand goes by: the variable, the field, the
// called function ("Seed()"), seen through conversions, indexing and
// dereferences.
func operandName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.IndexExpr:
		return operandName(x.X)
	case *ast.ParenExpr:
		return operandName(x.X)
	case *ast.StarExpr:
		return operandName(x.X)
	case *ast.CallExpr:
		if len(x.Args) == 1 {
			switch fun := x.Fun.(type) {
			case *ast.Ident:
				if fun.Name == "string" {
					return operandName(x.Args[0])
				}
			case *ast.ArrayType:
				return operandName(x.Args[0])
			}
		}
		return operandName(x.Fun) + "()"
	}
	return ""
}

// purposeStore keeps used purpose-token ids in db.
func purposeStore(t testing.TB, db *gorm.DB) purpose.Store {
	t.Helper()
	s, err := purposegorm.New(context.Background(), db)
	require.NoError(t, err)
	return s
}
