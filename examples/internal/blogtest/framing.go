package blogtest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawExchange is what a server made of raw bytes on one connection: the
// responses it sent, in order, and whether it then closed the connection.
type rawExchange struct {
	responses []*response
	closed    bool
}

// quietFor is how long a connection must stay silent after its last
// response to count as kept open.
const quietFor = 2 * time.Second

// sendBytes writes raw on a connection of its own, then reads responses
// until the server closes the connection or stays quiet for quietFor.
func sendBytes(t *testing.T, addr, raw string) rawExchange {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte(raw))
	require.NoError(t, err)
	var ex rawExchange
	br := bufio.NewReader(conn)
	for {
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(quietFor)))
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			var timeout net.Error
			ex.closed = !(errors.As(err, &timeout) && timeout.Timeout())
			return ex
		}
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		ex.responses = append(ex.responses, &response{status: res.StatusCode, header: res.Header, body: body})
		if err != nil {
			ex.closed = true
			return ex
		}
	}
}

// framingCase is a request whose framing is ambiguous or malformed.
type framingCase struct {
	name string
	raw  string
	// status is the one response wanted; the server must then close the
	// connection, so that no byte after the head is read as a request.
	status int
}

// framing sends requests a proxy and the server could frame differently
// (request smuggling) or that break HTTP/1.1's rules. Each gets exactly
// one response, the same status on every framework, and the connection is
// closed after it; no response quotes the request.
func (h *hostile) framing(t *testing.T) {
	host := "Host: " + h.addr + "\r\n"
	auth := "Authorization: Bearer " + h.bob + "\r\n"
	cookie := "Cookie: " + h.bobCookie + "\r\n"
	post := "POST /posts HTTP/1.1\r\n" + host + auth + "Content-Type: application/json\r\n"
	body := `{"title":"smuggled","body":"x"}`
	chunk := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body)
	smuggled := "GET /healthz HTTP/1.1\r\n" + host + "\r\n"
	cases := []framingCase{
		{"a bad chunk, then a request in the body", post + "Transfer-Encoding: chunked\r\n\r\nx" + smuggled, http.StatusBadRequest},
		{"chunked body", post + "Transfer-Encoding: chunked\r\n\r\n" + chunk + smuggled, http.StatusBadRequest},
		{"Content-Length and chunked", post + fmt.Sprintf("Content-Length: %d\r\n", len(chunk)) +
			"Transfer-Encoding: chunked\r\n\r\n" + chunk + smuggled, http.StatusBadRequest},
		{"space before the colon of Transfer-Encoding", post + fmt.Sprintf("Content-Length: %d\r\n", len(chunk)) +
			"Transfer-Encoding : chunked\r\n\r\n" + chunk + smuggled, http.StatusBadRequest},
		{"chunked, then identity", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n" + chunk + smuggled,
			http.StatusNotImplemented},
		{"two Content-Lengths that differ", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n" + body + smuggled, http.StatusBadRequest},
		{"no Host", "GET /healthz HTTP/1.1\r\n\r\n", http.StatusBadRequest},
		{"two Hosts", "GET /healthz HTTP/1.1\r\n" + host + host + "\r\n", http.StatusBadRequest},
		{"a space in a header name", "GET /healthz HTTP/1.1\r\n" + host + "X Padding: 1\r\n\r\n", http.StatusBadRequest},
		{"a malformed request line with credentials", "GET /me HTTP/1.1 extra\r\n" + host + auth + cookie + "\r\n", http.StatusBadRequest},
		{"an unknown HTTP version with credentials", "GET /me HTTP/7.0\r\n" + host + auth + cookie + "\r\n", http.StatusHTTPVersionNotSupported},
	}
	secrets := []string{h.bob, strings.SplitN(h.bobCookie, "=", 2)[1], h.addr}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ex := sendBytes(t, h.addr, c.raw)
			require.Len(t, ex.responses, 1, "want one response; the rest of the bytes must not be served as a request")
			r := ex.responses[0]
			assert.Equal(t, c.status, r.status, "body %s", r.brief())
			assert.True(t, ex.closed, "the connection must be closed after an ambiguous or malformed request")
			for _, secret := range secrets {
				assert.NotContains(t, string(r.body), secret, "a refusal quotes the request")
			}
		})
	}
}

// consistency sends requests that frameworks route differently by
// default; every example answers them alike.
func (h *hostile) consistency(t *testing.T) {
	cases := []struct {
		name   string
		req    rawRequest
		status int
		code   string
	}{
		{"HEAD of a route the caller may not use", rawRequest{method: "HEAD", target: "/admin/users",
			header: [][2]string{bearer(h.bob)}}, http.StatusForbidden, ""},
		{"HEAD of an allowed route", rawRequest{method: "HEAD", target: "/admin/users",
			header: [][2]string{bearer(h.alice)}}, http.StatusOK, ""},
		{"an unknown method, anonymous", rawRequest{method: "BREW", target: "/me"}, http.StatusNotImplemented, "not_implemented"},
		{"an unknown method with credentials", rawRequest{method: "PURGE", target: "/admin/users",
			header: [][2]string{bearer(h.alice)}}, http.StatusNotImplemented, "not_implemented"},
		{"an encoded slash", rawRequest{method: "GET", target: "/admin%2fusers",
			header: [][2]string{bearer(h.alice)}}, http.StatusNotFound, "not_found"},
		{"an encoded slash, anonymous", rawRequest{method: "GET", target: "/admin%2Fusers"}, http.StatusUnauthorized, "unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := sendRaw(h.addr, c.req)
			require.NoError(t, err)
			assert.Equal(t, c.status, r.status, "body %s", r.brief())
			if c.req.method == "HEAD" {
				assert.Empty(t, r.body)
			}
			if c.code != "" {
				assert.Equal(t, c.code, r.errorCode(), "body %s", r.brief())
			}
		})
	}
}

// slowHeaders checks that a client sending its headers too slowly is cut
// off, on every framework, after the servers' read timeout.
func (h *hostile) slowHeaders(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the servers' read timeout")
	}
	conn, err := net.DialTimeout("tcp", h.addr, 10*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: " + h.addr + "\r\nX-Slow: "))
	require.NoError(t, err)
	start := time.Now()
	// The examples' servers allow 10 s for a request's head.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(20*time.Second)))
	_, err = io.ReadAll(conn)
	var timeout net.Error
	if errors.As(err, &timeout) && timeout.Timeout() {
		t.Fatalf("the connection is still open after %v", time.Since(start).Round(time.Second))
	}
	assert.Less(t, time.Since(start), 15*time.Second)
}
