package blogtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// rawRequest is a request written byte for byte, as no well-behaved client
// would: repeated headers, control and non-UTF-8 bytes, unclean paths.
type rawRequest struct {
	method string
	// target is the request target exactly as sent: "/posts/../admin/users".
	target string
	// header lines, in order, repeats allowed.
	header [][2]string
	// body, sent with its Content-Length when not nil.
	body []byte
}

// sendRaw writes req on a connection of its own and reads the response.
// The body is written while the response is read, so that a server which
// answers before reading a large body (413) is heard rather than seen as
// a failed write.
func sendRaw(addr string, req rawRequest) (*response, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		return nil, err
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.method, req.target, addr)
	for _, h := range req.header {
		head.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	if req.body != nil {
		head.WriteString("Content-Length: " + strconv.Itoa(len(req.body)) + "\r\n")
	}
	head.WriteString("Connection: close\r\n\r\n")
	written := make(chan struct{})
	go func() {
		defer close(written)
		if _, err := conn.Write(head.Bytes()); err == nil {
			_, _ = conn.Write(req.body) // fails when the server refuses the body early
		}
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: req.method})
	if err != nil {
		_ = conn.Close()
		<-written
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	_ = conn.Close()
	<-written
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	return &response{status: res.StatusCode, header: res.Header, body: b, cookies: res.Cookies()}, nil
}

// asRequest is req as an *http.Request carrying its headers, for
// contractViolations, which reads the presented credentials.
func (req rawRequest) asRequest() *http.Request {
	r := &http.Request{Method: req.method, Header: http.Header{}}
	for _, h := range req.header {
		r.Header[http.CanonicalHeaderKey(h[0])] = append(r.Header[http.CanonicalHeaderKey(h[0])], h[1])
	}
	return r
}
