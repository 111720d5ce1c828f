package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
)

const policyHistoryAbout = `
Prints the history of the store's policy, newest first: each change's
revision, when it was made (UTC), who made it and from where (the actor
and source an application, the console or this command passed: api,
console, cli, import, sweep, seed), then the lines it removed ("-") and
added ("+"). --actor keeps one actor's changes, --subject those naming a
subject, role or resource, --since and --until (YYYY-MM-DD, or an RFC 3339
time) a period; --limit bounds how many (default 100, at most 1000).

Exit status: 0 printed, 2 no store, a store that keeps no history, or a
database error.`

func runPolicyHistory(ctx context.Context, s streams, args []string) int {
	fs, store := policyFlagSet("history", "--database DSN [--table NAME] [--actor A] [--subject S] [--since T] [--until T] [--limit N]",
		policyHistoryAbout, false,
		"gatehouse policy history --database \"$DSN\"",
		`gatehouse policy history --database sqlite:app.db --subject editor \
      --since 2027-01-01`)
	actor := fs.String("actor", "", "keep the changes made by `NAME`")
	subject := fs.String("subject", "", "keep the changes whose lines name `NAME`: a subject, role or resource")
	since := fs.String("since", "", "keep the changes made at or after `TIME` (YYYY-MM-DD or RFC 3339)")
	until := fs.String("until", "", "keep the changes made before `TIME` (YYYY-MM-DD: the end of that day)")
	limit := fs.Int("limit", authz.DefaultHistoryLimit, "print at most `N` changes")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	store.fromEnvironment(false)
	if err := noArguments(ctx, fs, store, positional); err != nil {
		return fail(s, fs.name, err)
	}
	q := authz.HistoryQuery{Actor: *actor, Subject: *subject, Limit: *limit}
	var err error
	if q.Since, err = historyTime("since", *since, false); err == nil {
		q.Until, err = historyTime("until", *until, true)
	}
	if err == nil {
		err = q.Validate()
	}
	if err != nil {
		return fail(s, fs.name, usagef("%v", err))
	}
	e, closeEngine, err := openStore(ctx, store.config(s, mustExist, false))
	if err != nil {
		return fail(s, fs.name, err)
	}
	defer closeEngine()
	entries, err := e.History(ctx, q)
	if errors.Is(err, authz.ErrNoHistory) {
		return fail(s, fs.name, fmt.Errorf("the store keeps no history of its changes"))
	}
	if err != nil {
		return fail(s, fs.name, err)
	}
	for i, en := range entries {
		if i > 0 {
			fmt.Fprintln(s.stdout)
		}
		who := en.Actor.ID
		if who == "" {
			who = "(not named)"
		}
		from := en.Actor.Source
		if from == "" {
			from = "(not named)"
		}
		fmt.Fprintf(s.stdout, "revision %d  %s  by %s  from %s\n", en.Revision, en.At.UTC().Format(time.RFC3339), who, from)
		for _, line := range en.Removed {
			fmt.Fprintf(s.stdout, "- %s\n", line)
		}
		for _, line := range en.Added {
			fmt.Fprintf(s.stdout, "+ %s\n", line)
		}
	}
	if len(entries) == 0 {
		fmt.Fprintln(s.stderr, "no change matches")
	}
	return exitOK
}

// historyTime reads a --since or --until: a date (for until, the end of
// that day) or an RFC 3339 time; zero for "".
func historyTime(flag, value string, endOfDay bool) (time.Time, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, value); err == nil {
		if endOfDay {
			t = t.Add(24 * time.Hour)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s %q: a date (YYYY-MM-DD) or an RFC 3339 time", flag, value)
	}
	return t, nil
}
