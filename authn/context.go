package authn

import "context"

// subjectKey is the context key for the authenticated subject; unexported so
// that only NewContext can set it.
type subjectKey struct{}

// NewContext returns a copy of ctx carrying s, as the framework adapters do
// once a request is authenticated.
func NewContext(ctx context.Context, s Subject) context.Context {
	return context.WithValue(ctx, subjectKey{}, s)
}

// FromContext returns the subject NewContext stored in ctx. ok is false for
// a request nobody authenticated, including an anonymous one let through by
// optional authentication.
func FromContext(ctx context.Context) (s Subject, ok bool) {
	s, ok = ctx.Value(subjectKey{}).(Subject)
	return s, ok && !s.IsZero()
}
