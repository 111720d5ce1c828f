package external

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/providername"
)

// identityOf reads the identity a verified token of p proves.
func identityOf(p Provider, claims jwt.MapClaims) (authn.ExternalIdentity, error) {
	sub, ok := claims[p.SubjectClaim].(string)
	if !ok {
		return authn.ExternalIdentity{}, fmt.Errorf("external: %s is missing or not a string: %w", p.SubjectClaim, authn.ErrInvalidToken)
	}
	if err := providername.CheckSubject(sub); err != nil {
		return authn.ExternalIdentity{}, fmt.Errorf("external: %s %w: %w", p.SubjectClaim, err, authn.ErrInvalidToken)
	}
	id, err := providername.Identity(claims, p.Name, p.Issuer, sub, p.GroupsClaim)
	if err != nil {
		return authn.ExternalIdentity{}, fmt.Errorf("external: %w: %w", err, authn.ErrInvalidToken)
	}
	return id, nil
}

// remembers reports whether joined are the groups last synchronized for
// subject.
func (g *groupMemory) remembers(subject, joined string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	last, seen := g.last[subject]
	return seen && last == joined
}

// maxRememberedGroups bounds groupMemory: past it, it forgets everything
// and calls SyncGroups again for each subject as its tokens come.
const maxRememberedGroups = 10000

// groupMemory remembers the groups last synchronized for each subject, so
// that Config.SyncGroups runs when they change, not on every request.
type groupMemory struct {
	mu   sync.Mutex
	last map[string]string // subject id → its groups, sorted and joined
	// syncing serializes the calls of SyncGroups: two tokens of a subject
	// with other groups, racing, must not leave the memory saying one set
	// while the roles were last set for the other. Calls are rare: only
	// when groups change.
	syncing sync.Mutex
}

func (g *groupMemory) init() { g.last = map[string]string{} }

// sync calls fn when groups differ from those last synchronized for
// subject, and remembers them when it succeeds.
func (g *groupMemory) sync(ctx context.Context, subject string, groups []string,
	fn func(ctx context.Context, subjectID string, groups []string) error) error {
	sorted := slices.Clone(groups)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	joined := strings.Join(sorted, "\x00")
	if g.remembers(subject, joined) {
		return nil
	}
	g.syncing.Lock()
	defer g.syncing.Unlock()
	if g.remembers(subject, joined) { // a racing call synchronized them
		return nil
	}
	if err := fn(ctx, subject, sorted); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.last) >= maxRememberedGroups {
		clear(g.last)
	}
	g.last[subject] = joined
	return nil
}
