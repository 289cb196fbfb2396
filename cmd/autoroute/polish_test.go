package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/course"
)

func TestMapIsACommandAndTheBareCommand(t *testing.T) {
	code, bare, _ := autoroute(t, "")
	require.Equal(t, exitOK, code)
	code, named, _ := autoroute(t, "", "map")
	require.Equal(t, exitOK, code)
	assert.Equal(t, bare, named)

	code, _, stderr := autoroute(t, "", "map", "runtime")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "map takes none")
}

func TestEveryCommandHasAHelpWithASynopsis(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, _ := autoroute(t, "", "help", c.name)
			assert.Equal(t, exitOK, code)
			assert.Contains(t, stdout, "Usage: go tool autoroute "+c.name)
			assert.NotContains(t, stdout, "Usage of", "Go's bare flag help")

			code, dash, _ := autoroute(t, "", c.name, "-h")
			assert.Equal(t, exitOK, code)
			assert.Equal(t, stdout, dash)
		})
	}
	code, _, _ := autoroute(t, "", "help", "nosuchcmd")
	assert.Equal(t, exitUsage, code)

	_, usage, _ := autoroute(t, "", "help")
	assert.Contains(t, usage, "Exit status:")
}

// The map and the list fit an 80-column terminal, and their columns stay
// aligned whatever the lengths of ids, files and titles.
func TestTheMapAndTheListFit80Columns(t *testing.T) {
	t.Setenv("COLUMNS", "")
	for _, args := range [][]string{nil, {"list"}, {"help"}} {
		_, stdout, _ := autoroute(t, "", args...)
		for _, line := range strings.Split(stdout, "\n") {
			assert.LessOrEqual(t, utf8.RuneCountInString(line), 80, "autoroute %v: %q", args, line)
		}
	}
	_, list, _ := autoroute(t, "", "list")
	c, err := course.Load("../..")
	require.NoError(t, err)
	column := -1
	for _, l := range c.Lessons {
		for _, e := range l.Exercises {
			for _, line := range strings.Split(list, "\n") {
				fields := strings.Fields(line)
				if len(fields) >= 3 && fields[0] == e.ID && fields[2] == e.File {
					at := utf8.RuneCountInString(line[:strings.Index(line, " "+e.File+" ")+1])
					if column < 0 {
						column = at
					}
					assert.Equal(t, column, at, "the file column of %s/%s slipped:\n%s", l.ID, e.ID, line)
				}
			}
		}
	}
	assert.Positive(t, column, "no exercise line found in:\n%s", list)
}

func TestResetOneExercise(t *testing.T) {
	code, stdout, stderr := autoroute(t, "no\n", "reset", "runtime/lanes")
	assert.Equal(t, exitFailing, code)
	assert.Contains(t, stdout, "solutions/executor/lanes.go with the untouched stub?")
	assert.Contains(t, stderr, "nothing was changed")

	code, _, stderr = autoroute(t, "", "reset", "runtime/nope", "--yes")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "hello, lanes")
}

func TestAnEmptyNoColorLeavesColourOn(t *testing.T) {
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no terminal to test colour on")
	}
	defer tty.Close()
	t.Setenv("NO_COLOR", "")
	assert.True(t, newStyle(tty).colour, "NO_COLOR= (empty) must not turn colour off")
	t.Setenv("NO_COLOR", "1")
	assert.False(t, newStyle(tty).colour)
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	defer f.Close()
	t.Setenv("NO_COLOR", "")
	assert.False(t, newStyle(f).colour, "no colour off a terminal")
}
