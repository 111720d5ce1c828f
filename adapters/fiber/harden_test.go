package fiberadapter_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/recover"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/adaptertest"
	fiberadapter "github.com/gatehouse-go/gatehouse/adapters/fiber"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

// hardened serves a hardened Fiber app with a public GET /healthz and a
// POST /echo on a loopback port.
func hardened(t *testing.T) string {
	f := adaptertest.NewFixture(t)
	mw, err := fiberadapter.New(fiberadapter.Config{Guard: f.Guard})
	require.NoError(t, err)
	app := fiber.New(fiber.Config{ErrorHandler: mw.ErrorHandler})
	mw.Harden(app)
	app.Use(recover.New(), mw.Authenticate())
	app.Get("/healthz", func(c fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/public/panic", func(fiber.Ctx) error { panic("a bug in a handler") })
	app.Post("/public/echo", func(c fiber.Ctx) error { return c.Send(c.Body()) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return ln.Addr().String()
}

// roundTrip writes raw and returns the first response, its body, and
// whether the server closed the connection after it.
func roundTrip(t *testing.T, addr, raw string) (*http.Response, string, bool) {
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte(raw))
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(time.Second)))
	_, err = br.ReadByte()
	var timeout net.Error
	closed := err != nil && !(asNetError(err, &timeout) && timeout.Timeout())
	return res, string(body), closed
}

func asNetError(err error, target *net.Error) bool {
	ne, ok := err.(net.Error)
	if ok {
		*target = ne
	}
	return ok
}

func TestHardenRefusesWhatNetHTTPRefuses(t *testing.T) {
	addr := hardened(t)
	host := "Host: " + addr + "\r\n"
	secret := "Authorization: Bearer secret-token-value\r\n"
	tests := []struct {
		name   string
		raw    string
		status int
		code   string
	}{
		{"no Host", "GET /healthz HTTP/1.1\r\n\r\n", 400, guard.CodeInvalidRequest},
		{"two Hosts", "GET /healthz HTTP/1.1\r\n" + host + host + "\r\n", 400, guard.CodeInvalidRequest},
		{"a space in a header name", "GET /healthz HTTP/1.1\r\n" + host + "X Bad: 1\r\n\r\n", 400, guard.CodeInvalidRequest},
		{"a space before the colon", "POST /public/echo HTTP/1.1\r\n" + host + "Content-Length: 5\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400, guard.CodeInvalidRequest},
		{"Content-Length and chunked", "POST /public/echo HTTP/1.1\r\n" + host + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, guard.CodeInvalidRequest},
		{"chunked, then identity", "POST /public/echo HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n", 501, guard.CodeNotImplemented},
		// fasthttp refuses this one itself, as malformed (net/http: 501).
		{"gzip", "POST /public/echo HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400, guard.CodeInvalidRequest},
		{"an unknown method", "BREW /healthz HTTP/1.1\r\n" + host + "\r\n", 501, guard.CodeNotImplemented},
		{"an unknown version", "GET /healthz HTTP/2.0\r\n" + host + secret + "\r\n", 505, guard.CodeVersionNotSupported},
		{"a malformed request line", "GET /healthz HTTP/1.1 x\r\n" + host + secret + "\r\n", 400, guard.CodeInvalidRequest},
		{"two Content-Lengths", "POST /public/echo HTTP/1.1\r\n" + host + secret + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, guard.CodeInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body, closed := roundTrip(t, addr, tt.raw)
			assert.Equal(t, tt.status, res.StatusCode, body)
			var e struct{ Error, Message string }
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Equal(t, tt.code, e.Error)
			assert.NotContains(t, body, "secret-token-value", "a refusal quotes the request")
			assert.True(t, closed, "the connection stays open after a refused head")
		})
	}

	t.Run("a handler's panic is a 503, and the server lives on", func(t *testing.T) {
		res, body, _ := roundTrip(t, addr, "GET /public/panic HTTP/1.1\r\n"+host+"\r\n")
		assert.Equal(t, 503, res.StatusCode, body)
		assert.Contains(t, body, `"error":"unavailable"`)
		assert.NotContains(t, body, "a bug in a handler", "the panic's text is not the client's")
		res, _, _ = roundTrip(t, addr, "GET /healthz HTTP/1.1\r\n"+host+"\r\n")
		assert.Equal(t, 200, res.StatusCode)
	})

	t.Run("a well-formed request passes", func(t *testing.T) {
		res, body, _ := roundTrip(t, addr, "POST /public/echo HTTP/1.1\r\n"+host+"Content-Length: 5\r\n\r\nhello")
		assert.Equal(t, 200, res.StatusCode)
		assert.Equal(t, "hello", body)
		res, body, _ = roundTrip(t, addr, "POST /public/echo HTTP/1.1\r\n"+host+"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
		assert.Equal(t, 200, res.StatusCode)
		assert.Equal(t, "hello", body)
		res, _, _ = roundTrip(t, addr, "GET /healthz HTTP/1.0\r\n\r\n")
		assert.Equal(t, 200, res.StatusCode, "HTTP/1.0 needs no Host")
	})
}
