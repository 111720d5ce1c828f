package authntest_test

import (
	"crypto/tls"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
)

func TestRequestTellsItsConnection(t *testing.T) {
	t.Parallel()
	var conn authn.ConnectionCredentials = authntest.Request{}
	assert.Nil(t, conn.TLS(), "no TLS by default")
	assert.Empty(t, conn.RemoteAddr(), "an unknown peer by default")

	state := &tls.ConnectionState{HandshakeComplete: true}
	conn = authntest.Request{ConnectionState: state, Peer: "192.0.2.1:443"}
	assert.Same(t, state, conn.TLS())
	assert.Equal(t, "192.0.2.1:443", conn.RemoteAddr())
}
