package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Every help text is laid out alike, within helpWidth columns: lists of
// commands as a column of names, the longest "remove-tenant", then their
// summaries; flags as "  --name VALUE" over their description, indented
// by flagIndent.
const (
	helpWidth   = 79
	nameColumn  = 15
	listIndent  = "  "
	flagIndent  = "      "
	summaryFrom = len(listIndent) + nameColumn
)

// printCommandList prints one line a command, the names in one column and
// each summary wrapped under the next: the layout of both "gatehouse help"
// and "gatehouse policy --help".
func printCommandList(w io.Writer, names, summaries []string) {
	hang := strings.Repeat(" ", summaryFrom)
	for i, name := range names {
		text := wrap(summaries[i], hang, helpWidth)
		fmt.Fprintf(w, "%s%-*s%s", listIndent, nameColumn, name, strings.TrimPrefix(text, hang))
	}
}

// wrap fills text into lines of at most width columns, each starting with
// indent and ending in a newline; a newline in text starts a new line.
// A word longer than a line has one of its own.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	for _, paragraph := range strings.Split(text, "\n") {
		line := indent
		for _, word := range strings.Fields(paragraph) {
			if line != indent && columns(line)+1+columns(word) > width {
				b.WriteString(line + "\n")
				line = indent
			}
			if line != indent {
				line += " "
			}
			line += word
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// wrapSynopsis writes prefix and synopsis on as many lines as it takes
// within helpWidth, continued lines aligned after prefix. It breaks only
// before a flag or a bracketed group, outside brackets, so that
// "[--scope any|own]" and "--subject S" stay whole.
func wrapSynopsis(prefix, synopsis string) string {
	hang := strings.Repeat(" ", columns(prefix))
	var lines []string
	line := prefix
	for _, part := range synopsisParts(synopsis) {
		if line != prefix && columns(line)+1+columns(part) > helpWidth {
			lines = append(lines, line)
			line = hang
		}
		if line != prefix && line != hang {
			line += " "
		}
		line += part
	}
	return strings.Join(append(lines, line), "\n")
}

// synopsisParts splits a synopsis where a line may break: at spaces
// outside brackets that precede a flag or a bracketed group.
func synopsisParts(synopsis string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range synopsis {
		switch r {
		case '[':
			depth++
		case ']':
			depth--
		case ' ':
			if depth == 0 && i+1 < len(synopsis) && strings.ContainsRune("-[", rune(synopsis[i+1])) {
				parts = append(parts, synopsis[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, synopsis[start:])
}

// columns is the width of s on a terminal: one column a rune, as every
// help text is written ("…" and "—" among them).
func columns(s string) int {
	return utf8.RuneCountInString(strings.ReplaceAll(s, "\t", "        "))
}
