package password_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/password"
)

func TestList(t *testing.T) {
	t.Parallel()
	fromSlice := password.NewList([]string{"Password123!", "qwertyuiop12", " spaced out ", "Password123!"})
	fromText, err := password.ReadList(strings.NewReader("\uFEFFPassword123!\r\nqwertyuiop12\n\n spaced out \nPassword123!"))
	require.NoError(t, err)

	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"listed", "Password123!", true},
		{"listed, another", "qwertyuiop12", true},
		{"spaces are part of the password", " spaced out ", true},
		{"other letter case", "password123!", false},
		{"upper case", "QWERTYUIOP12", false},
		{"without its spaces", "spaced out", false},
		{"prefix of a listed one", "Password123", false},
		{"listed one with more", "Password123!!", false},
		{"empty", "", false},
		{"not listed", "correct horse battery staple", false},
	}
	for _, list := range []struct {
		name string
		list *password.List
	}{{"NewList", fromSlice}, {"ReadList", fromText}} {
		assert.Equal(t, 3, list.list.Len(), list.name)
		for _, tt := range tests {
			t.Run(list.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				got, err := list.list.Breached(context.Background(), tt.password)
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
			})
		}
	}
}

func TestListCopiesItsInput(t *testing.T) {
	t.Parallel()
	passwords := []string{"Password123!"}
	l := password.NewList(passwords)
	passwords[0] = "changed after"
	got, err := l.Breached(context.Background(), "Password123!")
	require.NoError(t, err)
	assert.True(t, got)
}

func TestEmptyLists(t *testing.T) {
	t.Parallel()
	var nilList *password.List
	empty, err := password.ReadList(strings.NewReader(""))
	require.NoError(t, err)
	for _, l := range []*password.List{nilList, password.NewList(nil), empty} {
		got, err := l.Breached(context.Background(), "Password123!")
		require.NoError(t, err)
		assert.False(t, got)
		assert.Zero(t, l.Len())
	}
}

func TestReadListFailures(t *testing.T) {
	t.Parallel()
	broken := errors.New("disk on fire")
	l, err := password.ReadList(iotest.ErrReader(broken))
	assert.ErrorIs(t, err, broken)
	assert.Nil(t, l)

	// A line too long to be a password is a damaged file, not a password.
	l, err = password.ReadList(strings.NewReader("ok\n" + strings.Repeat("a", 70_000) + "\n"))
	assert.Error(t, err)
	assert.Nil(t, l)
}
