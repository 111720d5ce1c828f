package jwtshape

// CheckMembersByTokens is the walk of encoding/json's tokens that
// CheckMembers agrees with.
var CheckMembersByTokens = checkMembersByTokens
