package authz

import "github.com/gatehouse-go/gatehouse"

func defaultModelForTest() string { return gatehouse.DefaultModel() }
