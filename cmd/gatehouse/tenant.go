package main

import (
	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
)

// tenantModelName, given to --model, names the model with tenants
// embedded in gatehouse (model_tenants.conf); a file of that name is
// given as ./tenants.
const tenantModelName = "tenants"

// modelHelp describes --model wherever a command takes it.
const modelHelp = "the Casbin model `FILE`, or \"" + tenantModelName + "\" for gatehouse's embedded model with tenants " +
	"(default: gatehouse's embedded model.conf, without tenants)"

// tenantHelp describes --tenant wherever a command takes it.
const tenantHelp = "the `TENANT` the request or rule is in (\"acme\", \"acme/eu\"; \"*\" for a rule in every tenant), " +
	"under a model with tenants; none: the platform's level, where only rules for \"*\" apply"

// modelOptions returns the options that load the model --model names:
// none for the embedded model without tenants, the embedded model with
// tenants for tenantModelName, otherwise the file, checked first so that
// a malformed one is reported with its line.
func modelOptions(model string) ([]authz.Option, error) {
	switch model {
	case "":
		return nil, nil
	case tenantModelName:
		return []authz.Option{authz.WithModel(gatehouse.TenantModel())}, nil
	}
	if _, err := readModel(model); err != nil {
		return nil, err
	}
	return []authz.Option{authz.WithModelFile(model)}, nil
}

// tenantView returns e seen from tenant, which --tenant gave; "" is the
// platform's level under a model with tenants and the whole engine
// without. A tenant under a model without tenants is a usage error: the
// flag would otherwise be ignored, and a request meant for one tenant
// decided for all.
func tenantView(e *authz.Engine, tenant string) (authz.Tenant, error) {
	if tenant != "" && !e.Tenanted() {
		return authz.Tenant{}, errNoTenants(tenant)
	}
	return e.Tenant(tenant), nil
}

// errNoTenants refuses --tenant under a model without tenants.
func errNoTenants(tenant string) error {
	return usagef("--tenant %s: the model has no tenants; give one that has with --model FILE, or --model %s for gatehouse's",
		tenant, tenantModelName)
}
