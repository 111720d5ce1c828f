package httpadapter_test

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/adaptertest"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// A server that verifies client certificates in its handshake hands them
// to the guard, which authenticates with package clientcert.
func TestClientCertificates(t *testing.T) {
	t.Parallel()
	f := adaptertest.NewCertFixture(t)
	mw, err := httpadapter.New(httpadapter.Config{Guard: f.Guard})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("GET "+adaptertest.CertPath, mw.RequirePermission(permissions.UsersRead)(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			s, _ := httpadapter.SubjectFrom(r.Context())
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(adaptertest.Reply{Subject: s.ID, Method: string(s.Method)})
		})))

	server := httptest.NewUnstartedServer(mw.Authenticate(mux))
	server.TLS = f.ServerTLS
	server.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	server.StartTLS()
	t.Cleanup(server.Close)
	adaptertest.RunCert(t, f, server.URL)
}
