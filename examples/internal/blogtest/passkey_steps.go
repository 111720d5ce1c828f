package blogtest

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/webauthntest"
)

// phishingOrigin is a page of another site that relays the servers'
// ceremonies to a victim's authenticator and its answers back.
const phishingOrigin = "http://evil.localhost:8080"

// The flags of the suite's authenticators: each checks that the user is
// present and verifies them (a PIN, a fingerprint), so its logins count as
// two factors ("mfa"). A synced passkey is backup eligible ("swk"); a
// device-bound one is not ("hwk").
const (
	syncedPasskey      = webauthntest.FlagUserPresent | webauthntest.FlagUserVerified | webauthntest.FlagBackupEligible
	deviceBoundPasskey = webauthntest.FlagUserPresent | webauthntest.FlagUserVerified
)

// passkeySteps are passkeys: pat registers one, after a refusal of one
// made for another origin, and receives recovery codes; her password
// logins then take a second step the passkey completes once; the passkey
// alone logs her in, for tokens and for a session, each ceremony once; a
// password-only login may no longer change her factors; the two-factor
// login removes the passkey, and her logins take one step again, until
// she registers the device-bound passkey the restart must keep.
func passkeySteps() []step {
	byPassword := credentialsOf("pat", "pat-password")
	return []step{
		{"register pat", "POST", "/auth/register", "", registration("pat", "Pat"), 201, "", saveID("pat.id")},
		do("pat logs in", login("pat", "pat")),
		do("pat has a synced passkey, a device-bound one, and a phishing page relays to a third",
			func(t *testing.T, w *world) {
				newAuthenticator("pat", passkeyOrigin, syncedPasskey)(t, w)
				newAuthenticator("pat.kept", passkeyOrigin, deviceBoundPasskey)(t, w)
				newAuthenticator("pat.phished", phishingOrigin, syncedPasskey)(t, w)
			}),
		{"registering a passkey needs a login", "POST", "/me/passkeys/options", "", "", 401, "unauthorized", nil},
		{"pat lists no passkeys yet", "GET", "/me/passkeys", "pat", "", 200, "", listsPasskeys()},

		{"a registration the phishing page relays", "POST", "/me/passkeys/options", "pat", "", 200, "",
			saveCeremony("pat.phished")},
		do("the authenticator answers for the phishing page's origin", createPasskey("pat.phished")),
		{"an answer for another origin is refused", "POST", "/me/passkeys", "pat", passkeyRegistration("pat.phished", "phished"),
			400, "invalid_request", nil},
		{"and registers nothing", "GET", "/me/passkeys", "pat", "", 200, "", listsPasskeys()},
		{"the password still logs pat in alone", "POST", "/auth/login", "", byPassword, 200, "",
			shape("access_token", "refresh_token", "token_type", "expires_in")},

		{"pat begins a registration", "POST", "/me/passkeys/options", "pat", "", 200, "", saveCeremony("pat")},
		do("her authenticator creates a passkey", createPasskey("pat")),
		{"pat registers it and receives recovery codes", "POST", "/me/passkeys", "pat", passkeyRegistration("pat", "laptop"),
			201, "", passkeyRegistered("pat", "laptop", true)},
		{"the list shows it, never used", "GET", "/me/passkeys", "pat", "", 200, "",
			listsPasskeys(listedPasskey{"pat", "laptop", false})},

		{"the password alone now yields an MFA token", "POST", "/auth/login", "", byPassword, 200, "",
			saveMFATokenOffering("pat.mfa", "passkey", "recovery_code")},
		{"the second step's challenge", "POST", "/auth/mfa/challenge", "", `{"mfa_token":"{{pat.mfa}}","method":"passkey"}`,
			200, "", saveCeremony("pat")},
		do("her authenticator answers it", usePasskey("pat")),
		{"the passkey completes the login", "POST", "/auth/mfa", "", passkeySecondStep("pat.mfa", "pat"), 200, "",
			all(savePair("pat.mfa", "pat"), amrIs("pat.mfa", "pwd", "swk", "mfa"))},
		{"the same answer works once", "POST", "/auth/mfa", "", passkeySecondStep("pat.mfa", "pat"),
			401, "invalid_credentials", nil},
		{"a new login", "POST", "/auth/login", "", byPassword, 200, "",
			saveMFATokenOffering("pat.mfa.again", "passkey", "recovery_code")},
		{"the spent answer does not complete it either", "POST", "/auth/mfa", "", passkeySecondStep("pat.mfa.again", "pat"),
			401, "invalid_credentials", nil},

		{"a passkey-first login begins", "POST", "/auth/passkey/options", "", "", 200, "", saveCeremony("pat")},
		do("her authenticator answers it", usePasskey("pat")),
		{"the passkey alone logs pat in", "POST", "/auth/passkey", "", passkeyAnswer("pat"), 200, "",
			all(savePair("pat.passwordless", "pat"), amrIs("pat.passwordless", "swk", "mfa"))},
		{"the ceremony works once", "POST", "/auth/passkey", "", passkeyAnswer("pat"), 401, "invalid_credentials", nil},
		{"an unknown ceremony", "POST", "/auth/passkey", "", `{"ceremony_id":"not-a-ceremony","credential":{{pat.credential}}}`,
			401, "invalid_credentials", nil},
		{"a passkey session begins", "POST", "/auth/passkey/options", "", "", 200, "", saveCeremony("pat")},
		do("her authenticator answers it", usePasskey("pat")),
		{"the passkey alone opens a session", "POST", "/auth/session/passkey", "", passkeyAnswer("pat"), 200, "",
			saveSession("pat.session")},
		{"the session's cookie is pat's", "GET", "/me", "pat.session", "", 200, "", meIs("pat")},
		{"its ceremony works once", "POST", "/auth/session/passkey", "", passkeyAnswer("pat"), 401, "invalid_credentials", nil},
		{"the list shows the passkey used", "GET", "/me/passkeys", "pat", "", 200, "",
			listsPasskeys(listedPasskey{"pat", "laptop", true})},

		{"a password-only login may no longer begin a registration", "POST", "/me/passkeys/options", "pat", "",
			401, "insufficient_user_authentication", asksForSecondFactor},
		{"the two-factor login begins one", "POST", "/me/passkeys/options", "pat.mfa", "", 200, "", saveCeremony("pat.kept")},
		do("her device-bound authenticator creates a passkey", createPasskey("pat.kept")),
		{"the password-only login may not finish it", "POST", "/me/passkeys", "pat", passkeyRegistration("pat.kept", "phone"),
			401, "insufficient_user_authentication", asksForSecondFactor},
		{"nor remove the passkey", "DELETE", "/me/passkeys/{{pat.passkey.id}}", "pat", "",
			401, "insufficient_user_authentication", asksForSecondFactor},
		{"the refusals changed nothing", "GET", "/me/passkeys", "pat", "", 200, "",
			listsPasskeys(listedPasskey{"pat", "laptop", true})},

		{"the two-factor login removes the passkey", "DELETE", "/me/passkeys/{{pat.passkey.id}}", "pat.mfa", "", 204, "", nil},
		{"a second removal finds nothing", "DELETE", "/me/passkeys/{{pat.passkey.id}}", "pat.mfa", "", 404, "not_found", nil},
		{"the list is empty", "GET", "/me/passkeys", "pat", "", 200, "", listsPasskeys()},
		{"a login with the removed passkey begins", "POST", "/auth/passkey/options", "", "", 200, "", saveCeremony("pat")},
		do("her authenticator answers it", usePasskey("pat")),
		{"the removed passkey logs nobody in", "POST", "/auth/passkey", "", passkeyAnswer("pat"), 401, "invalid_credentials", nil},
		{"the password logs pat in alone again", "POST", "/auth/login", "", byPassword, 200, "", savePair("pat.again", "pat")},

		{"pat begins a registration for the passkey she keeps", "POST", "/me/passkeys/options", "pat.again", "", 200, "",
			saveCeremony("pat.kept")},
		do("her device-bound authenticator creates it", createPasskey("pat.kept")),
		{"a first passkey again brings new recovery codes: the old ones went with the last", "POST", "/me/passkeys", "pat.again",
			passkeyRegistration("pat.kept", "phone"), 201, "", passkeyRegistered("pat.kept", "phone", true)},
	}
}

