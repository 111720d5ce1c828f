package retry_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
)

func TestDeadlocked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"MySQL deadlock", &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found"}, true},
		{"wrapped MySQL deadlock", fmt.Errorf("refresh: %w", &mysqldriver.MySQLError{Number: 1213}), true},
		{"MySQL duplicate key", &mysqldriver.MySQLError{Number: 1062}, false},
		{"MySQL lock wait timeout", &mysqldriver.MySQLError{Number: 1205}, false},
		{"PostgreSQL deadlock", &pgconn.PgError{Code: "40P01"}, true},
		{"PostgreSQL serialization failure", fmt.Errorf("x: %w", &pgconn.PgError{Code: "40001"}), true},
		{"PostgreSQL unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"other", errors.New("disk full"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, retry.Deadlocked(tt.err), tt.name)
	}
}

func TestOnDeadlock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	deadlock := &mysqldriver.MySQLError{Number: 1213}
	other := errors.New("disk full")
	tests := []struct {
		name      string
		ctx       context.Context
		errs      []error // what each attempt returns; nil past the end
		wantErr   error
		wantCalls int
	}{
		{"success at once", ctx, nil, nil, 1},
		{"success after a deadlock", ctx, []error{deadlock}, nil, 2},
		{"other errors are not retried", ctx, []error{other}, other, 1},
		{"five deadlocks give up", ctx, []error{deadlock, deadlock, deadlock, deadlock, deadlock, deadlock}, deadlock, 5},
		{"a done context stops", cancelled(), []error{deadlock, deadlock}, deadlock, 1},
	}
	for _, tt := range tests {
		calls := 0
		err := retry.OnDeadlock(tt.ctx, func() error {
			calls++
			if calls <= len(tt.errs) {
				return tt.errs[calls-1]
			}
			return nil
		})
		assert.Equal(t, tt.wantErr, err, tt.name)
		assert.Equal(t, tt.wantCalls, calls, tt.name)
	}
}

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
