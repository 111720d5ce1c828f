package purpose_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// A token verifies only as it was issued: its signature covers its first
// two segments as written, and every accepted token is three segments of
// canonical base64url, so no change to its bytes — a line break, padding,
// non-canonical trailing bits — yields another accepted token. (The
// issued token itself differs between the fuzzing processes, its id being
// random, so acceptance is judged by spelling, not by equality.) Whatever
// else Verify is given, it never panics and refuses it with an error
// matching authn.ErrInvalidToken.
func FuzzVerifyTamperedToken(f *testing.F) {
	ctx := context.Background()
	clock := authntest.NewClock(start)
	tokens, err := purpose.New(usedStore(f, testdb.SQLite.New(f).Open(f)),
		purpose.Config{Purpose: purpose.PasswordReset, Key: resetKey, Issuer: issuer, Now: clock.Now})
	if err != nil {
		f.Fatal(err)
	}
	issued, err := tokens.Issue(ctx, "bob", "")
	if err != nil {
		f.Fatal(err)
	}
	clock.Advance(time.Minute)
	good := issued.Value.Reveal()
	head, sig := good[:strings.LastIndexByte(good, '.')+1], good[strings.LastIndexByte(good, '.')+1:]
	for _, seed := range []string{
		good,
		head + sig[:10] + "\n" + sig[10:],
		head + sig[:len(sig)-1] + "\r" + sig[len(sig)-1:],
		head + sig + "=",
		good + "\n",
		head[:10] + "\n" + head[10:] + sig,
		"", "a.b.c", strings.Repeat(".", purpose.MaxTokenLength+1),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		subject, err := tokens.Verify(ctx, raw, nil)
		switch {
		case err == nil && !canonical(raw):
			t.Fatalf("a token not spelled as issued was accepted: %q", raw)
		case err == nil && subject != "bob":
			t.Fatalf("the issued token gave subject %q", subject)
		case err != nil && raw == good:
			t.Fatalf("the issued token was refused: %v", err)
		case err != nil && !errors.Is(err, authn.ErrInvalidToken):
			t.Fatalf("refused without authn.ErrInvalidToken: %v", err)
		}
	})
}

// canonical reports whether raw is three segments, each the one base64url
// spelling of what it decodes to.
func canonical(raw string) bool {
	segments := strings.Split(raw, ".")
	for _, s := range segments {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || base64.RawURLEncoding.EncodeToString(b) != s {
			return false
		}
	}
	return len(segments) == 3
}
