package rolegraph

import (
	"bytes"
	"encoding/xml"
	"unicode"
)

// Text lengths, in characters (runes): what a box, an edge label and a
// hover title show of a name or a line before cutting it with an ellipsis.
const (
	maxNameRunes  = 60
	maxLineRunes  = 60
	maxLabelRunes = 48
	maxTitleRunes = 1024
)

// ellipsis ends a text that was cut.
const ellipsis = '…'

// clean returns s as it can be shown: at most limit characters, the last
// an ellipsis when s is longer; tabs and line breaks as spaces; invalid
// UTF-8, characters XML 1.0 forbids, control characters and bidirectional
// controls (which could make a name read as another) as U+FFFD. It reads
// at most limit+1 characters of s, however long s is.
func clean(s string, limit int) string {
	if s == "" {
		return `""`
	}
	runes := make([]rune, 0, min(len(s), limit+1))
	for _, r := range s {
		if len(runes) == limit+1 {
			break
		}
		runes = append(runes, shown(r))
	}
	if len(runes) > limit {
		runes = append(runes[:limit-1], ellipsis)
	}
	return string(runes)
}

// shown is the character drawn for r.
func shown(r rune) rune {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return ' '
	case !xmlChar(r) || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
		return unicode.ReplacementChar
	}
	return r
}

// xmlChar reports whether XML 1.0 allows r in a document.
func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// writeText writes s, already cleaned, as XML character data.
func writeText(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // a bytes.Buffer does not fail
}

// textWidth estimates the width of s in pixels at a font whose characters
// are charWidth wide, as monospace fonts are: wide characters (CJK,
// emoji) take two cells, combining marks none.
func textWidth(s string, charWidth float64) float64 {
	cells := 0
	for _, r := range s {
		cells += runeCells(r)
	}
	return float64(cells) * charWidth
}

// runeCells is the number of cells r takes in a monospace font.
func runeCells(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return 0
	case r >= 0x1100 && (r <= 0x115F || r == 0x2329 || r == 0x232A ||
		(r >= 0x2E80 && r <= 0xA4CF && r != 0x303F) || (r >= 0xAC00 && r <= 0xD7A3) ||
		(r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFE30 && r <= 0xFE6F) ||
		(r >= 0xFF00 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6) ||
		(r >= 0x1F300 && r <= 0x1FAFF) || (r >= 0x20000 && r <= 0x3FFFD)):
		return 2
	}
	return 1
}
