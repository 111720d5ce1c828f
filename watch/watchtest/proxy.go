package watchtest

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// Proxy forwards TCP connections from a loopback address to a server, and
// plays the failures a test cannot ask of a live server shared with other
// tests: a network that silently drops everything, and a server that
// refuses connections. Point a notifier at Addr instead of the server.
type Proxy struct {
	ln       net.Listener
	target   string
	accepted atomic.Int64
	wg       sync.WaitGroup

	mu    sync.Mutex
	mode  proxyMode
	conns map[net.Conn]struct{}
}

type proxyMode int

const (
	forwarding proxyMode = iota
	blackholing
	refusing
)

// NewProxy starts a proxy to the server at target (host:port) on a free
// loopback port, and stops it when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &Proxy{ln: ln, target: target, conns: make(map[net.Conn]struct{})}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.Close)
	return p
}

// Addr is the address to connect to instead of the server's.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Accepted returns how many connections the proxy has accepted so far,
// forwarded or not: a count of a client's connection attempts.
func (p *Proxy) Accepted() int { return int(p.accepted.Load()) }

// Blackhole makes the network silent: from now on bytes are dropped both
// ways, on open connections and new ones, and no connection is closed, as
// when a cable is pulled or a firewall drops packets. Only a client that
// expects an answer notices.
func (p *Proxy) Blackhole() { p.setMode(blackholing) }

// Refuse closes every connection and closes new ones at once, as a server
// that is down would.
func (p *Proxy) Refuse() {
	p.setMode(refusing)
	p.closeConns()
}

// Restore forwards new connections again. Connections opened before are
// closed: bytes may have been lost on them.
func (p *Proxy) Restore() {
	p.setMode(forwarding)
	p.closeConns()
}

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() {
	_ = p.ln.Close()
	p.closeConns()
	p.wg.Wait()
}

func (p *Proxy) setMode(m proxyMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = m
}

func (p *Proxy) dropping() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode != forwarding
}

func (p *Proxy) closeConns() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

// track remembers conns to close them later, and reports false, having
// closed them, if the proxy refuses connections now.
func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == refusing {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.accepted.Add(1)
		p.mu.Lock()
		mode := p.mode
		p.mu.Unlock()
		switch mode {
		case refusing:
			_ = client.Close()
		case blackholing:
			if p.track(client) {
				p.wg.Add(1)
				go p.pipe(io.Discard, client)
			}
		default:
			p.wg.Add(1)
			go p.forward(client)
		}
	}
}

func (p *Proxy) forward(client net.Conn) {
	defer p.wg.Done()
	server, err := net.DialTimeout("tcp", p.target, Wait)
	if err != nil {
		_ = client.Close()
		return
	}
	if !p.track(client, server) {
		_ = server.Close()
		return
	}
	p.wg.Add(2)
	go p.pipe(server, client)
	go p.pipe(client, server)
}

// pipe copies src to dst while the proxy forwards, and drops what it
// reads otherwise. It closes both when either fails.
func (p *Proxy) pipe(dst io.Writer, src net.Conn) {
	defer p.wg.Done()
	defer src.Close()
	if c, ok := dst.(net.Conn); ok {
		defer c.Close()
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.dropping() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
