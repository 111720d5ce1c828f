package external_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/external"
)

// An API that accepts the access tokens of its company's Keycloak, and
// maps the provider's "groups" claim to gatehouse roles, which the policy
// keeps.
func Example() {
	verifier, err := external.New(external.Config{
		Providers: []external.Provider{{
			Name:        "keycloak",
			Issuer:      "https://sso.example.com/realms/acme",
			Audience:    []string{"blog-api"},
			GroupsClaim: "groups",
		}},
		SyncGroups: func(ctx context.Context, subjectID string, groups []string) error {
			// With an authz.Engine: AssignRole for each mapped group the
			// subject lacks, RemoveRole for the others.
			fmt.Println(subjectID, "is an editor:", slices.Contains(groups, "/editors"))
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer verifier.Close()

	// verifier is an authn.Authenticator: put it in the guard's Chain,
	// before the application's own token.Issuer (with PassOtherIssuers) if
	// it has one.
	var _ authn.Authenticator = verifier
	fmt.Println("ready:", verifier.Err() == nil)
	// Output: ready: false
}
