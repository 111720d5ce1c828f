// To name what an application lets its users do, write each operation as a
// Permission, "resource:action", and check text that names one (from a
// configuration file, an admin request) with Parse before it reaches a
// policy; package authz grants and decides on these names. Package
// permissions is gatehouse's vocabulary: the permissions an application
// checks, written "resource:action" ("posts:read", "users:delete"), and the
// scope a grant of one has: "any" resource of that type, or only the
// resources the requesting subject owns ("own").
//
// The package has no dependencies and makes no decisions; authz judges
// subjects against policies written in these terms. Parse and ParseScope
// reject malformed input with errors that match ErrInvalidPermission and
// ErrInvalidScope.
package permissions
