package watchtest_test

import (
	"sync"
	"testing"

	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/watchtest"
)

// Local, the in-process Notifier, passes the suite; Kill plays a dropped
// connection with Disconnect and Reconnect.
func TestLocal(t *testing.T) {
	// A Local is its own server: the notifiers of one case are one Local.
	var (
		mu    sync.Mutex
		local = map[*testing.T]*watch.Local{}
	)
	watchtest.Run(t, watchtest.Harness{
		New: func(t *testing.T) watch.Notifier {
			mu.Lock()
			defer mu.Unlock()
			if l, ok := local[t]; ok {
				return l
			}
			l := watch.NewLocal()
			local[t] = l
			t.Cleanup(func() { _ = l.Close() })
			return l
		},
		Kill: func(t *testing.T, n watch.Notifier) {
			l := n.(*watch.Local)
			l.Disconnect()
			l.Reconnect()
		},
	})
}
