package ginadapter_test

import (
	"io"
	"log"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/adaptertest"
	ginadapter "github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// A server that verifies client certificates in its handshake hands them
// to the guard, which authenticates with package clientcert.
func TestClientCertificates(t *testing.T) {
	t.Parallel()
	f := adaptertest.NewCertFixture(t)
	mw, err := ginadapter.New(ginadapter.Config{Guard: f.Guard})
	require.NoError(t, err)
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(mw.Authenticate())
	r.GET(adaptertest.CertPath, mw.RequirePermission(permissions.UsersRead), func(c *gin.Context) {
		s, _ := ginadapter.SubjectFrom(c)
		c.JSON(200, adaptertest.Reply{Subject: s.ID, Method: string(s.Method)})
	})

	server := httptest.NewUnstartedServer(r)
	server.TLS = f.ServerTLS
	server.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	server.StartTLS()
	t.Cleanup(server.Close)
	adaptertest.RunCert(t, f, server.URL)
}
