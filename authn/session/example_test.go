package session_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/session"
)

// openExampleDB opens a throwaway SQLite database; the returned function
// removes it.
func openExampleDB() (*gorm.DB, func()) {
	dir, err := os.MkdirTemp("", "gatehouse-session-example")
	if err != nil {
		log.Fatal(err)
	}
	db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	return db, func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
		_ = os.RemoveAll(dir)
	}
}

// A login sets the cookie; reads need only the cookie; writes also need the
// CSRF token; logout destroys the session.
func ExampleManager() {
	db, cleanup := openExampleDB()
	defer cleanup()
	ctx := context.Background()
	sessions, err := session.New(ctx, db, session.Config{})
	if err != nil {
		log.Fatal(err)
	}

	// At login, after the password checked out.
	s, err := sessions.Create(ctx, "user-42", "")
	if err != nil {
		log.Fatal(err)
	}
	cookie := sessions.Cookie(s, true) // http.SetCookie(w, cookie)
	fmt.Println(cookie.Name, cookie.HttpOnly, cookie.SameSite == http.SameSiteLaxMode, s.Token)

	browser := map[string]string{cookie.Name: cookie.Value}
	who, err := sessions.Authenticate(ctx, authntest.Request{Cookies: browser})
	fmt.Println(who.ID, who.Method, err)

	_, err = sessions.Authenticate(ctx, authntest.Request{HTTPMethod: "POST", Cookies: browser})
	fmt.Println(errors.Is(err, authn.ErrCSRF))

	post := authntest.Request{
		HTTPMethod: "POST",
		Cookies:    browser,
		Headers:    map[string]string{sessions.CSRFHeader(): s.CSRFToken.Reveal()},
	}
	who, err = sessions.Authenticate(ctx, post)
	fmt.Println(who.ID, err)

	// At logout; also send sessions.ExpiredCookie(true).
	if err := sessions.Destroy(ctx, cookie.Value); err != nil {
		log.Fatal(err)
	}
	_, err = sessions.Authenticate(ctx, authntest.Request{Cookies: browser})
	fmt.Println(errors.Is(err, authn.ErrInvalidSession))
	// Output:
	// gatehouse_session true true [REDACTED]
	// user-42 session <nil>
	// true
	// user-42 <nil>
	// true
}

// Passing the cookie the login request carried defeats session fixation: a
// session an attacker planted in the browser dies at the victim's login.
func ExampleManager_Create() {
	db, cleanup := openExampleDB()
	defer cleanup()
	ctx := context.Background()
	sessions, err := session.New(ctx, db, session.Config{})
	if err != nil {
		log.Fatal(err)
	}

	planted, _ := sessions.Create(ctx, "attacker", "")
	victim, err := sessions.Create(ctx, "victim", planted.Token.Reveal())
	if err != nil {
		log.Fatal(err)
	}

	_, err = sessions.Authenticate(ctx, authntest.Request{Cookies: map[string]string{sessions.CookieName(): planted.Token.Reveal()}})
	fmt.Println("planted:", errors.Is(err, authn.ErrInvalidSession))
	who, err := sessions.Authenticate(ctx, authntest.Request{Cookies: map[string]string{sessions.CookieName(): victim.Token.Reveal()}})
	fmt.Println("victim:", who.ID, err)
	// Output:
	// planted: true
	// victim: victim <nil>
}
