//go:build !race

package authz

// raceDetector is set when the tests run under the race detector.
const raceDetector = false
