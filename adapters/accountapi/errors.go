package accountapi

import (
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

// CodeInvalidCredentials is the code of a refused email and password: the
// same for an unknown email and a wrong password.
const CodeInvalidCredentials = "invalid_credentials"

func conflict(message string) error {
	return &guard.Error{Status: http.StatusConflict, Code: guard.CodeConflict, Message: message}
}

// invalidCredentials is login's 401: the same body for an unknown email
// and a wrong password.
func invalidCredentials(cause error) error {
	return &guard.Error{
		Status: http.StatusUnauthorized, Code: CodeInvalidCredentials, Message: "invalid email or password",
		Header: http.Header{"Www-Authenticate": []string{`Bearer realm="gatehouse"`}}, Cause: cause,
	}
}
