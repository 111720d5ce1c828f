package authz

import "github.com/gatehouse-go/gatehouse"

func defaultModelForTest() string { return gatehouse.DefaultModel() }

// Reloads returns how many times e loaded its whole policy after New.
func Reloads(e *Engine) int64 { return e.reloads.Load() }
