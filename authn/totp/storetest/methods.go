package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// SetPending creates a record with a pending secret and nothing else, and
// replaces the pending secret of an existing one; Get gives it back.
func testSetPendingAndGet(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	user := newUserID(t)
	first := newSealed(t)
	setPending(t, s, user, first, base)
	want := totp.Record{UserID: user, Pending: first, UpdatedAt: base}
	assertStored(t, s, want, "a new record")
	assertStored(t, open(t), want, "another handle reads the same")

	second := newSealed(t)
	later := base.Add(time.Minute)
	setPending(t, open(t), user, second, later)
	want = totp.Record{UserID: user, Pending: second, UpdatedAt: later}
	assertStored(t, s, want, "the pending secret replaced")

	other := newUserID(t)
	setPending(t, s, other, first, base)
	assertStored(t, s, want, "another user's enrolment leaves this one alone")
	assertStored(t, s, totp.Record{UserID: other, Pending: first, UpdatedAt: base}, "two users may hold the same bytes")
}

// Activate moves the pending secret named to Active, clears Pending, and
// sets LastStep and the times; it refuses a secret that is not the pending
// one, and a record with no pending secret.
func testActivate(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	user := newUserID(t)
	sealed := newSealed(t)
	setPending(t, s, user, sealed, base)
	before := totp.Record{UserID: user, Pending: sealed, UpdatedAt: base}

	refusals := []struct {
		name    string
		pending []byte
	}{
		{"another secret", newSealed(t)},
		{"the secret less its last byte", sealed[:len(sealed)-1]},
		{"the secret and one byte more", append(append([]byte(nil), sealed...), 0)},
		{"nil", nil},
		{"empty", []byte{}},
	}
	for _, r := range refusals {
		activated, err := open(t).Activate(bg, user, r.pending, base.Add(time.Hour), 7)
		require.NoError(t, err, r.name)
		assert.False(t, activated, r.name)
		assertStored(t, s, before, "%s: nothing changed", r.name)
	}

	at := base.Add(time.Minute)
	activate(t, open(t), user, sealed, at, 67600000)
	want := totp.Record{UserID: user, Active: sealed, LastStep: 67600000, ActivatedAt: at, UpdatedAt: at}
	assertStored(t, s, want, "active, pending cleared")

	activated, err := s.Activate(bg, user, sealed, at.Add(time.Minute), 67600005)
	require.NoError(t, err)
	assert.False(t, activated, "no longer pending: not activated twice")
	assertStored(t, s, want, "nothing changed")
}

// A pending secret stands beside the active one, which keeps working,
// until it is activated in its place; the new active secret starts from
// the step it was confirmed at, whatever the last step of the old.
func testPendingBesideActive(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	user, old := enrolled(t, s, 100)
	accepted, err := s.UseStep(bg, user, old, 110)
	require.NoError(t, err)
	require.True(t, accepted)

	renewal := newSealed(t)
	at := base.Add(time.Hour)
	setPending(t, open(t), user, renewal, at)
	want := totp.Record{UserID: user, Pending: renewal, Active: old, LastStep: 110, ActivatedAt: base, UpdatedAt: at}
	assertStored(t, s, want, "pending beside active, which is untouched")

	accepted, err = s.UseStep(bg, user, renewal, 111)
	require.NoError(t, err)
	assert.False(t, accepted, "a pending secret is not active")
	accepted, err = open(t).UseStep(bg, user, old, 111)
	require.NoError(t, err)
	assert.True(t, accepted, "the active secret keeps working")
	want.LastStep = 111
	assertStored(t, s, want)

	confirmed := at.Add(time.Minute)
	activate(t, open(t), user, renewal, confirmed, 105)
	want = totp.Record{UserID: user, Active: renewal, LastStep: 105, ActivatedAt: confirmed, UpdatedAt: confirmed}
	assertStored(t, s, want, "the renewal replaced the old secret")
	accepted, err = s.UseStep(bg, user, old, 200)
	require.NoError(t, err)
	assert.False(t, accepted, "the old secret no longer works")
	accepted, err = s.UseStep(bg, user, renewal, 106)
	require.NoError(t, err)
	assert.True(t, accepted, "the new one does, from its own step")
}

// UseStep accepts only a step after LastStep, of the active secret, and
// LastStep only rises.
func testUseStep(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	user, sealed := enrolled(t, s, 1000)
	want := totp.Record{UserID: user, Active: sealed, LastStep: 1000, ActivatedAt: base, UpdatedAt: base}
	steps := []struct {
		name     string
		active   []byte
		step     int64
		accepted bool
		last     int64
	}{
		{"the step confirmed", sealed, 1000, false, 1000},
		{"a step before", sealed, 999, false, 1000},
		{"the next step", sealed, 1001, true, 1001},
		{"the same again", sealed, 1001, false, 1001},
		{"a jump", sealed, 1_000_000_000, true, 1_000_000_000},
		{"back", sealed, 1002, false, 1_000_000_000},
		{"later, with another secret", newSealed(t), 2_000_000_000, false, 1_000_000_000},
		{"later, with no secret", nil, 2_000_000_000, false, 1_000_000_000},
		{"later, with a prefix of the secret", sealed[:10], 2_000_000_000, false, 1_000_000_000},
		{"later still", sealed, 1<<62 + 1, true, 1<<62 + 1},
	}
	for i, step := range steps {
		h := []totp.Store{s, open(t)}[i%2]
		accepted, err := h.UseStep(bg, user, step.active, step.step)
		require.NoError(t, err, step.name)
		assert.Equal(t, step.accepted, accepted, step.name)
		want.LastStep = step.last
		assertStored(t, s, want, step.name)
	}

	// A record with a pending secret only has no step to use.
	pendingOnly := newUserID(t)
	pending := newSealed(t)
	setPending(t, s, pendingOnly, pending, base)
	accepted, err := s.UseStep(bg, pendingOnly, pending, 1)
	require.NoError(t, err)
	assert.False(t, accepted, "a pending secret is not active")
	assertStored(t, s, totp.Record{UserID: pendingOnly, Pending: pending, UpdatedAt: base})
}

