package adaptertest

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/internal/testprovider"
)

// ExternalSubject is the subject of the external provider's good tokens:
// the provider's user "ext-erin", namespaced by the provider's name.
const ExternalSubject = "idp|ext-erin"

// externalTokens are tokens of provider, good and bad, for the cases:
// every adapter must accept and refuse them alike.
func externalTokens(t testing.TB, provider *testprovider.Provider) map[string]string {
	t.Helper()
	erin := testprovider.User{ID: "ext-erin"}
	claims := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := provider.Claims(erin, 10*time.Minute)
		change(c)
		return c
	}
	same := func(jwt.MapClaims) {}
	other := testprovider.Start(t)
	confused := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(same))
	confused.Header["kid"], confused.Header["typ"] = provider.KeyID(), "at+jwt"
	confusedRaw, err := confused.SignedString(provider.PublicKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"at+jwt":      provider.Sign(claims(same), "at+jwt"),
		"JWT":         provider.Sign(claims(same), "JWT"),
		"expired":     provider.Sign(claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Minute).Unix() }), "at+jwt"),
		"misdirected": provider.Sign(claims(func(c jwt.MapClaims) { c["aud"] = "another-api" }), "at+jwt"),
		"forged":      other.SignNaming(claims(same), "at+jwt", provider.KeyID()),
		"confused":    confusedRaw,
		"made-up kid": provider.SignNaming(claims(same), "at+jwt", "made-up-key"),
	}
}

// externalBearer is the Authorization header of the external token kind.
func externalBearer(f *Fixture, kind string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + f.external[kind]}
}
