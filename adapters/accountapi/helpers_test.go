package accountapi_test

import (
	"errors"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/authn"
)

func endpointRequest(body []byte) endpoint.Request {
	return endpoint.Request{Body: body, ClientIP: "192.0.2.1"}
}

// statusOf is the status of the errors the test expects.
func statusOf(err error) int {
	if errors.Is(err, authn.ErrThrottled) {
		return 429
	}
	return 500
}
