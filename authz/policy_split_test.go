package authz

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The hand split of lines without quotes must be the CSV reader's.
func FuzzSplitPolicyLineIsCSV(f *testing.F) {
	for _, seed := range []string{"p, alice, posts:read, any, allow", "g,a,b", " p ,\ta,  b ", "p,,", "p, \u00a0x, y", ","} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		line = strings.TrimSpace(line)
		if strings.ContainsAny(line, "\"\n\r") || line == "" {
			return
		}
		r := csv.NewReader(strings.NewReader(line))
		r.TrimLeadingSpace = true
		r.FieldsPerRecord = -1
		want, wantErr := r.Read()
		var buf [maxPolicyFields]string
		got, err := splitPolicyLine(line, &buf)
		if wantErr != nil {
			return // the CSV reader refuses what the policy parser then reports otherwise
		}
		require.NoError(t, err)
		require.Equal(t, want, got, "%q", line)
	})
}
