package main

import (
	"errors"
	"io"

	"github.com/gofiber/fiber/v3"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
)

// maxDiscard is how much of a body over endpoint.MaxBodyBytes is read and
// dropped before the 413 is sent.
const maxDiscard = 64 << 20

// readBody reads the request body of at most endpoint.MaxBodyBytes, as
// the net/http example does, from the stream Fiber hands over (the server
// streams request bodies; see newFiber). A larger body gets endpoint.ErrPayloadTooLarge.
//
// Fiber closes the connection after answering a body it did not read to
// the end, and a client still sending it then sees a reset instead of the
// 413. So the rest of a body up to maxDiscard is read and dropped first;
// past that the client is not worth waiting for.
func readBody(c fiber.Ctx) ([]byte, error) {
	stream := c.Request().BodyStream()
	if stream == nil {
		body := c.Request().Body()
		if len(body) > endpoint.MaxBodyBytes {
			return nil, endpoint.ErrPayloadTooLarge
		}
		return append([]byte(nil), body...), nil
	}
	body, err := endpoint.ReadBody(stream)
	if errors.Is(err, endpoint.ErrPayloadTooLarge) {
		_, _ = io.CopyN(io.Discard, stream, maxDiscard)
		c.Set(fiber.HeaderConnection, "close")
	}
	return body, err
}
