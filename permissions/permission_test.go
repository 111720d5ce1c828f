package permissions_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/permissions"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		wantErr  string // substring of the error; "" means valid
		resource string
		action   string
	}{
		{in: "posts:read", resource: "posts", action: "read"},
		{in: "users:delete", resource: "users", action: "delete"},
		{in: "posts:*", resource: "posts", action: "*"},
		{in: "billing.invoices:export-csv", resource: "billing.invoices", action: "export-csv"},
		{in: "Reports_2:read", resource: "Reports_2", action: "read"},
		{in: "", wantErr: "empty"},
		{in: "posts", wantErr: "want resource:action"},
		{in: ":read", wantErr: "empty resource"},
		{in: "posts:", wantErr: "empty action"},
		{in: ":", wantErr: "empty resource"},
		{in: "posts:read:extra", wantErr: "more than one colon"},
		{in: "posts::read", wantErr: "more than one colon"},
		{in: "posts: read", wantErr: "action contains ' '"},
		{in: " posts:read", wantErr: "resource contains ' '"},
		{in: "posts:read ", wantErr: "action contains ' '"},
		{in: "po sts:read", wantErr: "resource contains ' '"},
		{in: "*:read", wantErr: "resource contains '*'"},
		{in: "*:*", wantErr: "resource contains '*'"},
		{in: "posts:re*", wantErr: "action contains '*'"},
		{in: "posts:read,write", wantErr: "action contains ','"},
		{in: "posts:réad", wantErr: "action contains"},
		{in: "posts:read\n", wantErr: "action contains"},
		{in: "posts:" + strings.Repeat("a", permissions.MaxLength), wantErr: "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			p, err := permissions.Parse(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, permissions.ErrInvalidPermission)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Empty(t, p)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.in, p.String())
			assert.Equal(t, tt.resource, p.Resource())
			assert.Equal(t, tt.action, p.Action())
		})
	}
}

func TestParseRequestRefusesWildcard(t *testing.T) {
	t.Parallel()
	_, err := permissions.ParseRequest("posts:*")
	require.ErrorIs(t, err, permissions.ErrInvalidPermission)
	assert.Contains(t, err.Error(), "one action")

	p, err := permissions.ParseRequest("posts:read")
	require.NoError(t, err)
	assert.Equal(t, permissions.PostsRead, p)

	_, err = permissions.ParseRequest("posts")
	assert.ErrorIs(t, err, permissions.ErrInvalidPermission)
}

func TestMustParsePanicsOnMalformedInput(t *testing.T) {
	t.Parallel()
	assert.Equal(t, permissions.PostsRead, permissions.MustParse("posts:read"))
	assert.Panics(t, func() { permissions.MustParse("posts read") })
}

func TestCovers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		grant, request permissions.Permission
		want           bool
	}{
		{"posts:read", "posts:read", true},
		{"posts:*", "posts:read", true},
		{"posts:*", "posts:delete", true},
		{"posts:read", "posts:write", false},
		{"posts:*", "users:read", false},
		{"posts:*", "postsx:read", false},
		{"posts:*", "posts", false},
		{"posts:read", "posts:*", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.grant.Covers(tt.request), "%s covers %s", tt.grant, tt.request)
	}
}

func TestKnownPermissionsAreValidRequests(t *testing.T) {
	t.Parallel()
	known := permissions.Known()
	require.Len(t, known, 11)
	for _, p := range known {
		assert.NoError(t, p.ValidateRequest(), p)
	}
}

func TestParseScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    permissions.Scope
		wantErr bool
	}{
		{in: "any", want: permissions.Any},
		{in: "own", want: permissions.Own},
		{in: "", wantErr: true},
		{in: "ANY", wantErr: true},
		{in: "own ", wantErr: true},
		{in: "all", wantErr: true},
		{in: "*", wantErr: true},
	}
	for _, tt := range tests {
		got, err := permissions.ParseScope(tt.in)
		if tt.wantErr {
			assert.ErrorIs(t, err, permissions.ErrInvalidScope, "%q", tt.in)
			assert.Contains(t, err.Error(), `want "any" or "own"`)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got)
		assert.Equal(t, tt.in, got.String())
	}
}
