package gormstore

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/token/internal/revset"
	"github.com/gatehouse-go/gatehouse/watch"
)

// Apply reads messages anybody able to publish on the channel may have
// written: unsealed, it ignores them; sealed, whatever they hold, it never
// panics, leaves memory's revision
// alone unless the message is this store's next one, and revokes nothing
// for a message it refuses.
func FuzzRevocationMessage(f *testing.F) {
	for _, seed := range []string{
		`{"store":"s1","rev":1,"sub":"bob","jti":"t1","exp":"2030-01-02T03:04:05Z"}`,
		`{"store":"s1","rev":1,"sub":"bob","gen":3}`,
		`{"store":"s1","rev":1,"sub":"bob","sid":"f1","exp":"2030-01-02T03:04:05Z"}`,
		`{"store":"s1","rev":1,"sub":"bob","sid":"f1"}`,
		`{"store":"s1","rev":1,"sub":"bob","sid":"f1","jti":"t1","exp":"2030-01-02T03:04:05Z"}`,
		`{"store":"s1","rev":5,"sub":"bob","gen":1}`,
		`{"store":"s2","rev":1,"sub":"bob","gen":1}`,
		`{"store":"s1","rev":1,"sub":"bob","jti":"t1"}`,
		`{"store":"s1","rev":1,"sub":"bob","exp":"2030-01-02T03:04:05Z"}`,
		`{"store":"s1","rev":1,"sub":"bob","gen":1,"jti":"t1","exp":"2030-01-02T03:04:05Z"}`,
		`{"store":"s1","rev":1,"sub":"bob","jti":"t1","exp":"0001-01-01T00:00:00Z"}`,
		`{"store":"s1","rev":-1,"sub":"\xff","gen":1}`,
		`{"store":"s1","rev":1,"sub":"bob","jti":"t1","exp":"not a time"}`,
		`null`, `[]`, `{}`, `"s1"`, ``,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, payload string) {
		r := &Store{
			now:     time.Now,
			set:     revset.New(),
			storeID: "s1",
			sealKey: []byte("fuzz-sealing-key-0123456789abcdef"),
			logger:  slog.New(slog.DiscardHandler),
		}
		follower := &revocationFollower{r: r}
		// Unsealed, whatever it says, it is ignored.
		if err := follower.Apply(context.Background(), payload); err != nil ||
			!r.set.Empty() || r.revision != 0 {
			t.Fatalf("an unsealed message was acted on: %v", err)
		}
		err := follower.Apply(context.Background(), watch.Seal(r.sealKey, payload))
		changed := !r.set.Empty()
		var m revocationMessage
		valid := json.Unmarshal([]byte(payload), &m) == nil && m.Store == "s1" && m.validate() == nil
		switch {
		case r.revision > 1:
			t.Fatalf("revision %d from one message", r.revision)
		case err != nil && r.revision != 0:
			t.Fatalf("revision moved for a message refused: %v", err)
		case changed && !valid:
			t.Fatalf("memory changed for a message that is not this store's: %+v", r.set)
		case valid && m.Revision == 1 && (err != nil || r.revision != 1):
			t.Fatalf("the next revision was not applied: %v", err)
		case valid && m.Revision > 1 && err == nil:
			t.Fatal("a gap did not ask for a reload")
		}
	})
}
