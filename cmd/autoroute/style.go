package main

import (
	"io"
	"os"
)

// style colours the output on a terminal, and only there; NO_COLOR set to
// anything but the empty string turns it off everywhere (https://no-color.org:
// an empty NO_COLOR is as good as none).
type style struct{ colour bool }

func newStyle(w io.Writer) style {
	if os.Getenv("NO_COLOR") != "" {
		return style{}
	}
	f, ok := w.(*os.File)
	if !ok {
		return style{}
	}
	info, err := f.Stat()
	return style{colour: err == nil && info.Mode()&os.ModeCharDevice != 0}
}

func (s style) paint(code, text string) string {
	if !s.colour {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s style) good(text string) string { return s.paint("32", text) }
func (s style) bad(text string) string  { return s.paint("31", text) }
func (s style) dim(text string) string  { return s.paint("2", text) }
func (s style) bold(text string) string { return s.paint("1", text) }
