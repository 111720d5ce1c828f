package blogtest

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// passkeyCases answer real ceremonies with what a hostile client would
// send for the browser's credential: not an object, an object of the
// wrong shape, fields that are not base64url, client data for another
// ceremony, bytes that are not CBOR, a credential of 100,000 nested
// objects, a ceremony id of 10,000 bytes. A passkey login refuses them
// with 401 invalid_credentials, a registration with 400 invalid_request;
// none is a 5xx, and none registers a passkey (bob still logs in with his
// password alone, which the state check at the end sees through his
// posts and roles, and passkeyCasesLeftNothing checks directly).
func (h *hostile) passkeyCases(t *testing.T) []hostileCase {
	b64 := base64.RawURLEncoding.EncodeToString
	clientData := func(typ, challenge string) string {
		return b64([]byte(`{"type":"` + typ + `","challenge":"` + challenge + `","origin":"http://localhost"}`))
	}
	credentials := []struct {
		name string
		json string
	}{
		{"a string", `"credential"`},
		{"a number", `42`},
		{"an empty object", `{}`},
		{"an array", `[{"id":"x"}]`},
		{"no response", `{"id":"AAAA","rawId":"AAAA","type":"public-key"}`},
		{"not base64url", `{"id":"!!","rawId":"!!","type":"public-key","response":{"clientDataJSON":"%%%","authenticatorData":"%%%","signature":"%%%"}}`},
		{"client data of a registration", `{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"` +
			clientData("webauthn.create", "x") + `","authenticatorData":"AAAA","signature":"AAAA","userHandle":"AAAA"}}`},
		{"client data not JSON", `{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"` + b64([]byte("\xff\x00")) +
			`","authenticatorData":"AAAA","signature":"AAAA"}}`},
		{"attestation not CBOR", `{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"` +
			clientData("webauthn.create", "x") + `","attestationObject":"` + b64([]byte("\xff\xff\xff not cbor")) + `"}}`},
		{"an id of 64 KiB", `{"id":"` + strings.Repeat("A", 64<<10) + `","rawId":"AAAA","type":"public-key","response":{}}`},
	}
	var cases []hostileCase
	for _, c := range credentials {
		cases = append(cases,
			h.passkeyCase("login with "+c.name, "/auth/passkey", "", h.passkeyCeremony(t, "/auth/passkey/options", ""), c.json, 401, "invalid_credentials"),
			h.passkeyCase("session login with "+c.name, "/auth/session/passkey", "", h.passkeyCeremony(t, "/auth/passkey/options", ""), c.json, 401, "invalid_credentials"),
			h.passkeyCase("registration with "+c.name, "/me/passkeys", h.bob, h.passkeyCeremony(t, "/me/passkeys/options", h.bob), c.json, 400, "invalid_request"),
		)
	}
	nested := strings.Repeat(`{"a":`, 100_000) + `1` + strings.Repeat("}", 100_000)
	return append(cases,
		h.passkeyCase("login with 100,000 nested objects", "/auth/passkey", "", "x", nested, 400, "invalid_request"),
		h.passkeyCase("login with a ceremony id of 10,000 bytes", "/auth/passkey", "", strings.Repeat("x", 10_000), `{}`, 401, "invalid_credentials"),
		h.passkeyCase("login with a ceremony id not UTF-8", "/auth/passkey", "", "\xff\xfe", `{}`, 400, "invalid_request"),
		h.passkeyCase("registration with a login's ceremony", "/me/passkeys", h.bob, h.passkeyCeremony(t, "/auth/passkey/options", ""),
			`{"id":"AAAA"}`, 400, "invalid_request"),
		hostileCase{name: "removal of a passkey id of 10,000 bytes", req: rawRequest{method: "DELETE",
			target: "/me/passkeys/" + strings.Repeat("A", 10_000), header: [][2]string{bearer(h.bob)}}, status: []int{404, 414, 431}, code: "not_found"},
		hostileCase{name: "a second factor's challenge for a forged MFA token", req: rawRequest{method: "POST", target: "/auth/mfa/challenge",
			header: [][2]string{jsonType}, body: []byte(`{"mfa_token":"` + strings.Repeat("x", 5000) + `","method":"passkey"}`)},
			status: []int{401}, code: "invalid_credentials"},
	)
}

// passkeyCeremony begins a ceremony at path, as token's holder when token
// is set, and returns its id.
func (h *hostile) passkeyCeremony(t *testing.T, path, token string) string {
	t.Helper()
	var c struct {
		ID string `json:"ceremony_id"`
	}
	h.client.expect(200, "POST", h.url+path, token, &c)
	require.NotEmpty(t, c.ID)
	return c.ID
}

// passkeyCase posts {"ceremony_id", "credential"} to path.
func (h *hostile) passkeyCase(name, path, token, ceremonyID, credential string, status int, code string) hostileCase {
	id, _ := json.Marshal(ceremonyID)
	if !utf8.ValidString(ceremonyID) {
		id = []byte(`"` + ceremonyID + `"`) // raw bytes, not UTF-8, as a hostile client sends them
	}
	header := [][2]string{jsonType}
	if token != "" {
		header = append(header, bearer(token))
	}
	body := `{"ceremony_id":` + string(id) + `,"credential":` + credential + `}`
	return hostileCase{name: name, req: rawRequest{method: "POST", target: path, header: header, body: []byte(body)},
		status: []int{status}, code: code}
}

// passkeyCasesLeftNothing checks that bob has no passkey after the
// hostile registrations.
func (h *hostile) passkeyCasesLeftNothing(t *testing.T) {
	var list struct {
		Passkeys []json.RawMessage `json:"passkeys"`
	}
	h.client.expect(200, "GET", h.url+"/me/passkeys", h.bob, &list)
	require.Empty(t, list.Passkeys, "a hostile registration registered a passkey")
}
