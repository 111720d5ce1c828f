// Package readmetest runs the curl walk-throughs of gatehouse's README
// against a server under test, so that what a reader pastes is what the
// tests ran.
//
// A walk-through is the sh block of a README section that sets
// api=http://127.0.0.1:8080. Every curl in it that prints its status
// (-w '%{http_code}\n') says in its trailing comment which status it
// gets; Walk runs the block with bash against the server's address and
// checks the statuses printed, in order, against those comments.
package readmetest

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// defaultAPI is the address the README's walk-throughs use.
const defaultAPI = "http://127.0.0.1:8080"

var (
	statusComment = regexp.MustCompile(`#.*?\b([1-5][0-9][0-9])\b`)
	statusLine    = regexp.MustCompile(`^[1-5][0-9][0-9]$`)
)

// Block returns the sh block of the README section under heading (a line
// "## heading") that sets api=, failing the test when there is none.
func Block(t testing.TB, readme []byte, heading string) string {
	t.Helper()
	text := string(readme)
	start := strings.Index(text, "\n## "+heading+"\n")
	if start < 0 {
		t.Fatalf("README has no section %q", heading)
	}
	section := text[start+1:]
	if next := strings.Index(section[3:], "\n## "); next >= 0 {
		section = section[:next+3]
	}
	for _, block := range strings.Split(section, "```sh\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if strings.Contains(block, "api="+defaultAPI) {
			return block
		}
	}
	t.Fatalf("README section %q has no sh block setting api=%s", heading, defaultAPI)
	return ""
}

// Expected returns the statuses the block's comments promise, in order.
func Expected(t testing.TB, block string) []string {
	t.Helper()
	var want []string
	for i, line := range strings.Split(block, "\n") {
		if !strings.Contains(line, "-w '%{http_code}") {
			continue
		}
		_, comment, ok := strings.Cut(line, "# ")
		m := statusComment.FindStringSubmatch("#" + comment)
		if !ok || m == nil {
			t.Fatalf("line %d prints a status but its comment does not say which: %s", i+1, line)
		}
		want = append(want, m[1])
	}
	return want
}

// Walk runs the walk-through of the README section under heading against
// the server at baseURL and checks every status it prints. It skips the
// test when bash or curl is missing.
func Walk(t *testing.T, readme []byte, heading, baseURL string) {
	t.Helper()
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the walk-through needs %s: %v", tool, err)
		}
	}
	block := Block(t, readme, heading)
	want := Expected(t, block)
	script := strings.ReplaceAll(block, defaultAPI, baseURL)
	cmd := exec.Command("bash", "-c", "set -u\n"+script)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+cmd.Dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the walk-through failed: %v\n%s\n%s", err, out, stderr.String())
	}
	var got []string
	for _, line := range strings.Split(string(out), "\n") {
		if statusLine.MatchString(strings.TrimSpace(line)) {
			got = append(got, strings.TrimSpace(line))
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("statuses %v, the README says %v; output:\n%s", got, want, out)
	}
}
