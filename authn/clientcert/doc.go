// To authenticate callers by TLS client certificate (mutual TLS) —
// services and devices that hold a certificate from a CA the application
// trusts, rather than a password or a token — build an Authenticator with
// New and put it in guard.Config's Authenticator, alone or in an
// authn.Chain with the other credentials. Package clientcert turns a
// verified certificate into an authn.Subject.
//
// A certificate is trusted in one of two ways.
//
// On a TLS connection to the application, the server's tls.Config verifies
// it in the handshake: set ClientCAs to the CAs of client certificates and
// ClientAuth to tls.VerifyClientCertIfGiven (callers without a certificate
// may use other credentials) or tls.RequireAndVerifyClientCert. Only a
// certificate of the connection's verified chains counts: one the
// handshake took without verifying it (tls.RequestClientCert) is refused,
// never trusted, because anyone can make a certificate naming anyone. A
// certificate that has expired since the connection began is refused too,
// and so is a CA's own certificate, which names no client.
//
// Behind a proxy that terminates TLS, the proxy verifies the certificate
// and forwards it in a header (Config.ForwardedHeader), URL-escaped PEM as
// nginx's $ssl_client_escaped_cert or base64 DER as Traefik's. The header
// is read only on connections from Config.TrustedProxies — anyone else can
// send it, and a certificate is public — and the certificate in it is
// verified again, against Config.Roots, for client authentication, at the
// current time. A request from a trusted proxy is judged by the header
// alone: the certificate of the proxy's own connection to the application
// names the proxy, not its client, and taking it when the header is
// missing would let every client of the proxy in as the proxy.
//
// Which field of the certificate names the client is the application's
// choice, Config.Identity: a SPIFFE ID, a URI, DNS name or email address
// among the subject alternative names, the subject's common name, or the
// whole subject. A certificate that gives the field more than once, or
// not at all, is refused rather than guessed at. Config.Prefix ("svc:")
// keeps certificates from naming users or roles.
//
// The Subject's Method is authn.MethodClientCertificate, its CredentialID
// the certificate's SHA-256 fingerprint (see Fingerprint), and its
// ExpiresAt the certificate's NotAfter, or that of a CA vouching for it
// that expires first. Refusals match authn.ErrInvalidCredentials, which
// the adapters answer with 401; a request without a certificate gets
// authn.ErrNoCredentials, so that a Chain goes on to its next
// authenticator.
//
// Revocation (CRLs, OCSP) is not checked here: the handshake checks what
// its tls.Config's VerifyConnection is told to, and a proxy what it is
// configured to. Short-lived certificates, as SPIFFE issues them, make
// revocation matter less.
package clientcert
