package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// errMalformedModel reports a model file Casbin's parser refuses.
var errMalformedModel = errors.New("malformed model")

// readModel reads a Casbin model file and checks its syntax, so that a
// malformed file is reported with its name and the line at fault; Casbin's
// own message names neither reliably.
func readModel(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	text := string(b)
	if err := checkModelSyntax(path, text); err != nil {
		return "", err
	}
	return text, nil
}

// checkModelSyntax reads text as Casbin's config parser does — "[section]"
// headers, "key = value" statements continued over lines ending in '\',
// comments from '#' or ';' — and reports the first statement it would
// refuse, one without '=', at the line it starts on. It refuses nothing
// Casbin accepts, so that enforce answers as Casbin does; which sections
// and keys a model needs is Casbin's and authz's to say.
func checkModelSyntax(path, text string) error {
	var stmt strings.Builder
	start := 0 // the line the statement in stmt began on
	flush := func() error {
		s := stmt.String()
		stmt.Reset()
		if strings.TrimSpace(s) == "" {
			return nil
		}
		if !strings.Contains(s, "=") {
			return fmt.Errorf(`%s:%d: %w: want "key = value" or "[section]", got %q`, path, start, errMalformedModel, strings.TrimSpace(s))
		}
		return nil
	}
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
			if err := flush(); err != nil {
				return err
			}
			continue
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			if err := flush(); err != nil {
				return err
			}
			continue
		}
		if stmt.Len() == 0 {
			start = i + 1
		}
		continued := strings.HasSuffix(line, `\`)
		if continued {
			line = strings.TrimSpace(strings.TrimSuffix(line, `\`)) + " "
		}
		if cut := strings.IndexAny(line, "#;"); cut >= 0 {
			line = line[:cut]
		}
		stmt.WriteString(line)
		if !continued {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
