// Package oidcapi is the HTTP side of logging in at an external OpenID
// provider (package authn/oidclogin): three endpoints, in the
// framework-neutral form of package endpoint, that any adapter mounts —
// begin a login, take the provider's answer and start a gatehouse cookie
// session for the local user, and log out.
//
//	login, _ := oidclogin.New(oidclogin.Config{Providers: providers, Linker: linker})
//	api, _ := oidcapi.New(oidcapi.Config{Login: login, Sessions: auth.Sessions})
//	guardConfig.PublicPaths = append(guardConfig.PublicPaths, api.PublicPaths()...)
//	mw.Mount(mux, api.Routes()...)
//
// A page links to /auth/oidc/{provider}/login?return_to=/where/to/go; the
// browser comes back to return_to signed in, with the session cookie of
// package authn/session, and reads its CSRF token from GET /auth/session.
package oidcapi
