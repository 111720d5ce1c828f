// To run several replicas of an application that keeps a Casbin enforcer
// of its own beside gatehouse, and have a policy edit made on one reach the
// others, make a Watcher with New over a watch.Notifier (PostgreSQL
// LISTEN/NOTIFY, Redis pub/sub, or watch.Local), set it on each replica's
// casbin.SyncedEnforcer and give it UpdateCallback. Package casbinwatch
// carries a plain Casbin enforcer's policy edits between replicas: its
// Watcher is a Casbin persist.WatcherEx.
//
//	w, err := casbinwatch.New(notifier, "casbin", casbinwatch.Config{Key: secret})
//	_ = enforcer.SetWatcher(w)
//	_ = w.SetUpdateCallback(casbinwatch.UpdateCallback(enforcer))
//
// It lives apart from package watch so that watch, and whatever follows
// its peers through it (authn/token's revocations), does not link Casbin.
// gatehouse's own authz.Engine needs none of it: it follows its peers with
// authz.WithNotifier.
package casbinwatch
