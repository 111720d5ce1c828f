package external_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/external"
	"github.com/gatehouse-go/gatehouse/internal/testprovider"
)

// newClock is a settable time for the Verifier; provider tokens carry the
// real time, so it starts at now.
func newClock() *authntest.Clock { return authntest.NewClock(time.Now()) }

// quiet discards the Verifier's logs.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// providerConfig is the Provider of p, found by discovery.
func providerConfig(p *testprovider.Provider) external.Provider {
	return external.Provider{Name: "zitadel", Issuer: p.Issuer, Audience: []string{testprovider.Audience}}
}

// newVerifier builds a Verifier of cfg, with providerConfig(p) when cfg has
// no providers, and waits for its keys.
func newVerifier(t *testing.T, p *testprovider.Provider, cfg external.Config) *external.Verifier {
	t.Helper()
	if len(cfg.Providers) == 0 {
		cfg.Providers = []external.Provider{providerConfig(p)}
	}
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	v, err := external.New(cfg)
	require.NoError(t, err)
	t.Cleanup(v.Close)
	require.NoError(t, v.Refresh(context.Background()))
	require.NoError(t, v.Err())
	return v
}

// bearer is a request whose Authorization header holds raw, as a bearer
// token; none when raw is "".
type bearer string

func (b bearer) Header(name string) string {
	if name == "Authorization" && b != "" {
		return "Bearer " + string(b)
	}
	return ""
}
func (bearer) Cookie(string) (string, bool) { return "", false }
func (bearer) Method() string               { return "GET" }

// jwtHeader decodes the header of raw.
func jwtHeader(t *testing.T, raw string) map[string]any {
	t.Helper()
	encoded, _, _ := strings.Cut(raw, ".")
	data, err := base64.RawURLEncoding.DecodeString(encoded)
	require.NoError(t, err)
	h := map[string]any{}
	require.NoError(t, json.Unmarshal(data, &h))
	return h
}

// encodeHeader encodes a header.
func encodeHeader(t *testing.T, h map[string]any) string {
	t.Helper()
	data, err := json.Marshal(h)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(data)
}

// withKid is raw with its header's kid replaced, and so its signature
// no longer matching any key but the one it was made with.
func withKid(t *testing.T, raw, kid string) string {
	t.Helper()
	_, rest, _ := strings.Cut(raw, ".")
	h := jwtHeader(t, raw)
	h["kid"] = kid
	return encodeHeader(t, h) + "." + rest
}