// passkeyAfterRestart checks that the passkey pat kept still logs her in,
// its counter and its owner read back from the store.
func passkeyAfterRestart() []step {
	return []step{
		{"a passkey login begins", "POST", "/auth/passkey/options", "", "", 200, "", saveCeremony("pat.kept")},
		do("pat's device-bound authenticator answers it", usePasskey("pat.kept")),
		{"a passkey from before still logs in", "POST", "/auth/passkey", "", passkeyAnswer("pat.kept"), 200, "",
			all(savePair("pat.after", "pat"), amrIs("pat.after", "hwk", "mfa"))},
		{"and still guards her password logins", "POST", "/auth/login", "", credentialsOf("pat", "pat-password"), 200, "",
			saveMFATokenOffering("pat.mfa.after", "passkey", "recovery_code")},
	}
}

// newAuthenticator is a setup action: a new software authenticator named
// name ("pat"), with flags, answering as a page of origin would for the
// servers' relying party.
func newAuthenticator(name, origin string, flags byte) func(t *testing.T, w *world) {
	return func(t *testing.T, w *world) {
		t.Helper()
		a, err := webauthntest.New(passkeyRPID, origin, flags)
		require.NoError(t, err)
		w.authenticators[name] = a
	}
}

// authenticator returns the authenticator named name, failing t when the
// step that makes it has not run.
func (w *world) authenticator(t *testing.T, name string) *webauthntest.Authenticator {
	t.Helper()
	a, ok := w.authenticators[name]
	require.True(t, ok, "authenticator %q is not set: the step that makes it failed or has not run", name)
	return a
}

