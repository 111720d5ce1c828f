package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// suggest returns the names a mistyped word most likely meant, for a "did
// you mean" hint: those nearest by edit distance, ignoring letter case,
// within one edit for words of up to five letters and two for longer ones;
// or else the one name that starts with the word, if it has at least three
// letters. A far match is worse than none, so anything further away is
// not suggested. Names keep their order.
func suggest(typed string, names []string) []string {
	word := strings.ToLower(typed)
	n := utf8.RuneCountInString(word)
	if n == 0 {
		return nil
	}
	limit := 1
	if n > 5 {
		limit = 2
	}
	var best []string
	bestDist := limit
	for _, name := range names {
		d := editDistance(word, strings.ToLower(name))
		switch {
		case d > limit:
		case d < bestDist || best == nil:
			best, bestDist = []string{name}, d
		case d == bestDist:
			best = append(best, name)
		}
	}
	if best != nil || n < 3 {
		return best
	}
	var prefixed []string
	for _, name := range names {
		if strings.HasPrefix(strings.ToLower(name), word) {
			prefixed = append(prefixed, name)
		}
	}
	if len(prefixed) == 1 {
		return prefixed
	}
	return nil
}

// didYouMean words suggest's answer as the end of an error message:
// `; did you mean "check"?`, with each name as quote writes it; "" when
// there is nothing to suggest.
func didYouMean(typed string, names []string, quote func(string) string) string {
	near := suggest(typed, names)
	if len(near) == 0 {
		return ""
	}
	quoted := make([]string, len(near))
	for i, name := range near {
		quoted[i] = quote(name)
	}
	if len(quoted) == 1 {
		return fmt.Sprintf("; did you mean %s?", quoted[0])
	}
	return fmt.Sprintf("; did you mean %s or %s?", strings.Join(quoted[:len(quoted)-1], ", "), quoted[len(quoted)-1])
}

// quoteName quotes a command name as Go does, "check".
func quoteName(name string) string { return fmt.Sprintf("%q", name) }

// flagName writes a flag's name as the help does, --subject.
func flagName(name string) string { return "--" + name }

// editDistance is the optimal string alignment distance between a and b,
// in runes: the number of insertions, deletions, substitutions and swaps
// of two adjacent runes that turn one into the other ("chekc" is one swap
// from "check").
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	// rows[0] is two rows back, rows[1] the previous one, rows[2] the
	// current one.
	var rows [3][]int
	for i := range rows {
		rows[i] = make([]int, len(y)+1)
	}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur, prev, prev2 := rows[2], rows[1], rows[0]
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, prev2
	}
	return rows[1][len(y)]
}
