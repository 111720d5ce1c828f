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
