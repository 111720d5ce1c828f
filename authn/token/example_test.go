package token_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/memstore"
)

// exampleNow is a fixed clock, so that the examples print the same times
// every run.
func exampleNow() time.Time { return time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC) }

// An Issuer signs with one key and verifies with all of its keys; the key id
// in each token says which.
func ExampleNew() {
	_, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	key, err := token.EdDSA("2030-01", private)
	if err != nil {
		log.Fatal(err)
	}
	issuer, err := token.New(token.Config{
		Issuer:   "https://auth.example.com",
		Audience: []string{"https://api.example.com"},
		Keys:     []token.Key{key},
		Now:      exampleNow,
	})
	if err != nil {
		log.Fatal(err)
	}

	tok, _ := issuer.Issue(context.Background(), "user-42")
	fmt.Println(tok.Subject, tok.ExpiresAt.Format(time.RFC3339))
	fmt.Println(tok.Value) // a Secret prints redacted; Reveal() gives the token

	_, err = token.New(token.Config{Keys: []token.Key{key}})
	fmt.Println(err)
	// Output:
	// user-42 2030-01-02T03:19:05Z
	// [REDACTED]
	// token: Issuer is required: invalid config
}

func ExampleIssuer_Issue() {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	key, _ := token.HS256("hs-1", secret)
	issuer, _ := token.New(token.Config{Issuer: "https://auth.example.com", TTL: 5 * time.Minute, Keys: []token.Key{key}, Now: exampleNow})

	tok, err := issuer.Issue(context.Background(), "user-42")
	if err != nil {
		log.Fatal(err)
	}
	// Hand tok.Value.Reveal() to the client; log tok.ID, never the value.
	fmt.Println(tok.IssuedAt.Format(time.RFC3339), tok.ExpiresAt.Format(time.RFC3339), len(tok.ID))

	_, err = issuer.Issue(context.Background(), "")
	fmt.Println(errors.Is(err, token.ErrInvalidSubject))
	// Output:
	// 2030-01-02T03:04:05Z 2030-01-02T03:09:05Z 22
	// true
}

func ExampleIssuer_Verify() {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	key, _ := token.HS256("hs-1", secret)
	now := exampleNow()
	issuer, _ := token.New(token.Config{Issuer: "https://auth.example.com", Keys: []token.Key{key}, Now: func() time.Time { return now }})
	tok, _ := issuer.Issue(context.Background(), "user-42")

	subject, err := issuer.Verify(context.Background(), tok.Value.Reveal())
	fmt.Println(subject.ID, subject.Method, subject.CredentialID == tok.ID, err)

	now = now.Add(time.Hour)
	_, err = issuer.Verify(context.Background(), tok.Value.Reveal())
	fmt.Println(errors.Is(err, authn.ErrTokenExpired), errors.Is(err, authn.ErrInvalidToken))
	// Output:
	// user-42 bearer true <nil>
	// true true
}

// The Authenticator reads "Authorization: Bearer <token>"; a request without
// one has no credentials, which lets an optional-authentication route treat
// it as anonymous.
func ExampleIssuer_Authenticator() {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	key, _ := token.HS256("hs-1", secret)
	issuer, _ := token.New(token.Config{Issuer: "https://auth.example.com", Keys: []token.Key{key}, Now: exampleNow})
	tok, _ := issuer.Issue(context.Background(), "user-42")
	auth := issuer.Authenticator()

	subject, err := auth.Authenticate(context.Background(), authntest.Bearer(tok.Value.Reveal()))
	fmt.Println(subject.ID, err)
	_, err = auth.Authenticate(context.Background(), authntest.Request{})
	fmt.Println(errors.Is(err, authn.ErrNoCredentials))
	_, err = auth.Authenticate(context.Background(), authntest.Bearer("not-a-token"))
	fmt.Println(errors.Is(err, authn.ErrInvalidToken))
	// Output:
	// user-42 <nil>
	// true
	// true
}

func ExampleParseBearer() {
	for _, header := range []string{"Bearer abc.def.ghi", "Basic Ym9iOnB3", "Bearer a b"} {
		raw, err := token.ParseBearer(header)
		fmt.Printf("%q %v\n", raw, err)
	}
	// Output:
	// "abc.def.ghi" <nil>
	// "" bearer: no credentials
	// "" bearer: malformed Authorization header: invalid token
}

// Signing a user out everywhere revokes every token issued to them so far;
// the tokens of their next login are good. The revocations here are kept
// in memory (package memstore); gormstore and redisstore keep them where
// several processes share them, and plug in the same way.
func ExampleRevocations_RevokeSubject() {
	ctx := context.Background()
	revocations := memstore.New(memstore.Config{})
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	key, _ := token.HS256("hs-1", secret)
	issuer, _ := token.New(token.Config{Issuer: "https://auth.example.com", Keys: []token.Key{key}, Revocations: revocations})

	stolen, _ := issuer.Issue(ctx, "user-42")
	if err := revocations.RevokeSubject(ctx, "user-42"); err != nil {
		log.Fatal(err)
	}
	fresh, _ := issuer.Issue(ctx, "user-42")

	_, err := issuer.Verify(ctx, stolen.Value.Reveal())
	fmt.Println(errors.Is(err, authn.ErrTokenRevoked))
	_, err = issuer.Verify(ctx, fresh.Value.Reveal())
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}

// Access tokens issued with a refresh family carry its id, and die with
// it: when the family's refresh token turns out stolen, so do the access
// tokens its rotations gave.
func ExampleRevocations_RevokeFamily() {
	ctx := context.Background()
	revocations := memstore.New(memstore.Config{})
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	key, _ := token.HS256("hs-1", secret)
	issuer, _ := token.New(token.Config{Issuer: "https://auth.example.com", Keys: []token.Key{key}, Revocations: revocations})

	phone, _ := issuer.Issue(ctx, "user-42", token.Family("family-of-the-phone"))
	laptop, _ := issuer.Issue(ctx, "user-42", token.Family("family-of-the-laptop"))
	// The phone's refresh family was revoked: its access tokens go too,
	// until the last one the family could have obtained would expire.
	if err := revocations.RevokeFamily(ctx, "family-of-the-phone", "user-42", issuer.LatestExpiry()); err != nil {
		log.Fatal(err)
	}

	_, err := issuer.Verify(ctx, phone.Value.Reveal())
	fmt.Println(errors.Is(err, authn.ErrTokenRevoked))
	_, err = issuer.Verify(ctx, laptop.Value.Reveal())
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}

// In an application with tenants, a token may say which organization its
// caller works in, for guard.TenantFromClaim("org"): list the claim in
// CustomClaims and stamp it with Claim. The policy still decides whether
// the caller is a member there; claims that carry authorization are
// refused.
func ExampleClaim() {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	key, _ := token.HS256("hs-1", secret)
	issuer, _ := token.New(token.Config{Issuer: "https://auth.example.com", Keys: []token.Key{key},
		CustomClaims: []string{"org"}, Now: exampleNow})
	ctx := context.Background()

	tok, _ := issuer.Issue(ctx, "user-42", token.Claim("org", "acme/eu"))
	subject, _ := issuer.Verify(ctx, tok.Value.Reveal())
	fmt.Println(subject.ID, subject.Claims["org"])

	_, err := issuer.Issue(ctx, "user-42", token.Claim("roles", "admin"))
	fmt.Println(errors.Is(err, token.ErrInvalidClaim))
	// Output:
	// user-42 acme/eu
	// true
}
