package password_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/password"
)

// The SHA-1 of pwnedPassword, split as the range API splits it (computed
// by sha1sum, not by the code under test).
const (
	pwnedPassword = "Tr0ub4dor&3"
	pwnedPrefix   = "87457"
	pwnedSuffix   = "2E7A5AE6A49466A6AC578B98ADBA78C6AA6"
)

// padding is n decoy lines of count 0, as the service adds them.
func padding(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%035X:0\r\n", i+1)
	}
	return b.String()
}

// rangeServer serves handler on a loopback address for the test's lifetime.
func rangeServer(t *testing.T, handler http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv
}

// answering serves body with status 200 to every request.
func answering(t *testing.T, body string) *httptest.Server {
	t.Helper()
	return rangeServer(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = fmt.Fprint(w, body)
	})
}

func newPwned(t *testing.T, cfg password.PwnedPasswordsConfig) *password.PwnedPasswords {
	t.Helper()
	p, err := password.NewPwnedPasswords(cfg)
	require.NoError(t, err)
	return p
}

// assertUnavailable checks that err reports an unavailable service, not a
// rejected password, and gives nothing of the password away.
func assertUnavailable(t *testing.T, breached bool, err error) {
	t.Helper()
	assert.False(t, breached)
	require.ErrorIs(t, err, password.ErrBreachCheckUnavailable)
	assert.NotErrorIs(t, err, password.ErrInvalidPassword)
	assert.NotErrorIs(t, err, password.ErrBreached)
	for _, secret := range []string{pwnedPrefix, pwnedSuffix, pwnedPassword} {
		assert.NotContains(t, err.Error(), secret)
	}
}

func TestPwnedPasswordsSendsOnlyThePrefix(t *testing.T) {
	t.Parallel()
	var (
		mu       sync.Mutex
		requests []*http.Request
		dumps    []string
	)
	srv := rangeServer(t, func(w http.ResponseWriter, r *http.Request) {
		dump, err := httputil.DumpRequest(r, true)
		assert.NoError(t, err)
		mu.Lock()
		requests, dumps = append(requests, r), append(dumps, string(dump))
		mu.Unlock()
		_, _ = fmt.Fprint(w, padding(3)+pwnedSuffix+":42\r\n")
	})

	tests := []struct {
		name      string
		cfg       password.PwnedPasswordsConfig
		path      string
		userAgent string
	}{
		{"defaults", password.PwnedPasswordsConfig{BaseURL: srv.URL}, "/range/" + pwnedPrefix, password.DefaultPwnedPasswordsUserAgent},
		{"mirror under a path", password.PwnedPasswordsConfig{BaseURL: srv.URL + "/hibp/", UserAgent: "blog/1.0"}, "/hibp/range/" + pwnedPrefix, "blog/1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			requests, dumps = nil, nil
			mu.Unlock()
			breached, err := newPwned(t, tt.cfg).Breached(context.Background(), pwnedPassword)
			require.NoError(t, err)
			assert.True(t, breached)

			mu.Lock()
			defer mu.Unlock()
			require.Len(t, requests, 1)
			r := requests[0]
			assert.Equal(t, http.MethodGet, r.Method)
			assert.Equal(t, tt.path, r.URL.Path)
			assert.Empty(t, r.URL.RawQuery)
			assert.Equal(t, "true", r.Header.Get("Add-Padding"))
			assert.Equal(t, tt.userAgent, r.Header.Get("User-Agent"))
			assert.Zero(t, r.ContentLength)
			// Neither the password nor the rest of its hash is anywhere in
			// the request, in either case.
			for _, secret := range []string{pwnedPassword, pwnedSuffix, pwnedSuffix[:10]} {
				assert.NotContains(t, strings.ToUpper(dumps[0]), strings.ToUpper(secret))
			}
		})
	}
}

func TestPwnedPasswordsAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		minCount int
		body     string
		want     bool
	}{
		{"listed", 0, padding(2) + pwnedSuffix + ":3\r\n" + padding(2), true},
		{"listed once", 0, pwnedSuffix + ":1\r\n", true},
		{"listed in lower case", 0, strings.ToLower(pwnedSuffix) + ":3\r\n", true},
		{"listed with LF line ends", 0, "0018A45C4D1DEF81644B54AB7F969B88D65:1\n" + pwnedSuffix + ":3\n", true},
		{"last line without line end", 0, padding(2) + pwnedSuffix + ":3", true},
		{"blank lines are skipped", 0, "\r\n" + pwnedSuffix + ":3\r\n\r\n", true},
		{"not listed", 0, "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2\r\n", false},
		{"only padding", 0, padding(800), false},
		{"its own suffix as padding", 0, pwnedSuffix + ":0\r\n", false},
		{"another suffix sharing 34 digits", 0, pwnedSuffix[:34] + "9:5\r\n", false},
		{"a real answer's size", 0, padding(1000) + pwnedSuffix + ":10434004\r\n", true},
		{"seen fewer times than MinCount", 10, pwnedSuffix + ":9\r\n", false},
		{"seen MinCount times", 10, pwnedSuffix + ":10\r\n", true},
		{"huge count", 0, pwnedSuffix + ":18446744073709551615\r\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := answering(t, tt.body)
			p := newPwned(t, password.PwnedPasswordsConfig{BaseURL: srv.URL, MinCount: tt.minCount})
			got, err := p.Breached(context.Background(), pwnedPassword)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// An answer that is not a list of suffixes is not "not breached": a proxy's
// error page or a truncated body must not turn the check off unnoticed.
func TestPwnedPasswordsMalformedAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
	}{
		{"empty", ""},
		{"only blank lines", "\r\n\r\n"},
		{"HTML page", "<html><body>Welcome to the hotel Wi-Fi</body></html>"},
		{"no colon", pwnedSuffix + "\r\n"},
		{"no count", pwnedSuffix + ":\r\n"},
		{"negative count", pwnedSuffix + ":-1\r\n"},
		{"count with sign", pwnedSuffix + ":+1\r\n"},
		{"count with space", pwnedSuffix + ": 1\r\n"},
		{"count overflows", pwnedSuffix + ":18446744073709551616\r\n"},
		{"suffix too short", pwnedSuffix[:34] + ":1\r\n"},
		{"full hash instead of suffix", pwnedPrefix + pwnedSuffix + ":1\r\n"},
		{"suffix not hex", "G" + pwnedSuffix[1:] + ":1\r\n"},
		{"two colons", pwnedSuffix + ":1:2\r\n"},
		{"good lines, then a bad one", padding(3) + pwnedSuffix + ":3\r\nnonsense\r\n"},
		{"bad line, then the match", "nonsense\r\n" + pwnedSuffix + ":3\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := answering(t, tt.body)
			p := newPwned(t, password.PwnedPasswordsConfig{BaseURL: srv.URL})
			breached, err := p.Breached(context.Background(), pwnedPassword)
			assertUnavailable(t, breached, err)
		})
	}
}

func TestPwnedPasswordsUnavailable(t *testing.T) {
	t.Parallel()
	status := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			// A body that would match, to show that it is not read.
			w.WriteHeader(code)
			_, _ = fmt.Fprint(w, pwnedSuffix+":3\r\n")
		}
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"500", status(http.StatusInternalServerError)},
		{"503", status(http.StatusServiceUnavailable)},
		{"429", status(http.StatusTooManyRequests)},
		{"404", status(http.StatusNotFound)},
		{"204", status(http.StatusNoContent)},
		{"redirect is not followed", func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/elsewhere") {
				_, _ = fmt.Fprint(w, pwnedSuffix+":3\r\n")
				return
			}
			http.Redirect(w, r, "/elsewhere"+r.URL.Path, http.StatusFound)
		}},
		{"oversized answer", func(w http.ResponseWriter, _ *http.Request) {
			// 2 MiB of well-formed lines: a limit on lines or their shape
			// would not stop it; the limit on bytes does.
			_, _ = fmt.Fprint(w, pwnedSuffix+":3\r\n"+strings.Repeat(strings.Repeat("0", 35)+":0\r\n", 2<<20/40))
		}},
		{"connection dropped mid-answer", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "100000")
			_, _ = fmt.Fprint(w, padding(10))
			panic(http.ErrAbortHandler)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := rangeServer(t, tt.handler)
			p := newPwned(t, password.PwnedPasswordsConfig{BaseURL: srv.URL})
			breached, err := p.Breached(context.Background(), pwnedPassword)
			assertUnavailable(t, breached, err)
		})
	}

	t.Run("nothing listening", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		p := newPwned(t, password.PwnedPasswordsConfig{BaseURL: srv.URL})
		breached, err := p.Breached(context.Background(), pwnedPassword)
		assertUnavailable(t, breached, err)
	})
}

