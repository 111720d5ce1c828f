package main

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/readmetest"
)

// TestREADMEWalkthrough runs the README's curl walk-through of this
// program against it, on a new SQLite file with its demo data.
func TestREADMEWalkthrough(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	a, err := newApp(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "tenants.db"), testSecret, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer a.Close()
	srv := httptest.NewServer(a)
	defer srv.Close()
	readmetest.Walk(t, readme, "A multi-tenant API", srv.URL)
}
