package connection

import (
	"context"

	"github.com/gatehouse-go/gatehouse/watch"
)

// BeginPublish makes the checks every notifier's Publish makes before it
// sends — the notifier is not closed, the channel name is valid
// (channelErr), the payload fits, ctx is live — and returns ctx bound to
// the notifier's lifetime, so that Close cancels a publication in flight
// rather than wait on it. Call done when the publication ends.
func BeginPublish(ctx, lifetime context.Context, closed bool, channelErr error, payload string) (_ context.Context, done func(), _ error) {
	if closed {
		return nil, nil, watch.ErrClosed
	}
	if channelErr != nil {
		return nil, nil, channelErr
	}
	if err := watch.CheckPayload(payload); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(lifetime, cancel)
	return ctx, func() { stop(); cancel() }, nil
}
