package password

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
)

// List is a BreachChecker that holds its passwords in memory, such as the
// most common passwords long enough to pass the Rules, for systems that
// cannot ask an outside service. It compares the exact password, with
// letter case and surrounding spaces: "Password123!" is not "password123!".
//
// A List is safe for concurrent use; it does no I/O, so Breached never
// fails.
type List struct {
	passwords map[string]struct{}
}

// NewList returns a List of passwords, which it copies.
func NewList(passwords []string) *List {
	l := &List{passwords: make(map[string]struct{}, len(passwords))}
	for _, p := range passwords {
		l.passwords[p] = struct{}{}
	}
	return l
}

// ReadList returns a List of the lines of r, such as a file of common
// passwords, one per line. A line ends with "\n" or "\r\n"; everything else
// on it, spaces included, is part of the password, and empty lines are
// skipped. A UTF-8 byte-order mark at the start is dropped. A line longer
// than 64 KiB, or a read error, fails the whole list.
func ReadList(r io.Reader) (*List, error) {
	l := &List{passwords: make(map[string]struct{})}
	sc := bufio.NewScanner(r)
	first := true
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if first {
			line, first = strings.TrimPrefix(line, "\uFEFF"), false
		}
		if line != "" {
			l.passwords[line] = struct{}{}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("password: read breached-password list: %w", err)
	}
	return l, nil
}

// Breached implements BreachChecker: it reports whether password is on the
// list. A nil List holds no passwords.
func (l *List) Breached(_ context.Context, password string) (bool, error) {
	if l == nil {
		return false, nil
	}
	_, ok := l.passwords[password]
	return ok, nil
}

// Len returns the number of distinct passwords on the list.
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return len(l.passwords)
}
