package password_test

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Hashes made once, so that most tests read hashes instead of paying for
// new ones. Each is of fixturePassword unless its name says otherwise.
const (
	fixturePassword = "correct horse battery staple"

	// argon2idFixture was made by NewArgon2id(DefaultArgon2idParams).
	argon2idFixture = "$argon2id$v=19$m=19456,t=2,p=1$WQZHgtQooD8fTPCPhY9n+g$+bpHeBC9EDW4YP8CCY4YNZW2ytbW1aH7ijl2Xmtgqw8"

	// argon2idReference is the Argon2id vector of the reference
	// implementation (phc-winner-argon2, src/test.c): "password" with salt
	// "somesalt", m=65536, t=2, p=1.
	argon2idReference         = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	argon2idReferencePassword = "password"

	// bcrypt hashes as golang.org/x/crypto/bcrypt writes them. Cost 4 is far
	// too cheap to configure, but Verify reads such legacy hashes, and they
	// keep the tests fast.
	bcryptCost4Fixture  = "$2a$04$aMkI/uiZPER4wJj7VB8l4e67JJ6pWeYyAWnx8ACIisafqK4BfWv1G"
	bcryptCost10Fixture = "$2a$10$arPnWRuostGE6KZ116phIOFhA2S8JOvZNmOQlcPOkc0TsBCDJeX9O"
	bcryptCost11Fixture = "$2a$11$dP2Tcpbv7gZNOnlG89YyKeB2jFkECTAh/i3m22Ew1kknNJduxfAoq"
	bcryptCost12Fixture = "$2a$12$SCl.vDomkh3IuzFzQ4ndC.7FxplwKI/hdQ8cb4Cd/wQHALPrwd4HW"

	// bcrypt72aFixture is the cost-4 hash of 72 "a"s, bcrypt's longest
	// password.
	bcrypt72aFixture = "$2a$04$2AMCab8MB.diNh1OMgD0m./FiaTybqeAhAOWXr5NEw1h.r.ZTTpuu"
)

// phc builds an Argon2id PHC string with the given parameter field and a
// salt and hash of the given lengths; the hash matches no password.
func phc(params string, saltLen, keyLen int) string {
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$%s$%s$%s", params,
		enc.EncodeToString([]byte(strings.Repeat("s", saltLen))),
		enc.EncodeToString([]byte(strings.Repeat("k", keyLen))))
}
