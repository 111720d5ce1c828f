package password

import (
	"context"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults of PwnedPasswordsConfig.
const (
	// DefaultPwnedPasswordsURL is the Have I Been Pwned Pwned Passwords
	// service.
	DefaultPwnedPasswordsURL = "https://api.pwnedpasswords.com"
	// DefaultPwnedPasswordsTimeout bounds a whole check, from connecting to
	// reading the answer, when PwnedPasswordsConfig.Client is nil. The
	// service usually answers in well under a second from its CDN.
	DefaultPwnedPasswordsTimeout = 5 * time.Second
	// DefaultPwnedPasswordsUserAgent is the User-Agent sent when
	// PwnedPasswordsConfig.UserAgent is empty.
	DefaultPwnedPasswordsUserAgent = "gatehouse-go"
)

// Shape of the range API's answers.
const (
	// pwnedPrefixLength is how many hex digits of the SHA-1 are sent: 20
	// bits, which every one of the service's roughly 800 to 1,000 hashes
	// sharing them answers.
	pwnedPrefixLength = 5
	// pwnedSuffixLength is the length of each suffix in an answer.
	pwnedSuffixLength = 40 - pwnedPrefixLength
	// maxPwnedResponseBytes bounds the answer read. A padded answer is
	// about 40 KB; a larger one is not the service's, and is refused rather
	// than read into memory.
	maxPwnedResponseBytes = 1 << 20
)

// PwnedPasswordsConfig configures NewPwnedPasswords. The zero value asks
// the public service with a 5-second timeout.
type PwnedPasswordsConfig struct {
	// BaseURL is where the range API lives: requests go to
	// BaseURL + "/range/" + prefix. "" means DefaultPwnedPasswordsURL. Set
	// it to use a mirror of the data set inside your network. It must be
	// https, or http to a loopback address (a sidecar on the same host, or
	// a test server): over plain http anyone on the path could answer "not
	// breached" to everything. It may have a path, but no query, fragment
	// or credentials (put those in Client's transport, where they will not
	// show up in logs).
	BaseURL string
	// Client sends the requests. nil means a client with
	// DefaultPwnedPasswordsTimeout that does not follow redirects (the
	// service does not redirect; a redirect would be someone else's
	// answer). A Client given here is used as it is: give it a Timeout,
	// since a check holds up the registration or password change waiting
	// for it.
	Client *http.Client
	// MinCount is how many times a password must have been seen in
	// breaches for Breached to report it. 0 means 1: any appearance. A
	// higher value lets through passwords seen only a few times, which
	// attackers' lists rank low; ASVS asks that breached passwords be
	// refused, so raise it only with a reason. Negative values are refused.
	MinCount int
	// UserAgent is the User-Agent header sent, which the service asks
	// clients to set so it can tell them apart. "" means
	// DefaultPwnedPasswordsUserAgent. Control characters are refused.
	UserAgent string
}

// PwnedPasswords is a BreachChecker that asks Have I Been Pwned's Pwned
// Passwords service (https://haveibeenpwned.com/API/v3#PwnedPasswords),
// which knows the SHA-1 of every password seen in the breaches it has
// collected, over a billion.
//
// It uses the range API's k-anonymity model: Breached hashes the password
// with SHA-1 and sends only the first 5 hex digits of the hash; the service
// answers with the remaining 35 digits of every hash it knows that starts
// with them, and the count of times each was seen, and the match is made
// here. Neither the password nor its full hash leaves the process, and the
// prefix is shared by hundreds of known hashes and by about one in a
// million of all passwords. The request asks for padding (Add-Padding:
// true), so the service adds decoy suffixes with a count of 0 that make
// every answer about the same size; they are ignored. SHA-1 is the
// protocol's choice and is used for nothing else: it is not how passwords
// are stored.
//
// Breached fails, with an error matching ErrBreachCheckUnavailable, when the
// service cannot be reached, does not answer in time, answers with a status
// other than 200, or answers with anything but well-formed "SUFFIX:COUNT"
// lines, or nothing at all, or more than 1 MiB. A response that cannot be
// read is an error rather than "not breached", so that a proxy's error page
// does not turn the check off unnoticed. Errors name neither the password
// nor the prefix sent. What to do on an error is the caller's decision:
// package users refuses the password (fails closed); to fail open, wrap the
// checker in one that returns (false, nil) for ErrBreachCheckUnavailable,
// and log it.
//
// A PwnedPasswords is safe for concurrent use.
type PwnedPasswords struct {
	rangeURL  string
	client    *http.Client
	minCount  uint64
	userAgent string
}

// NewPwnedPasswords returns a PwnedPasswords configured by cfg. It refuses,
// with an error matching ErrInvalidBreachConfig, a BaseURL that is not
// https (or http to a loopback address) or has a query, fragment or
// credentials, a negative MinCount, and a UserAgent with control
// characters. It sends nothing: the first request is the first check.
func NewPwnedPasswords(cfg PwnedPasswordsConfig) (*PwnedPasswords, error) {
	invalid := func(format string, args ...any) (*PwnedPasswords, error) {
		return nil, fmt.Errorf("password: pwned passwords: %w: %s", ErrInvalidBreachConfig, fmt.Sprintf(format, args...))
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultPwnedPasswordsURL
	}
	u, err := url.Parse(base)
	switch {
	case err != nil:
		return invalid("BaseURL cannot be parsed")
	case u.User != nil:
		return invalid("BaseURL must not hold credentials")
	case u.Host == "":
		return invalid("BaseURL must be absolute, such as %s", DefaultPwnedPasswordsURL)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return invalid("BaseURL must have no query or fragment")
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return invalid("BaseURL must be https, or http to a loopback address")
	}
	if cfg.MinCount < 0 {
		return invalid("MinCount %d is negative", cfg.MinCount)
	}
	agent := cfg.UserAgent
	if agent == "" {
		agent = DefaultPwnedPasswordsUserAgent
	}
	if strings.ContainsFunc(agent, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
		return invalid("UserAgent holds control characters")
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{
			Timeout: DefaultPwnedPasswordsTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	return &PwnedPasswords{
		rangeURL:  strings.TrimRight(u.String(), "/") + "/range/",
		client:    client,
		minCount:  uint64(max(cfg.MinCount, 1)),
		userAgent: agent,
	}, nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Breached implements BreachChecker: it reports whether the service has
// seen password at least MinCount times. Cancelling ctx abandons the
// request, with an error matching both ErrBreachCheckUnavailable and
// ctx.Err().
func (p *PwnedPasswords) Breached(ctx context.Context, password string) (bool, error) {
	sum := sha1.Sum([]byte(password))
	digest := strings.ToUpper(hex.EncodeToString(sum[:]))
	prefix, suffix := digest[:pwnedPrefixLength], digest[pwnedPrefixLength:]

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.rangeURL+prefix, nil)
	if err != nil {
		return false, unavailable(withoutURL(err))
	}
	req.Header.Set("Add-Padding", "true")
	req.Header.Set("User-Agent", p.userAgent)
	resp, err := p.client.Do(req)
	if err != nil {
		return false, unavailable(withoutURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Read a little of the body so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return false, unavailable(fmt.Errorf("status %d", resp.StatusCode))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPwnedResponseBytes+1))
	if err != nil {
		return false, unavailable(withoutURL(err))
	}
	if len(body) > maxPwnedResponseBytes {
		return false, unavailable(fmt.Errorf("answer larger than %d bytes", maxPwnedResponseBytes))
	}
	count, err := findPwnedSuffix(string(body), suffix)
	if err != nil {
		return false, unavailable(err)
	}
	return count >= p.minCount, nil
}

// findPwnedSuffix returns the count the range answer body gives suffix, 0
// when it lists it not at all or only as padding. Every line must be
// "SUFFIX:COUNT", with 35 hex digits in either case and a decimal count;
// suffix is in upper case;
// one that is not, or an empty body, means the answer is not the service's.
func findPwnedSuffix(body, suffix string) (uint64, error) {
	var found uint64
	n, entries := 0, 0
	for line := range strings.Lines(body) {
		n++
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if line == "" {
			continue
		}
		entries++
		s, c, ok := strings.Cut(line, ":")
		if !ok || len(s) != pwnedSuffixLength || !isHex(s) {
			return 0, fmt.Errorf("malformed line %d", n)
		}
		count, err := strconv.ParseUint(c, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("malformed count on line %d", n)
		}
		// Compared in constant time like any digest of a password, though
		// only the answer, which the caller learns anyway, could leak.
		if count > 0 && subtle.ConstantTimeCompare([]byte(strings.ToUpper(s)), []byte(suffix)) == 1 {
			found = count
		}
	}
	if entries == 0 {
		return 0, errors.New("empty answer")
	}
	return found, nil
}

func isHex(s string) bool {
	for i := range len(s) {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// unavailable wraps why the service gave no answer.
func unavailable(err error) error {
	return fmt.Errorf("password: pwned passwords: %w: %w", ErrBreachCheckUnavailable, err)
}

// withoutURL unwraps the *url.Error the HTTP client returns, whose message
// holds the request URL and so the hash prefix: of little use to anyone,
// but no business of the logs either.
func withoutURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}