// saveCeremony checks a ceremony's answer, {"ceremony_id", "publicKey"},
// whose options must name the servers' relying party, and keeps its id as
// NAME.ceremony and its options as NAME.options, for the authenticator
// name to answer.
func saveCeremony(name string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("ceremony_id", "publicKey"))
		id, err := o.text("ceremony_id")
		require.NoError(t, err)
		require.NotEmpty(t, id)
		options, err := parseObject(o["publicKey"])
		require.NoError(t, err, "publicKey")
		challenge, err := options.text("challenge")
		require.NoError(t, err, "publicKey")
		require.NotEmpty(t, challenge, "publicKey.challenge")
		assert.Equal(t, passkeyRPID, relyingPartyOf(t, options), "the options' relying party id")
		w.vars[name+".ceremony"], w.vars[name+".options"] = id, string(o["publicKey"])
	}
}

// relyingPartyOf returns the relying party id of ceremony options: rp.id
// of a registration's, rpId of a login's.
func relyingPartyOf(t *testing.T, options object) string {
	t.Helper()
	if _, ok := options["rp"]; ok {
		rp, err := parseObject(options["rp"])
		require.NoError(t, err, "publicKey.rp")
		id, err := rp.text("id")
		require.NoError(t, err, "publicKey.rp")
		return id
	}
	id, err := options.text("rpId")
	require.NoError(t, err, "publicKey")
	return id
}

// createPasskey is a setup action: the authenticator name answers the
// registration ceremony saveCeremony(name) kept, as
// navigator.credentials.create would, and its answer is kept as
// NAME.credential.
func createPasskey(name string) func(t *testing.T, w *world) {
	return func(t *testing.T, w *world) {
		t.Helper()
		answer, err := w.authenticator(t, name).Create([]byte(w.expand(t, "{{"+name+".options}}")))
		require.NoError(t, err)
		w.vars[name+".credential"] = string(answer)
	}
}

// usePasskey is createPasskey for a login ceremony, as
// navigator.credentials.get would answer it.
func usePasskey(name string) func(t *testing.T, w *world) {
	return func(t *testing.T, w *world) {
		t.Helper()
		answer, err := w.authenticator(t, name).Get([]byte(w.expand(t, "{{"+name+".options}}")))
		require.NoError(t, err)
		w.vars[name+".credential"] = string(answer)
	}
}

// passkeyAnswer is the body of POST /auth/passkey and
// /auth/session/passkey: the authenticator name's answer to its ceremony.
func passkeyAnswer(name string) string {
	return `{"ceremony_id":"{{` + name + `.ceremony}}","credential":{{` + name + `.credential}}}`
}

// passkeyRegistration is the body of POST /me/passkeys: the authenticator
// name's answer to its registration ceremony, and the passkey's label.
func passkeyRegistration(name, label string) string {
	return `{"ceremony_id":"{{` + name + `.ceremony}}","credential":{{` + name + `.credential}},"name":"` + label + `"}`
}

