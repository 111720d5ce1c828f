package watch_test

import (
	"testing"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/watch"
)

// casbinReplica is a Casbin enforcer on the shared store, with a
// CasbinWatcher on hub.
func casbinReplica(t *testing.T, path string, hub watch.Notifier, key []byte) *casbin.SyncedEnforcer {
	t.Helper()
	adapter, err := gormadapter.NewAdapterByDB(testdb.OpenFile(t, path))
	require.NoError(t, err)
	m, err := model.NewModelFromString(gatehouse.DefaultModel())
	require.NoError(t, err)
	e, err := casbin.NewSyncedEnforcer(m, adapter)
	require.NoError(t, err)
	w, err := watch.NewCasbinWatcher(hub, "casbin_test", watch.CasbinWatcherConfig{Timeout: time.Second, Key: key})
	require.NoError(t, err)
	t.Cleanup(w.Close)
	require.NoError(t, e.SetWatcher(w))
	require.NoError(t, w.SetUpdateCallback(watch.CasbinUpdateCallback(e)))
	return e
}

func TestCasbinWatcherKeepsPlainEnforcersInStep(t *testing.T) {
	for name, key := range map[string][]byte{"unsealed": nil, "sealed": []byte("casbin-watcher-test-key")} {
		t.Run(name, func(t *testing.T) { casbinReplicasInStep(t, key) })
	}
}

func casbinReplicasInStep(t *testing.T, key []byte) {
	hub := watch.NewLocal()
	path := testdb.Path(t)
	a := casbinReplica(t, path, hub, key)
	b := casbinReplica(t, path, hub, key)

	enforces := func(e *casbin.SyncedEnforcer, sub, perm, owner string, want bool) func() bool {
		return func() bool {
			ok, err := e.Enforce(sub, perm, owner)
			return err == nil && ok == want
		}
	}
	wait := func(cond func() bool, msg string) {
		t.Helper()
		require.Eventually(t, cond, 10*time.Second, 5*time.Millisecond, msg)
	}

	_, err := a.AddPolicy("user", "posts:read", "any", "allow")
	require.NoError(t, err)
	_, err = a.AddGroupingPolicy("bob", "user")
	require.NoError(t, err)
	wait(enforces(b, "bob", "posts:read", "", true), "b never heard of the grant and the role")

	_, err = b.AddPolicies([][]string{{"user", "posts:write", "any", "allow"}, {"bob", "posts:write", "any", "deny"}})
	require.NoError(t, err)
	wait(enforces(a, "bob", "posts:write", "", false), "a never heard of the deny")
	wait(enforces(a, "user", "posts:write", "", true), "a never heard of the allow")

	_, err = a.RemovePolicy("bob", "posts:write", "any", "deny")
	require.NoError(t, err)
	wait(enforces(b, "bob", "posts:write", "", true), "b never heard of the removal")

	_, err = a.RemoveFilteredGroupingPolicy(0, "bob")
	require.NoError(t, err)
	wait(enforces(b, "bob", "posts:read", "", false), "b never heard of the filtered removal")

	if key != nil {
		// A message not sealed with the key is ignored.
		forged := `{"method":"UpdateForAddPolicies","origin":"x","sec":"g","ptype":"g","rules":[["mallory","user"]]}`
		require.NoError(t, hub.Publish(t.Context(), "casbin_test", forged))
		_, err = a.AddGroupingPolicy("dave", "user")
		require.NoError(t, err)
		wait(enforces(b, "dave", "posts:read", "", true), "b never heard of dave")
		ok, err := b.Enforce("mallory", "posts:read", "")
		require.NoError(t, err)
		require.False(t, ok, "a forged message was applied")
	}

	// After a reconnection the callback reloads: an edit made while the
	// notifier was down is caught up.
	hub.Disconnect()
	_, err = a.AddGroupingPolicy("carol", "user")
	require.Error(t, err, "the edit is stored, but peers cannot be told")
	hub.Reconnect()
	wait(enforces(b, "carol", "posts:read", "", true), "b never reloaded after reconnecting")
}
