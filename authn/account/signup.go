package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

// RegistrationNotifier tells the owner of an email address what SignUp did
// with it, typically by sending mail. Its calls are the only place where a
// new account and a taken email differ, so whatever it does should take
// about the same time either way: queue the mail rather than send it while
// the client waits.
type RegistrationNotifier interface {
	// Registered is called after SignUp created user's account: welcome
	// the owner, with a link carrying verification to prove the address
	// (its Value; the zero Token when Config.EmailVerifications is not
	// set). Give the new user their roles here too. An error undoes the
	// sign-up: the account is deleted, and SignUp fails.
	Registered(ctx context.Context, user users.User, verification purpose.Token) error
	// AlreadyRegistered is called, in place of Registered, when someone
	// signs up with the email of user's existing account, which is left as
	// it was: tell the owner that someone tried to register their address,
	// and that if it was them, they can log in or reset their password.
	AlreadyRegistered(ctx context.Context, user users.User) error
}

// SignUp registers an account without telling the caller whether its email
// already had one. It returns nil for a new email and for a taken one
// alike, after the same work, hashing the password included
// (users.Directory.RegisterOrFind); the owner of the address is told
// which it was through Config.Registrations: Registered, with an
// email-verification token when EmailVerifications is configured, for a
// new account; AlreadyRegistered for an existing one, whose password and
// name stay as they were. Answer the client the same way in both cases
// ("check your email"), so that registration cannot be used to find out
// who has an account, as login cannot.
//
// A form refused (ErrInvalidEmail, password.ErrInvalidPassword,
// ErrInvalidName of package users) is refused with the same error whether
// or not its email is taken, before any hashing. A failing notifier fails
// SignUp with the same error in both cases, and a new account it could not
// welcome is deleted again. Without Config.Registrations SignUp fails with
// ErrNotConfigured.
//
// users.Directory.Register is the other way to register: simpler, and it
// says when an email is taken (users.ErrEmailTaken), which tells anyone who
// tries that the account exists.
func (s *Service) SignUp(ctx context.Context, email, password, name string) error {
	if s.cfg.Registrations == nil {
		return fmt.Errorf("%w: registrations", ErrNotConfigured)
	}
	user, created, err := s.cfg.Users.RegisterOrFind(ctx, email, password, name)
	if err != nil {
		return err
	}
	if !created {
		s.log.InfoContext(ctx, "sign-up with a registered email", "user", user.ID)
		if err := s.cfg.Registrations.AlreadyRegistered(ctx, user); err != nil {
			return fmt.Errorf("account: sign up: tell the owner: %w", err)
		}
		return nil
	}
	if err := s.welcome(ctx, user); err != nil {
		// The account goes, so that the owner, never told of it, can sign
		// up again; the removal must not be cut short with the request.
		if delErr := s.cfg.Users.Delete(context.WithoutCancel(ctx), user.ID); delErr != nil {
			err = errors.Join(err, fmt.Errorf("account: sign up: remove the account: %w", delErr))
		}
		return err
	}
	s.event(ctx, slog.LevelInfo, EventSignedUp, "user", user.ID)
	return nil
}

// welcome issues the new account's verification token, if verification is
// configured, and hands it to the notifier.
func (s *Service) welcome(ctx context.Context, user users.User) error {
	var verification purpose.Token
	if s.cfg.EmailVerifications != nil {
		var err error
		if verification, err = s.cfg.EmailVerifications.Issue(ctx, user.ID, user.Email); err != nil {
			return fmt.Errorf("account: sign up: verification token: %w", err)
		}
	}
	if err := s.cfg.Registrations.Registered(ctx, user, verification); err != nil {
		return fmt.Errorf("account: sign up: tell the owner: %w", err)
	}
	return nil
}
