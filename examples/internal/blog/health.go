package blog

import (
	"context"
	"net/http"
)

// Health answers GET /healthz: 200 when this replica can serve, 503 when
// its policy or revoked tokens cannot be vouched for or its database does
// not answer, so a load balancer sends requests elsewhere meanwhile.
func (a *App) Health(ctx context.Context, _ Request) Response {
	if err := a.Ready(ctx); err != nil {
		return fail(err)
	}
	return ok(http.StatusOK, map[string]string{"status": "ok"})
}
