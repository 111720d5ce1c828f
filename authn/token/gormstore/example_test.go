package gormstore_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/gormstore"
	"github.com/gatehouse-go/gatehouse/watch"
)

// Revocations kept in a database outlive the process: a token revoked
// before a restart stays revoked after it.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "gatehouse-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	key, _ := token.HS256("hs-1", secret)
	// start is what each start of the process does.
	start := func() (*gormstore.Store, *token.Issuer, func()) {
		db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			log.Fatal(err)
		}
		revocations, err := gormstore.New(ctx, db, gormstore.Config{})
		if err != nil {
			log.Fatal(err)
		}
		issuer, err := token.New(token.Config{Issuer: "https://auth.example.com", Keys: []token.Key{key}, Revocations: revocations})
		if err != nil {
			log.Fatal(err)
		}
		stop := func() {
			if sqlDB, err := db.DB(); err == nil {
				_ = sqlDB.Close()
			}
		}
		return revocations, issuer, stop
	}

	revocations, issuer, stop := start()
	tok, _ := issuer.Issue(ctx, "user-42")
	subject, _ := issuer.Verify(ctx, tok.Value.Reveal())
	// A logout: the token the request was authenticated with.
	if err := revocations.RevokeToken(ctx, subject.CredentialID, subject.ID, subject.ExpiresAt); err != nil {
		log.Fatal(err)
	}
	stop()

	_, issuer, stop = start()
	defer stop()
	_, err = issuer.Verify(ctx, tok.Value.Reveal())
	fmt.Println(errors.Is(err, authn.ErrTokenRevoked))
	// Output:
	// true
}

// Replicas sharing a database and a notifier see each other's revocations
// as they are made. watch.Local carries them between replicas within one
// process; across processes use package watch/pgwatch or watch/rediswatch.
func ExampleNew_replicas() {
	dir, err := os.MkdirTemp("", "gatehouse-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	notifier := watch.NewLocal()
	defer notifier.Close()

	// Each replica has its own connection pool and its own Store.
	var replicas []*gormstore.Store
	for range 2 {
		db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")+"?_pragma=busy_timeout(5000)"), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			log.Fatal(err)
		}
		if sqlDB, err := db.DB(); err == nil {
			defer sqlDB.Close()
		}
		r, err := gormstore.New(ctx, db, gormstore.Config{Notifier: notifier})
		if err != nil {
			log.Fatal(err)
		}
		defer r.Close()
		replicas = append(replicas, r)
	}
	a, b := replicas[0], replicas[1]

	if err := a.RevokeToken(ctx, "token-id-1", "user-42", time.Now().Add(time.Hour)); err != nil {
		log.Fatal(err)
	}
	revoked := func() bool {
		ok, err := b.Revoked(ctx, "token-id-1", "user-42", "", 0)
		return ok && err == nil
	}
	for deadline := time.Now().Add(10 * time.Second); !revoked() && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond) // the message is on its way
	}
	fmt.Println(revoked(), b.Err())

	b.Close()
	_, err = b.Revoked(ctx, "token-id-1", "user-42", "", 0)
	fmt.Println(errors.Is(err, authn.ErrUnavailable), errors.Is(err, watch.ErrUnavailable))
	// Output:
	// true <nil>
	// true true
}
