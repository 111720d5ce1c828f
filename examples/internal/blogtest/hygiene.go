package blogtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkSecrets holds the whole run, once its last server has stopped, to
// what the security review demands of the secrets:
//
//   - the servers' logs hold no password a client sent, no client
//     credential (access and refresh tokens, API keys, session cookies,
//     CSRF tokens), no JWT signing secret and no secret stored in the
//     database (password hashes, token and key digests, seal keys);
//   - no response holds a password, a stored secret or the JWT secret,
//     and each client credential appears once in the response that handed
//     it out (see issuers) and in no other response.
//
// The contract hands nothing out twice: an API key is shown at its
// creation only, never in the listing; a token pair in the login or
// refresh that minted it; a session cookie in the Set-Cookie of the login
// that started the session, its CSRF token in the same response's body.
//
// It stops the running server first, so that its log is complete and its
// database can be read. When the run completed, every kind of secret must
// have been found (secretKinds), so that the check cannot pass for having
// nothing to look for; a run cut short is checked for what it got.
func (w *world) checkSecrets(t *testing.T, completed bool) {
	w.stopServer()
	if t.Skipped() {
		return
	}
	t.Run("secrets hygiene", func(t *testing.T) {
		secrets := append(issuedSecrets(w.transcript), w.providerTokens...)
		require.Empty(t, w.untrackedCredentials(secrets),
			"credentials the steps hold that no response of the transcript handed out: the check would miss their leaks")
		secrets = append(secrets, sentPasswords(w.transcript)...)
		secrets = append(secrets, secret{kind: kindJWTSecret, value: w.env["GATEHOUSE_JWT_SECRET"],
			origin: "GATEHOUSE_JWT_SECRET", issuedBy: -1})
		stored, err := storedSecrets(context.Background(), w.env["GATEHOUSE_DATABASE"])
		require.NoError(t, err)
		secrets = uniqueSecrets(append(secrets, stored...))

		counts := map[string]int{}
		for _, s := range secrets {
			counts[s.kind]++
		}
		if completed {
			for _, kind := range secretKinds {
				assert.Positive(t, counts[kind], "no %s found to look for", kind)
			}
		}
		t.Logf("looked for %s in %d responses and %d server logs", countsText(counts), len(w.transcript), len(w.logs))

		for _, leak := range responseLeaks(w.transcript, secrets) {
			t.Error(leak)
		}
		var logs []namedLog
		for _, l := range w.logs {
			if l.read == nil {
				t.Logf("%s was not captured (Server.Logs is nil): it is not checked", l.name)
				continue
			}
			text := l.read()
			require.NotEmpty(t, text, "%s is empty: the server's logs are not captured", l.name)
			logs = append(logs, namedLog{name: l.name, text: text})
		}
		for _, leak := range logLeaks(logs, secrets) {
			t.Error(leak)
		}
	})
}

// countsText lists how many secrets of each kind were found, in the order
// of secretKinds: "14 × password, 10 × access token, …".
func countsText(counts map[string]int) string {
	parts := make([]string, 0, len(secretKinds))
	for _, kind := range secretKinds {
		parts = append(parts, fmt.Sprintf("%d × %s", counts[kind], kind))
	}
	return strings.Join(parts, ", ")
}

// responseLeaks lists every response of transcript that holds a secret it
// may not: any secret but the ones it handed out, and those more often
// than the values it hands out hold them.
func responseLeaks(transcript []exchange, secrets []secret) []string {
	// issued are the values each response hands out: a value may stand
	// once in each that holds it (a TOTP secret in itself and in its
	// otpauth URL).
	issued := map[int][]string{}
	for _, s := range secrets {
		if s.issuedBy >= 0 {
			issued[s.issuedBy] = append(issued[s.issuedBy], s.value)
		}
	}
	var out []string
	for i, e := range transcript {
		text := e.responseText()
		for _, s := range secrets {
			n := strings.Count(text, s.value)
			want := 0
			for _, v := range issued[i] {
				if strings.Contains(v, s.value) {
					want++
				}
			}
			switch {
			case s.issuedBy == i && n > want:
				out = append(out, fmt.Sprintf("%s (request %d): the response that hands out %s %s holds it %d times, want %d",
					e, i+1, s.kind, redact(s.value), n, want))
			case s.issuedBy != i && n > 0:
				out = append(out, fmt.Sprintf("%s (request %d): the response holds %s", e, i+1, s))
			}
		}
	}
	return out
}

// serverLog is the log of one server Run started.
type serverLog struct {
	// name names the log in failure messages: "the server log".
	name string
	// read is the server's Server.Logs, nil when it is not captured.
	read func() string
}

// namedLog is a log's text ready to be searched.
type namedLog struct {
	name, text string
}

// logLeaks lists every secret found in logs, by log and line, the line
// itself left out since it holds the secret.
func logLeaks(logs []namedLog, secrets []secret) []string {
	var out []string
	for _, l := range logs {
		for _, s := range secrets {
			for _, line := range linesHolding(l.text, s.value) {
				out = append(out, fmt.Sprintf("%s, line %d, holds %s", l.name, line, s))
			}
		}
	}
	return out
}

// linesHolding returns the numbers, from 1, of the lines of text that
// hold v.
func linesHolding(text, v string) []int {
	var lines []int
	for offset := 0; ; {
		i := strings.Index(text[offset:], v)
		if i < 0 {
			return lines
		}
		line := strings.Count(text[:offset+i], "\n") + 1
		if len(lines) == 0 || lines[len(lines)-1] != line {
			lines = append(lines, line)
		}
		offset += i + len(v)
	}
}
