package main

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionLine(t *testing.T) {
	t.Parallel()
	const revision = "1f3b880a9c4e5d6f7a8b9c0d1e2f3a4b5c6d7e8f"
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{
			name: "installed at a release",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}},
			want: "gatehouse v1.4.0, go1.26.0 linux/amd64",
		},
		{
			name: "built from a clean checkout",
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
				{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: revision}, {Key: "vcs.modified", Value: "false"},
			}},
			want: "gatehouse (devel), revision 1f3b880a9c4e, go1.26.0 linux/amd64",
		},
		{
			name: "built from a modified checkout",
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
				{Key: "vcs.revision", Value: revision}, {Key: "vcs.modified", Value: "true"},
			}},
			want: "gatehouse (devel), revision 1f3b880a9c4e (modified), go1.26.0 linux/amd64",
		},
		{
			name: "a pseudo-version",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260101000000-1f3b880a9c4e"}},
			want: "gatehouse v0.0.0-20260101000000-1f3b880a9c4e, go1.26.0 linux/amd64",
		},
		{
			name: "built without VCS stamping",
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			want: "gatehouse (devel), go1.26.0 linux/amd64",
		},
		{
			name: "no build information",
			want: "gatehouse (unknown), go1.26.0 linux/amd64",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, versionLine(tt.info, "go1.26.0", "linux/amd64"))
		})
	}
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		r := cli(t, args...)
		assert.Equal(t, exitOK, r.code, r)
		assert.Empty(t, r.stderr, r)
		// The test binary is built from this checkout, with or without
		// its revision as the build flags say.
		assert.Regexp(t, `^gatehouse \(devel\), (revision [0-9a-f]{12}( \(modified\))?, )?`+runtime.Version()+` `+runtime.GOOS+"/"+runtime.GOARCH+"\n$", r.stdout, r)
	}
}
