package session_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/session/memstore"
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
// CSRF token; logout destroys the session. The sessions are kept in a SQL
// database through gormstore; the other examples keep them in memory.
func ExampleManager() {
	db, cleanup := openExampleDB()
	defer cleanup()
	ctx := context.Background()
	store, err := gormstore.New(ctx, db) // creates the table gatehouse_sessions
	if err != nil {
		log.Fatal(err)
	}
	sessions, err := session.New(store, session.Config{})
	if err != nil {
		log.Fatal(err)
	}

	// At login, after the password checked out: the session says so.
	s, err := sessions.Create(ctx, "user-42", "", authn.AMRPassword)
	if err != nil {
		log.Fatal(err)
	}
	cookie := sessions.Cookie(s, true) // http.SetCookie(w, cookie)
	fmt.Println(cookie.Name, cookie.Secure, cookie.HttpOnly, cookie.SameSite == http.SameSiteLaxMode, s.Token)

	browser := map[string]string{cookie.Name: cookie.Value}
	who, err := sessions.Authenticate(ctx, authntest.Request{Cookies: browser})
	fmt.Println(who.ID, who.Method, who.AMR, who.ACR, err)

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
	// __Host-gatehouse_session true true true [REDACTED]
	// user-42 session [pwd] aal1 <nil>
	// true
	// user-42 <nil>
	// true
}

// Passing the cookie the login request carried defeats session fixation: a
// session an attacker planted in the browser dies at the victim's login.
func ExampleManager_Create() {
	ctx := context.Background()
	sessions, err := session.New(memstore.New(), session.Config{})
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

// An application served over plain HTTP on a host other than localhost
// names its cookie without the "__Host-" prefix, which browsers accept only
// with Secure; one mounted under a path prefix scopes the cookie to it.
func ExampleConfig() {
	store := memstore.New()
	sessions, err := session.New(store, session.Config{
		CookieName: "gatehouse_session",
		CookiePath: "/blog",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sessions.ExpiredCookie(false))

	_, err = session.New(store, session.Config{CookiePath: "/blog"})
	fmt.Println(errors.Is(err, session.ErrInvalidConfig))
	// Output:
	// gatehouse_session=; Path=/blog; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax
	// true
}

// A page of the user's sessions marks the one it is served on: Info.ID is
// the CredentialID Authenticate returned for it.
func ExampleManager_List() {
	ctx := context.Background()
	sessions, err := session.New(memstore.New(), session.Config{})
	if err != nil {
		log.Fatal(err)
	}
	laptop, _ := sessions.Create(ctx, "user-42", "")
	if _, err := sessions.Create(ctx, "user-42", ""); err != nil { // the phone
		log.Fatal(err)
	}

	// A request from the laptop.
	who, err := sessions.Authenticate(ctx, authntest.Request{Cookies: map[string]string{sessions.CookieName(): laptop.Token.Reveal()}})
	if err != nil {
		log.Fatal(err)
	}
	infos, err := sessions.List(ctx, who.ID) // never a subject taken from the request
	if err != nil {
		log.Fatal(err)
	}
	for _, info := range infos {
		device := "another device"
		if info.ID == who.CredentialID {
			device = "this device"
		}
		fmt.Println(device, "dies if unused for", info.ExpiresAt.Sub(info.LastSeenAt))
	}
	// Unordered output:
	// this device dies if unused for 30m0s
	// another device dies if unused for 30m0s
}

// "Log out that other device": the user, on their laptop, ends the session
// of a phone they lost, by the id List showed them. Another user cannot end
// it, nor learn that the id exists.
func ExampleManager_DestroyByID() {
	ctx := context.Background()
	sessions, err := session.New(memstore.New(), session.Config{})
	if err != nil {
		log.Fatal(err)
	}
	laptop, _ := sessions.Create(ctx, "user-42", "")
	phone, _ := sessions.Create(ctx, "user-42", "")
	from := func(s session.Session) authntest.Request {
		return authntest.Request{Cookies: map[string]string{sessions.CookieName(): s.Token.Reveal()}}
	}

	err = sessions.DestroyByID(ctx, "user-7", phone.ID)
	fmt.Println("another user:", errors.Is(err, session.ErrSessionNotFound))

	err = sessions.DestroyByID(ctx, "user-42", phone.ID)
	fmt.Println("the owner:", err)
	_, err = sessions.Authenticate(ctx, from(phone))
	fmt.Println("phone:", errors.Is(err, authn.ErrInvalidSession))
	who, err := sessions.Authenticate(ctx, from(laptop))
	fmt.Println("laptop:", who.ID, err)
	// Output:
	// another user: true
	// the owner: <nil>
	// phone: true
	// laptop: user-42 <nil>
}
