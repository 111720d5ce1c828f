package revocationtest

import "unsafe"

// unsafeString returns a string sharing b's memory, which changes when b
// does: what a careless caller hands a list.
func unsafeString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
