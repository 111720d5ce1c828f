package clientcert

import (
	"errors"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/internal/errkind"
)

// Errors returned by this package, matched with errors.Is. Every
// certificate Authenticate refuses matches ErrInvalidCertificate, and with
// it authn.ErrInvalidCredentials, which adapters answer with 401; a
// request without a certificate gets authn.ErrNoCredentials instead.
var (
	// ErrConfig reports a Config that New cannot use. Nothing is built.
	ErrConfig = errors.New("clientcert: invalid config")

	// ErrInvalidCertificate: a client certificate was presented and
	// refused. The errors below match it too.
	ErrInvalidCertificate = errkind.New("clientcert: invalid client certificate", authn.ErrInvalidCredentials)
	// ErrUnverified: the certificate does not chain to a trusted root — a
	// certificate the TLS handshake received without verifying it
	// (tls.RequestClientCert, tls.RequireAnyClientCert), or a forwarded
	// one that Config.Roots do not vouch for, or that may not be used to
	// authenticate a client.
	ErrUnverified = errkind.New("clientcert: client certificate not verified", ErrInvalidCertificate)
	// ErrExpired: the certificate, or one that vouches for it, is past its
	// NotAfter or before its NotBefore, by Config.Now. A connection
	// verified in its handshake is refused too once its certificate has
	// expired.
	ErrExpired = errkind.New("clientcert: client certificate expired or not yet valid", ErrUnverified)
	// ErrMalformed: the forwarded certificate header is sent more than
	// once, is longer than MaxForwardedSize, or holds no certificate.
	ErrMalformed = errkind.New("clientcert: malformed forwarded certificate", ErrInvalidCertificate)
	// ErrNoIdentity: the certificate is trusted but names no subject id by
	// Config.Identity: the field is missing or given more than once, or
	// the id it gives is not one a policy could name (see MaxIDLength).
	ErrNoIdentity = errkind.New("clientcert: certificate names no usable identity", ErrInvalidCertificate)
)
