package totp

// Seal seals secret for userID as Enroll does, so that tests can install a
// secret of their choosing.
func (m *Manager) Seal(userID string, secret []byte) ([]byte, error) {
	return m.sealer.seal(userID, secret)
}
