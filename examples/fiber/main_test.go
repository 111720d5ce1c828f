package main

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/examples/internal/blogtest"
)

// TestContract starts this example's own server and drives the whole HTTP
// contract against it, across a restart on the same SQLite file.
func TestContract(t *testing.T) {
	blogtest.Run(t, blogtest.InProcess(run))
}

// TestReplicas runs two of this example's servers on one store: on
// PostgreSQL, and on MariaDB with Redis, when their DSNs are set.
func TestReplicas(t *testing.T) {
	blogtest.Replicas(t, blogtest.InProcess(run))
}

// TestHostile sends this example's server the requests an attacker would
// and checks that each is refused cleanly and changes nothing.
func TestHostile(t *testing.T) {
	blogtest.Hostile(t, blogtest.InProcess(run))
}

// TestBrowser drives this example's passkey page and policy console in a
// real Chromium (see blogtest.Browser).
func TestBrowser(t *testing.T) {
	blogtest.Browser(t, blogtest.InProcess(run))
}
