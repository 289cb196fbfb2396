package main

import (
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// screenWidth is the width the map and the list fit in: $COLUMNS when the
// shell exports it, else 80.
func screenWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 40 {
		return n
	}
	return 80
}

// width is the number of characters s takes on screen (runes: the course's
// texts have accents and dashes, no wide characters).
func width(s string) int { return utf8.RuneCountInString(s) }

// pad fills s with spaces up to n characters.
func pad(s string, n int) string {
	if w := width(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// wrap breaks text into lines of at most n characters, at spaces; a word
// longer than n is cut.
func wrap(text string, n int) []string {
	if n < 10 {
		n = 10
	}
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		for width(word) > n {
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			r := []rune(word)
			lines = append(lines, string(r[:n]))
			word = string(r[n:])
		}
		switch {
		case line == "":
			line = word
		case width(line)+1+width(word) <= n:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// columns prints rows whose last cell wraps to fit the screen: every other
// cell is padded to its column's widest, so that columns stay aligned
// whatever the lengths of names and files.
type columns struct {
	rows   [][]string
	styles [][]func(string) string // optional, per cell: colour applied after padding
}

func (c *columns) add(cells ...string) {
	c.rows = append(c.rows, cells)
	c.styles = append(c.styles, nil)
}

func (c *columns) addStyled(styles []func(string) string, cells ...string) {
	c.rows = append(c.rows, cells)
	c.styles = append(c.styles, styles)
}

// lines lays the rows out within total characters, with indent before
// each and two spaces between cells.
func (c *columns) lines(indent string, total int) []string {
	var out []string
	for _, row := range c.rowLines(indent, total) {
		out = append(out, row...)
	}
	return out
}

// rowLines is lines, grouped by row (a row whose last cell wraps takes
// several lines).
func (c *columns) rowLines(indent string, total int) [][]string {
	widths := []int{}
	for _, row := range c.rows {
		for i, cell := range row[:len(row)-1] {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], width(cell))
		}
	}
	var out [][]string
	for r, row := range c.rows {
		var b strings.Builder
		b.WriteString(indent)
		used := width(indent)
		for i, cell := range row[:len(row)-1] {
			text := pad(cell, widths[i])
			if s := c.styles[r]; i < len(s) && s[i] != nil {
				text = s[i](text)
			}
			b.WriteString(text + "  ")
			used += widths[i] + 2
		}
		last := wrap(row[len(row)-1], total-used)
		b.WriteString(last[0])
		lines := []string{strings.TrimRight(b.String(), " ")}
		for _, more := range last[1:] {
			lines = append(lines, strings.Repeat(" ", used)+more)
		}
		out = append(out, lines)
	}
	return out
}
