package token

// headerNames are the header parameters of RFC 7515 §4.1 and RFC 7797.
// Only alg, kid, typ and crit are read, but a header that spells any of
// them in another case means something to some reader.
var headerNames = []string{"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "b64"}

// claimNames are the claims Verify reads of every token, to which
// Config.CustomClaims adds the application's own. exp, nbf, iat and
// auth_time are also the NumericDate claims, listed in dateNames.
var claimNames = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", authTimeClaim, generationClaim, familyClaim,
	amrClaim, acrClaim}

// dateNames are the claims that hold a NumericDate (RFC 7519 §2): a JSON
// number, which golang-jwt would also read from a string.
var dateNames = []string{"exp", "nbf", "iat", authTimeClaim}
