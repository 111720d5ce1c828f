package fiberadapter_test

import (
	"crypto/tls"
	"net"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/adaptertest"
	fiberadapter "github.com/gatehouse-go/gatehouse/adapters/fiber"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// A server that verifies client certificates in its handshake hands them
// to the guard, which authenticates with package clientcert. Fiber serves
// TLS from a listener of crypto/tls given to app.Listener, whose
// tls.Config sets how client certificates are asked for:
// ListenConfig.CertClientFile would require one of every client
// (tls.RequireAndVerifyClientCert), and refuse those without in the
// handshake.
func TestClientCertificates(t *testing.T) {
	t.Parallel()
	f := adaptertest.NewCertFixture(t)
	mw, err := fiberadapter.New(fiberadapter.Config{Guard: f.Guard})
	require.NoError(t, err)
	app := fiber.New(fiber.Config{ErrorHandler: mw.ErrorHandler})
	app.Use(mw.Authenticate())
	app.Get(adaptertest.CertPath, mw.RequirePermission(permissions.UsersRead), func(c fiber.Ctx) error {
		s, _ := fiberadapter.SubjectFrom(c)
		return c.JSON(adaptertest.Reply{Subject: s.ID, Method: string(s.Method)})
	})

	// Listening before serving: clients wait in the backlog until app
	// accepts them.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() {
		served <- app.Listener(tls.NewListener(ln, f.ServerTLS), fiber.ListenConfig{DisableStartupMessage: true})
	}()
	t.Cleanup(func() {
		assert.NoError(t, app.Shutdown())
		assert.NoError(t, <-served)
	})
	adaptertest.RunCert(t, f, "https://"+ln.Addr().String())
}
