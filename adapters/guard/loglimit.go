package guard

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Config.LogBurst and Config.LogInterval.
const (
	DefaultLogBurst    = 5
	DefaultLogInterval = time.Minute
	// maxLogKeys bounds the subjects and reasons the limiter follows at
	// once; past it, new ones share one allowance until the next interval.
	maxLogKeys = 10_000
)

// logLimiter lets through at most burst lines per interval for each key
// (a subject and a reason), counting those it holds back: a flood of
// refusals costs neither the disk nor the request rate, and the next line
// let through says how many were dropped.
type logLimiter struct {
	burst    int // < 0: no limit
	interval time.Duration
	now      func() time.Time

	mu      sync.Mutex
	window  time.Time // start of the current interval
	keys    map[string]*logAllowance
	dropped atomic.Uint64 // lines held back, ever
}

// logAllowance is one key's count in the current interval, and the lines
// held back since its last line.
type logAllowance struct {
	logged, held int
}

func newLogLimiter(burst int, interval time.Duration, now func() time.Time) *logLimiter {
	if burst == 0 {
		burst = DefaultLogBurst
	}
	if interval <= 0 {
		interval = DefaultLogInterval
	}
	if now == nil {
		now = time.Now
	}
	return &logLimiter{burst: burst, interval: interval, now: now, keys: map[string]*logAllowance{}}
}

// allow reports whether a line for key may be written, and how many lines
// for key were held back before it (to say so in the line).
func (l *logLimiter) allow(key string) (ok bool, held int) {
	if l.burst < 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now := l.now(); now.Sub(l.window) >= l.interval {
		// A new interval: every key starts again, and what was held back
		// is told with each key's next line.
		l.window = now
		for k, a := range l.keys {
			if a.held == 0 {
				delete(l.keys, k)
				continue
			}
			a.logged = 0
		}
	}
	a, found := l.keys[key]
	if !found {
		if len(l.keys) >= maxLogKeys {
			key = "\x00many"
			if a, found = l.keys[key]; !found {
				a = &logAllowance{}
				l.keys[key] = a
			}
		} else {
			a = &logAllowance{}
			l.keys[key] = a
		}
	}
	if a.logged >= l.burst {
		a.held++
		l.dropped.Add(1)
		return false, 0
	}
	a.logged++
	held, a.held = a.held, 0
	return true, held
}

// log writes msg at level with attrs when the limiter lets key through,
// with "suppressed", the lines held back before it, when there were some.
func (g *Guard) logLimited(ctx context.Context, level slog.Level, key, msg string, attrs ...any) {
	ok, held := g.logs.allow(key)
	if !ok {
		return
	}
	if held > 0 {
		attrs = append(attrs, "suppressed", held)
	}
	g.log.Log(ctx, level, msg, attrs...)
}

// DroppedLogs returns how many lines of denials and refused
// authentications the guard has held back so far (Config.LogBurst), for
// a metric.
func (g *Guard) DroppedLogs() uint64 { return g.logs.dropped.Load() }