// hangingServer accepts requests and answers none until the test ends; it
// reports each request's arrival on the returned channel.
func hangingServer(t *testing.T) (*httptest.Server, <-chan struct{}) {
	t.Helper()
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	srv := rangeServer(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before srv.Close
	return srv, arrived
}

func TestPwnedPasswordsTimeout(t *testing.T) {
	t.Parallel()
	srv, _ := hangingServer(t)
	p := newPwned(t, password.PwnedPasswordsConfig{
		BaseURL: srv.URL,
		Client:  &http.Client{Timeout: 50 * time.Millisecond},
	})
	breached, err := p.Breached(context.Background(), pwnedPassword)
	assertUnavailable(t, breached, err)
}

func TestPwnedPasswordsContextCancellation(t *testing.T) {
	t.Parallel()
	srv, arrived := hangingServer(t)
	p := newPwned(t, password.PwnedPasswordsConfig{BaseURL: srv.URL})

	t.Run("during the request", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-arrived
			cancel()
		}()
		breached, err := p.Breached(ctx, pwnedPassword)
		assertUnavailable(t, breached, err)
		assert.ErrorIs(t, err, context.Canceled)
	})

	t.Run("before the request", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		breached, err := p.Breached(ctx, pwnedPassword)
		assertUnavailable(t, breached, err)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestPwnedPasswordsConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := answering(t, padding(5)+pwnedSuffix+":3\r\n")
	p := newPwned(t, password.PwnedPasswordsConfig{BaseURL: srv.URL})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			pw := pwnedPassword
			if i%2 == 1 {
				pw = fmt.Sprintf("not breached %d", i)
			}
			breached, err := p.Breached(context.Background(), pw)
			assert.NoError(t, err)
			assert.Equal(t, i%2 == 0, breached)
		})
	}
	wg.Wait()
}

func TestNewPwnedPasswordsConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  password.PwnedPasswordsConfig
		ok   bool
	}{
		{"zero value", password.PwnedPasswordsConfig{}, true},
		{"https mirror with a path", password.PwnedPasswordsConfig{BaseURL: "https://hibp.internal.example/v3/"}, true},
		{"http to 127.0.0.1", password.PwnedPasswordsConfig{BaseURL: "http://127.0.0.1:8080"}, true},
		{"http to ::1", password.PwnedPasswordsConfig{BaseURL: "http://[::1]:8080"}, true},
		{"http to localhost", password.PwnedPasswordsConfig{BaseURL: "http://localhost:8080"}, true},
		{"MinCount", password.PwnedPasswordsConfig{MinCount: 100}, true},
		{"UserAgent", password.PwnedPasswordsConfig{UserAgent: "blog/1.0 (+https://blog.example)"}, true},
		{"http elsewhere", password.PwnedPasswordsConfig{BaseURL: "http://api.pwnedpasswords.com"}, false},
		{"http to a private address", password.PwnedPasswordsConfig{BaseURL: "http://10.0.0.8"}, false},
		{"other scheme", password.PwnedPasswordsConfig{BaseURL: "ftp://api.pwnedpasswords.com"}, false},
		{"no scheme", password.PwnedPasswordsConfig{BaseURL: "api.pwnedpasswords.com"}, false},
		{"relative", password.PwnedPasswordsConfig{BaseURL: "/range"}, false},
		{"unparsable", password.PwnedPasswordsConfig{BaseURL: "https://[::1"}, false},
		{"credentials", password.PwnedPasswordsConfig{BaseURL: "https://user:secret@hibp.internal.example"}, false},
		{"query", password.PwnedPasswordsConfig{BaseURL: "https://hibp.internal.example/?key=1"}, false},
		{"empty query", password.PwnedPasswordsConfig{BaseURL: "https://hibp.internal.example/?"}, false},
		{"fragment", password.PwnedPasswordsConfig{BaseURL: "https://hibp.internal.example/#x"}, false},
		{"negative MinCount", password.PwnedPasswordsConfig{MinCount: -1}, false},
		{"newline in UserAgent", password.PwnedPasswordsConfig{UserAgent: "blog\r\nX-Evil: 1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := password.NewPwnedPasswords(tt.cfg)
			if tt.ok {
				require.NoError(t, err)
				assert.NotNil(t, p)
				return
			}
			assert.ErrorIs(t, err, password.ErrInvalidBreachConfig)
			assert.NotContains(t, err.Error(), "secret", "a refused URL's credentials are not repeated")
			assert.Nil(t, p)
		})
	}
}
