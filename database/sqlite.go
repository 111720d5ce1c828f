package database

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// sqliteDSN adds what several writers need: wait for a lock (rather than
// fail at once with SQLITE_BUSY) and take the write lock when a transaction
// begins (rather than fail to upgrade a read lock later). What path already
// says is kept. _busy_timeout=MS, the form of the cgo driver gatehouse used
// before, is read as _pragma=busy_timeout(MS) so that such DSNs keep their
// meaning; any other parameter starting with "_" is refused, since the
// driver would ignore it without a word. That includes the driver's own
// _time_format: with it, the driver skips _txlock, and the stores expect
// times written in the default format.
func sqliteDSN(path string) (string, error) {
	file, query, _ := strings.Cut(path, "?")
	if file == "" {
		return "", fmt.Errorf("%w: sqlite: needs a file path before the parameters, as in sqlite:gatehouse.db?_txlock=immediate", ErrInvalidDSN)
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("%w: sqlite: parameters: %v", ErrInvalidDSN, err)
	}
	for name := range params {
		switch name {
		case "_pragma", "_txlock", "_busy_timeout":
		default:
			if strings.HasPrefix(name, "_") {
				return "", fmt.Errorf("%w: sqlite: unknown parameter %s; set a pragma with _pragma=NAME(VALUE)", ErrInvalidDSN, name)
			}
		}
	}
	if values, ok := params["_busy_timeout"]; ok {
		ms, err := strconv.Atoi(values[len(values)-1])
		if err != nil || ms < 0 {
			return "", fmt.Errorf("%w: sqlite: _busy_timeout=%q is not a number of milliseconds", ErrInvalidDSN, values[len(values)-1])
		}
		params.Del("_busy_timeout")
		params.Add("_pragma", "busy_timeout("+strconv.Itoa(ms)+")")
	}
	if !setsPragma(params["_pragma"], "busy_timeout") {
		params.Add("_pragma", "busy_timeout(5000)")
	}
	switch strings.ToLower(params.Get("_txlock")) {
	case "":
		params.Set("_txlock", "immediate")
	case "deferred", "immediate", "exclusive":
	default:
		return "", fmt.Errorf("%w: sqlite: _txlock=%q; use deferred, immediate or exclusive", ErrInvalidDSN, params.Get("_txlock"))
	}
	return file + "?" + params.Encode(), nil
}

// setsPragma reports whether one of the _pragma values sets the pragma name.
func setsPragma(pragmas []string, name string) bool {
	for _, p := range pragmas {
		set, _, _ := strings.Cut(p, "(")
		set, _, _ = strings.Cut(set, "=")
		if strings.EqualFold(strings.TrimSpace(set), name) {
			return true
		}
	}
	return false
}
