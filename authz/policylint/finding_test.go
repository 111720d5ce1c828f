package policylint_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/authz/policylint"
)

func TestFindingString(t *testing.T) {
	t.Parallel()
	f := policylint.Finding{Source: "policy.csv", Line: 12, Check: policylint.CheckDuplicate,
		Message: "p, user, posts:read, own, allow is a duplicate of line 4"}
	assert.Equal(t, "policy.csv:12: [duplicate] p, user, posts:read, own, allow is a duplicate of line 4", f.String())
}

func TestFindingSeverity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		check string
		want  policylint.Severity
	}{
		{policylint.CheckMalformed, policylint.SeverityError},
		{policylint.CheckDuplicate, policylint.SeverityWarning},
		{policylint.CheckUndefinedRole, policylint.SeverityWarning},
		{policylint.CheckCycle, policylint.SeverityError},
		{policylint.CheckTooDeep, policylint.SeverityError},
		{policylint.CheckCancelled, policylint.SeverityError},
		{policylint.CheckShadowed, policylint.SeverityWarning},
		{policylint.CheckCaseMismatch, policylint.SeverityWarning},
		{policylint.CheckExpired, policylint.SeverityWarning},
		{policylint.CheckExpiryConflict, policylint.SeverityError},
		{policylint.CheckUndefinedRelationRole, policylint.SeverityWarning},
		{policylint.CheckRelationTypeMismatch, policylint.SeverityWarning},
		{policylint.CheckParentConflict, policylint.SeverityError},
		{policylint.CheckParentCycle, policylint.SeverityError},
		{policylint.CheckParentTooDeep, policylint.SeverityError},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, policylint.Finding{Check: tt.check}.Severity(), tt.check)
	}
}

func TestChecksAreStable(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{
		"malformed", "duplicate", "undefined-role", "cycle",
		"too-deep", "cancelled", "shadowed", "case-mismatch",
		"role-empty-in-tenant", "memberless-tenant", "expired", "expiry-conflict",
		"undefined-relation-role", "relation-type-mismatch", "parent-conflict",
		"parent-cycle", "parent-too-deep",
	}, policylint.Checks())
}
