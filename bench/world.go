package bench

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/gatehouse-go/gatehouse/internal/benchworld"
)

// World is benchworld's policy at one size, as lines every engine can be
// given, and requests of its users.
type World struct {
	// Text is the policy in Casbin's CSV format, as gatehouse reads it.
	Text string
	// Grants are its "p" lines; Edges its "g" lines, member → roles.
	Grants []Grant
	Edges  map[string][]string
	// Users is how many users it has: user0 … user<Users-1>.
	Users int
	// Hot repeats 1,024 requests; Cold is 65,536 requests of users drawn
	// uniformly from all of them, so that a loop over it misses every
	// cache a decision could keep.
	Hot, Cold []Request
}

// Grant is one "p" line: the role may do Permission with Scope "any" or
// "own".
type Grant struct{ Role, Permission, Scope string }

// Request asks whether Subject may do Permission to a resource of Owner.
type Request struct{ Subject, Permission, Owner string }

// NewWorld generates the world of about rules lines.
func NewWorld(rules int) World {
	text, users := benchworld.Policy(rules)
	w := World{Text: text, Edges: map[string][]string{}, Users: users}
	scanner := bufio.NewScanner(strings.NewReader(text))
	for scanner.Scan() {
		fields := strings.Split(scanner.Text(), ", ")
		switch fields[0] {
		case "p":
			w.Grants = append(w.Grants, Grant{Role: fields[1], Permission: fields[2], Scope: fields[3]})
		case "g":
			w.Edges[fields[1]] = append(w.Edges[fields[1]], fields[2])
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	draw := func(n int) []Request {
		out := make([]Request, n)
		for i := range out {
			sub := fmt.Sprintf("user%d", rng.IntN(users))
			owner := sub
			if rng.IntN(2) == 0 {
				owner = fmt.Sprintf("user%d", rng.IntN(users))
			}
			out[i] = Request{Subject: sub, Permission: fmt.Sprintf("res%d:act%d", rng.IntN(50), rng.IntN(7)), Owner: owner}
		}
		return out
	}
	w.Hot, w.Cold = draw(1024), draw(1<<16)
	return w
}
