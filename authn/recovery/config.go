package recovery

import (
	"fmt"
	"time"
)

// Bounds of Config.Count.
const (
	// DefaultCount is Config.Count when it is zero: ten codes, as most
	// services hand out.
	DefaultCount = 10
	// MinCount is the fewest codes a Generate may draw: fewer leave a
	// user who loses a device with too few ways back.
	MinCount = 5
	// MaxCount is the most codes a Generate may draw: each is one more
	// secret that lets its holder past the second factor.
	MaxCount = 20
)

// Config configures Codes. The zero value is ready to use.
type Config struct {
	// Count is how many codes Generate draws; default DefaultCount (10),
	// between MinCount (5) and MaxCount (20). Every code is a way past
	// the second factor for whoever holds it: more codes are more
	// logins without the device, and more secrets on the user's paper.
	Count int
	// Now returns the current time; nil means time.Now. It stamps when
	// codes were made and used; tests set it to a fake clock.
	Now func() time.Time
}

// withDefaults returns c with its zero fields filled in, or an error
// matching ErrConfig when a field cannot be used.
func (c Config) withDefaults() (Config, error) {
	switch {
	case c.Count == 0:
		c.Count = DefaultCount
	case c.Count < MinCount || c.Count > MaxCount:
		return Config{}, fmt.Errorf("%w: Count %d is outside %d to %d", ErrConfig, c.Count, MinCount, MaxCount)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}
