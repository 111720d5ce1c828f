package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckModelSyntax(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want string // "" for no error
	}{
		{name: "gatehouse's model", text: "[request_definition]\nr = sub, perm, owner\n\n[matchers]\nm = r.sub == p.sub\n"},
		{name: "comments and blank lines", text: "# a model\n; also a comment\n\n[matchers]\nm = r.sub == p.sub # trailing\n"},
		{name: "a statement over lines", text: "[matchers]\nm = r.sub == p.sub \\\n  && r.obj == p.obj\n"},
		{name: "CRLF line ends", text: "[matchers]\r\nm = r.sub == p.sub\r\n"},
		{name: "no equals sign", text: "[policy_definition]\n\np sub, obj\n", want: `m.conf:3: malformed model: want "key = value" or "[section]", got "p sub, obj"`},
		{name: "continued without equals", text: "[matchers]\nm \\\n  r.sub\n", want: `m.conf:2: malformed model: want "key = value"`},
		{name: "equals only in a comment", text: "[matchers]\nm # = r.sub\n", want: `m.conf:2: malformed model: want "key = value" or "[section]", got "m"`},
		{name: "continued into the end", text: "[matchers]\nm \\\n", want: "m.conf:2: malformed model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkModelSyntax("m.conf", tt.text)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, errMalformedModel)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