// passkeySecondStep is the body of POST /auth/mfa that completes the login
// of the MFA token mfaToken with the authenticator name's answer.
func passkeySecondStep(mfaToken, name string) string {
	return `{"mfa_token":"{{` + mfaToken + `}}","passkey":` + passkeyAnswer(name) + `}`
}

// passkeyFields are the fields of a passkey as the contract shows it:
// never its key.
var passkeyFields = []string{"id", "name", "created_at", "last_used_at", "backup_eligible", "transports"}

// listedPasskey is a passkey GET /me/passkeys must list: the
// authenticator's that holds it, its label, and whether it logged in yet.
type listedPasskey struct {
	authenticator, label string
	used                 bool
}

// passkeyRegistered checks the 201 of POST /me/passkeys: the passkey of
// the authenticator name, never used, labelled label, and, when
// recoveryCodes, ten recovery codes, kept as NAME.recovery.0 … 9. It
// keeps the passkey's id as NAME.passkey.id.
func passkeyRegistered(name, label string, recoveryCodes bool) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		fields := passkeyFields
		if recoveryCodes {
			fields = append(fields[:len(fields):len(fields)], "recovery_codes")
		}
		require.NoError(t, o.hasKeys(fields...))
		w.checkPasskey(t, o, listedPasskey{name, label, false})
		if recoveryCodes {
			codes, err := o.strings("recovery_codes")
			require.NoError(t, err)
			require.Len(t, codes, 10)
			for i, c := range codes {
				w.vars[name+".recovery."+strconv.Itoa(i)] = c
			}
		}
		id, err := o.text("id")
		require.NoError(t, err)
		w.vars[name+".passkey.id"] = id
	}
}

// listsPasskeys checks the 200 of GET /me/passkeys: exactly the passkeys
// want, in order.
func listsPasskeys(want ...listedPasskey) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("passkeys"))
		listed, err := o.list("passkeys")
		require.NoError(t, err)
		require.Len(t, listed, len(want), "passkeys %s", r.brief())
		for i, p := range listed {
			assert.NoError(t, p.hasKeys(passkeyFields...))
			w.checkPasskey(t, p, want[i])
		}
	}
}

// checkPasskey checks that p, a passkey as the contract shows it, is the
// one want names: its authenticator's credential id, its label, its
// backup eligibility and transports as the authenticator reported them,
// its creation time, and a last use exactly when want.used.
func (w *world) checkPasskey(t *testing.T, p object, want listedPasskey) {
	t.Helper()
	a := w.authenticator(t, want.authenticator)
	id, err := p.text("id")
	assert.NoError(t, err)
	assert.Equal(t, a.EncodedID(), id, "the passkey's id is its credential id")
	label, err := p.text("name")
	assert.NoError(t, err)
	assert.Equal(t, want.label, label)
	eligible, err := p.boolean("backup_eligible")
	assert.NoError(t, err)
	assert.Equal(t, a.Flags&webauthntest.FlagBackupEligible != 0, eligible, "backup_eligible")
	transports, err := p.strings("transports")
	assert.NoError(t, err)
	assert.ElementsMatch(t, []string{"internal", "hybrid"}, transports, "the transports the authenticator reported")
	assert.NoError(t, isTime(p, "created_at"), "created_at")
	if want.used {
		assert.NoError(t, isTime(p, "last_used_at"), "last_used_at, after a login")
	} else {
		assert.JSONEq(t, "null", string(p["last_used_at"]), "last_used_at, before any login")
	}
}

// isTime reports an error unless the field key of o is an RFC 3339 time.
func isTime(o object, key string) error {
	s, err := o.text(key)
	if err != nil {
		return err
	}
	_, err = time.Parse(time.RFC3339Nano, s)
	return err
}

// asksForSecondFactor checks that a 401 insufficient_user_authentication
// asks for a login with a second factor: acr_values="aal2" in its one
// challenge (which every 401 must have; see contractViolations).
func asksForSecondFactor(t *testing.T, _ *world, r *response) {
	t.Helper()
	assert.Contains(t, r.header.Get("WWW-Authenticate"), `acr_values="aal2"`)
}
