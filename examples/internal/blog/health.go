package blog

import (
	"context"
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

// Health answers GET /healthz: 200 when this replica can serve, 503 when
// its policy or revoked tokens cannot be vouched for or its database does
// not answer, so a load balancer sends requests elsewhere meanwhile.
func (a *App) Health(ctx context.Context, _ Request) Response {
	if err := a.Ready(ctx); err != nil {
		a.log.Warn("not ready", "error", err)
		return Response{Err: &guard.Error{
			Status: http.StatusServiceUnavailable, Code: guard.CodeUnavailable,
			Message: "this replica cannot serve requests right now", Header: http.Header{"Retry-After": []string{"1"}},
		}}
	}
	return ok(http.StatusOK, map[string]string{"status": "ok"})
}
