// Package casbinwatch carries a plain Casbin enforcer's policy edits
// between replicas over a watch.Notifier (PostgreSQL LISTEN/NOTIFY, Redis
// pub/sub, or watch.Local): a Casbin persist.WatcherEx, for applications
// that keep a casbin.Enforcer of their own beside gatehouse.
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
