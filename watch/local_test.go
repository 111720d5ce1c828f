package watch_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/watch"
)

// Local refuses an empty channel name, as the notifiers on a server do.
func TestLocalRefusesEmptyChannel(t *testing.T) {
	t.Parallel()
	hub := watch.NewLocal()
	t.Cleanup(func() { _ = hub.Close() })
	cases := []struct {
		name string
		call func(t *testing.T) error
	}{
		{"Publish", func(*testing.T) error { return hub.Publish(context.Background(), "", "x") }},
		{"Subscribe", func(t *testing.T) error {
			cancel, err := hub.Subscribe("", func(watch.Event) {})
			assert.Nil(t, cancel)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.ErrorIs(t, tc.call(t), watch.ErrInvalidConfig)
		})
	}
}