// Delete removes the record, pending and active secrets alike, and only
// it; a second Delete finds nothing.
func testDelete(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	user, sealed := enrolled(t, s, 5)
	setPending(t, s, user, newSealed(t), base.Add(time.Minute))
	other, otherSealed := enrolled(t, s, 9)
	pendingOnly := newUserID(t)
	pending := newSealed(t)
	setPending(t, s, pendingOnly, pending, base)

	found, err := open(t).Delete(bg, user)
	require.NoError(t, err)
	assert.True(t, found)
	assertAbsent(t, s, user)
	accepted, err := s.UseStep(bg, user, sealed, 6)
	require.NoError(t, err)
	assert.False(t, accepted, "a deleted secret accepts nothing")
	found, err = s.Delete(bg, user)
	require.NoError(t, err)
	assert.False(t, found, "deleted already")

	found, err = s.Delete(bg, pendingOnly)
	require.NoError(t, err)
	assert.True(t, found, "a record with a pending secret only")
	assertAbsent(t, s, pendingOnly)
	activated, err := s.Activate(bg, pendingOnly, pending, base, 1)
	require.NoError(t, err)
	assert.False(t, activated, "a deleted enrolment cannot be confirmed")

	assertStored(t, s, totp.Record{UserID: other, Active: otherSealed, LastStep: 9, ActivatedAt: base, UpdatedAt: base},
		"another user is untouched")

	// Enrolling after a delete starts afresh.
	again := newSealed(t)
	setPending(t, s, user, again, base.Add(time.Hour))
	assertStored(t, s, totp.Record{UserID: user, Pending: again, UpdatedAt: base.Add(time.Hour)})
}

// Every method answers not found, without error, for a user it has never
// seen.
func testNotFound(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	enrolled(t, s, 1) // the store is not empty
	user := newUserID(t)
	rec, found, err := s.Get(bg, user)
	require.NoError(t, err)
	assert.False(t, found)
	assert.Zero(t, rec)
	activated, err := s.Activate(bg, user, newSealed(t), base, 1)
	require.NoError(t, err)
	assert.False(t, activated)
	accepted, err := s.UseStep(bg, user, newSealed(t), 1)
	require.NoError(t, err)
	assert.False(t, accepted)
	found, err = s.Delete(bg, user)
	require.NoError(t, err)
	assert.False(t, found)
	assertAbsent(t, s, user, "nothing was created")
}

// User ids compare byte for byte: ids that differ in case, spaces, accents
// or normalisation are different users.
func testComparesExactly(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	id := "usr_" + strings.Repeat("a", 10)
	ids := []string{id, strings.ToUpper(id), id + " ", " " + id, "usr_é", "usr_e\u0301", "usr_ß", "usr_ss"}
	secrets := make([][]byte, len(ids))
	for i, id := range ids {
		secrets[i] = newSealed(t)
		setPending(t, s, id, secrets[i], baseTime(i))
	}
	for i, id := range ids {
		assertStored(t, s, totp.Record{UserID: id, Pending: secrets[i], UpdatedAt: baseTime(i)}, "%q", id)
	}
	activate(t, s, ids[0], secrets[0], baseTime(100), 3)
	for i, id := range ids[1:] {
		activated, err := s.Activate(bg, id, secrets[0], baseTime(100), 3)
		require.NoError(t, err)
		assert.False(t, activated, "%q is not %q", id, ids[0])
		accepted, err := s.UseStep(bg, id, secrets[0], 4)
		require.NoError(t, err)
		assert.False(t, accepted, "%q is not %q", id, ids[0])
		assertStored(t, s, totp.Record{UserID: id, Pending: secrets[i+1], UpdatedAt: baseTime(i + 1)}, "%q", id)
	}
	found, err := s.Delete(bg, ids[1])
	require.NoError(t, err)
	require.True(t, found)
	assertStored(t, s, totp.Record{UserID: ids[0], Active: secrets[0], LastStep: 3, ActivatedAt: baseTime(100), UpdatedAt: baseTime(100)},
		"deleting a look-alike leaves the user alone")
}

// baseTime is a distinct time for each i, seconds after base.
func baseTime(i int) time.Time { return base.Add(time.Duration(i) * time.Second) }

// Times are kept to the microsecond, whatever their location, and steps
// over their whole range.
func testKeepsTimes(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	times := []time.Time{
		base,
		base.Add(time.Microsecond),
		time.Date(2030, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(2030, 6, 1, 12, 0, 0, 1000, zone),
		time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for i, at := range times {
		user, sealed := newUserID(t), newSealed(t)
		setPending(t, s, user, sealed, at)
		step := int64(i) * (1 << 60)
		activate(t, s, user, sealed, at.Add(time.Microsecond), step)
		got, found := get(t, open(t), user)
		require.True(t, found)
		assert.True(t, at.Add(time.Microsecond).Equal(got.ActivatedAt), "ActivatedAt %v, want %v", got.ActivatedAt, at.Add(time.Microsecond))
		assert.True(t, at.Add(time.Microsecond).Equal(got.UpdatedAt), "UpdatedAt %v", got.UpdatedAt)
		assert.Equal(t, step, got.LastStep)
	}
}
