package errkind_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gatehouse-go/gatehouse/internal/errkind"
)

func TestNewMatchesItselfAndItsParent(t *testing.T) {
	t.Parallel()
	broad := errors.New("invalid token")
	narrow := errkind.New("token expired", broad)
	other := errkind.New("token revoked", broad)
	wrapped := fmt.Errorf("verify: %w", narrow)
	if !errors.Is(wrapped, narrow) || !errors.Is(wrapped, broad) {
		t.Fatal("a kind must match itself and its parent")
	}
	if errors.Is(wrapped, other) {
		t.Fatal("siblings must not match each other")
	}
	if narrow.Error() != "token expired" {
		t.Fatalf("message %q", narrow.Error())
	}
}
