// Package storecall checks the arguments of throttle.Store's methods, as
// the Store's contract sets them out, for the stores of this module: each
// refuses what a Limiter never passes with throttle.ErrInvalidStoreCall,
// before it reads or writes anything. A store of one's own does the same
// checks, and storetest holds it to them.
package storecall

import (
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// MaxKeyLength is the longest key a store accepts, in bytes: the
// Limiter's longest is "account:" and MaxAccountLength bytes.
const MaxKeyLength = 400

// MaxIDLength is the longest attempt id a store accepts, in bytes: the
// Limiter's are 32 hexadecimal digits.
const MaxIDLength = 32

// MinWindow is the shortest window a store accepts, as Config does.
const MinWindow = time.Second

// Reserve checks the arguments of Store.Reserve.
func Reserve(id string, limits []throttle.Limit, window time.Duration) error {
	if err := checkID(id); err != nil {
		return err
	}
	return Usage(limits, window)
}

// Usage checks the arguments of Store.Usage.
func Usage(limits []throttle.Limit, window time.Duration) error {
	keys := make([]string, len(limits))
	for i, l := range limits {
		if l.Max < 1 {
			return fmt.Errorf("%w: limit %d of key %q is below 1", throttle.ErrInvalidStoreCall, l.Max, l.Key)
		}
		keys[i] = l.Key
	}
	if err := checkKeys(keys); err != nil {
		return err
	}
	return checkWindow(window)
}

// Fail checks the arguments of Store.Fail.
func Fail(id string, keys []string, window time.Duration) error {
	if err := Cancel(id, keys); err != nil {
		return err
	}
	return checkWindow(window)
}

// Succeed checks the arguments of Store.Succeed.
func Succeed(id string, keys []string, reset string) error {
	if err := Cancel(id, keys); err != nil {
		return err
	}
	return Reset(reset)
}

// Cancel checks the arguments of Store.Cancel.
func Cancel(id string, keys []string) error {
	if err := checkID(id); err != nil {
		return err
	}
	return checkKeys(keys)
}

// AddFailure checks the arguments of Store.AddFailure.
func AddFailure(keys []string, window time.Duration) error {
	if err := checkKeys(keys); err != nil {
		return err
	}
	return checkWindow(window)
}

// Reset checks the argument of Store.Reset.
func Reset(key string) error { return checkKey(key) }

func checkKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty key", throttle.ErrInvalidStoreCall)
	case len(key) > MaxKeyLength:
		return fmt.Errorf("%w: key of %d bytes, longer than %d", throttle.ErrInvalidStoreCall, len(key), MaxKeyLength)
	}
	return nil
}

// Keys returns the keys of limits, in order.
func Keys(limits []throttle.Limit) []string {
	keys := make([]string, len(limits))
	for i, l := range limits {
		keys[i] = l.Key
	}
	return keys
}

func checkID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty attempt id", throttle.ErrInvalidStoreCall)
	case len(id) > MaxIDLength:
		return fmt.Errorf("%w: attempt id of %d bytes, longer than %d", throttle.ErrInvalidStoreCall, len(id), MaxIDLength)
	}
	return nil
}

func checkKeys(keys []string) error {
	if len(keys) == 0 {
		return fmt.Errorf("%w: no keys", throttle.ErrInvalidStoreCall)
	}
	for i, key := range keys {
		if err := checkKey(key); err != nil {
			return err
		}
		for _, earlier := range keys[:i] {
			if key == earlier {
				return fmt.Errorf("%w: key %q given twice", throttle.ErrInvalidStoreCall, key)
			}
		}
	}
	return nil
}

func checkWindow(window time.Duration) error {
	if window < MinWindow {
		return fmt.Errorf("%w: window %v is shorter than %v", throttle.ErrInvalidStoreCall, window, MinWindow)
	}
	return nil
}
