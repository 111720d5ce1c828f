package adaptertest

import (
	"context"
	"sync"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

// recordingObserver is the guard's Observer of every fixture: the whole
// suite runs observed. It marks the context JoinTrace returns with the
// traceparent it was given, and records, for each authentication and
// check, the mark its context carried: a mark that reaches Authorizing
// shows the adapter served the request in the joined context.
type recordingObserver struct {
	mu             sync.Mutex
	authenticating []string // the mark of each authentication's context
	authorizing    []string // the mark of each check's context
}

// joinedKey marks a context JoinTrace returned.
type joinedKey struct{}

func (o *recordingObserver) JoinTrace(ctx context.Context, h guard.TraceHeaders) context.Context {
	if parent := h.Get("traceparent"); parent != "" {
		return context.WithValue(ctx, joinedKey{}, parent)
	}
	return ctx
}

func mark(ctx context.Context) string { s, _ := ctx.Value(joinedKey{}).(string); return s }

// record appends the mark of ctx to seen.
func (o *recordingObserver) record(seen *[]string, ctx context.Context) {
	o.mu.Lock()
	defer o.mu.Unlock()
	*seen = append(*seen, mark(ctx))
}

func (o *recordingObserver) Authenticating(ctx context.Context) context.Context {
	o.record(&o.authenticating, ctx)
	return ctx
}

func (o *recordingObserver) Authenticated(context.Context, guard.AuthenticationEvent) {}

func (o *recordingObserver) Authorizing(ctx context.Context) context.Context {
	o.record(&o.authorizing, ctx)
	return ctx
}

func (o *recordingObserver) Authorized(context.Context, guard.AuthorizationEvent) {}

// marks returns the marks seen since the n-th authentication and m-th
// check.
func (o *recordingObserver) marks(n, m int) (authenticating, authorizing []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.authenticating[n:]...), append([]string(nil), o.authorizing[m:]...)
}

// seen returns how many authentications and checks were observed.
func (o *recordingObserver) seen() (int, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.authenticating), len(o.authorizing)
}
