package main

import (
	"slices"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// The permissions the API's routes take. Organizations are the tenants:
// each permission is decided in the organization a request names, except
// permOrgsList, decided at the platform's level, outside every
// organization.
const (
	permProjectsRead   permissions.Permission = "projects:read"
	permProjectsCreate permissions.Permission = "projects:create"
	permProjectsUpdate permissions.Permission = "projects:update"
	permProjectsDelete permissions.Permission = "projects:delete"
	permMembersRead    permissions.Permission = "members:read"
	permMembersWrite   permissions.Permission = "members:write"
	// permOwnersWrite is needed on top of permMembersWrite to make or
	// unmake an owner, so that an admin cannot raise anyone, herself
	// included, above admin.
	permOwnersWrite permissions.Permission = "owners:write"
	permOrgsDelete  permissions.Permission = "orgs:delete"
	permOrgsList    permissions.Permission = "orgs:list"
)

// The roles a member may hold in an organization, from least to most.
const (
	roleGuest  = "guest"
	roleViewer = "viewer"
	roleMember = "member"
	roleAdmin  = "admin"
	roleOwner  = "owner"
)

// orgRoles are the roles members may be given in an organization. Any
// other name is refused: a platform role such as operator, or a user's id,
// which would hand out that user's roles.
var orgRoles = []string{roleGuest, roleViewer, roleMember, roleAdmin, roleOwner}

// isOrgRole reports whether role is one of orgRoles.
func isOrgRole(role string) bool { return slices.Contains(orgRoles, role) }

// operator is the platform-wide role of the people who run the service:
// held in every organization ("*"), and at the platform's level.
const operator = "operator"

// rolePolicy is what each role may do, written once for every
// organization ("*" as the tenant), and the role hierarchy, also written
// once. It seeds the policy store on the first start; later starts read
// the store. Members are given their roles per organization at runtime.
const rolePolicy = `
# guests see and edit only the projects they created
p, guest, *, projects:create, any, allow
p, guest, *, projects:read, own, allow
p, guest, *, projects:update, own, allow
p, guest, *, projects:delete, own, allow
# viewers read every project and the member list
p, viewer, *, projects:read, any, allow
p, viewer, *, members:read, any, allow
# members: what guests and viewers may do
g, member, guest, *
g, member, viewer, *
# admins: members, and every project and membership of their organization
g, admin, member, *
p, admin, *, projects:*, any, allow
p, admin, *, members:*, any, allow
# owners: admins who also make owners and delete the organization
g, owner, admin, *
p, owner, *, owners:write, any, allow
p, owner, *, orgs:delete, any, allow
# operators run the platform: in every organization and outside them
p, operator, *, orgs:*, any, allow
p, operator, *, members:*, any, allow
p, operator, *, owners:write, any, allow
p, operator, *, projects:read, any, allow
`
