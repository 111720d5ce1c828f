package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gatehouse-go/gatehouse/examples/internal/blogtest"
	"github.com/gatehouse-go/gatehouse/internal/readmetest"
)

// TestREADMEWalkthrough runs the README's curl walk-through of the
// example API against this example's server, on a new database with its
// demo users.
func TestREADMEWalkthrough(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	server := blogtest.InProcess(run)(t, map[string]string{
		"ADDR":                 "127.0.0.1:0",
		"GATEHOUSE_DATABASE":   "sqlite:" + filepath.Join(t.TempDir(), "walk.db"),
		"GATEHOUSE_JWT_SECRET": "a test secret of at least 32 bytes!!",
	})
	defer server.Stop()
	readmetest.Walk(t, readme, "The example API", server.URL)
}
