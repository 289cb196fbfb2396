// Package snippets keeps the Go code of the lesson texts honest: it finds
// every ```go block of a Markdown text, compiles it, runs the ones that show
// their output and compares it, and checks that a block meant to show a bug
// shows it. The self-test runs it on every lesson text, in both languages.
//
// A block is a whole program (or file) by default. A line holding an HTML
// comment, right before the block's fence, says otherwise (GitHub does not
// show it):
//
//	<!-- snippet: fragment -->          declarations or statements, wrapped into a program
//	<!-- snippet: fragment              the same, in a wrapper of your own: Go code around
//	func _(ctx context.Context) error { a line {{block}} that stands for the block
//		{{block}}
//	}
//	-->
//	<!-- snippet: signature -->         bodiless func declarations: each must match the
//	                                    lesson's stub package, name, receiver and types
//	<!-- snippet: skip (reason) -->     not compiled; the reason is required
//	<!-- snippet: bug race -->          run under -race: the race detector must fire
//	<!-- snippet: bug output; fix "old" => "new" -->
//	                                    run as written and with the fix applied: the
//	                                    two outputs must differ
//
// Directives combine with ";" (a fragment can show a race). A fix may also
// follow bug race: the fixed program must then run clean under -race.
//
// A block shows its output with a trailing comment, as Go's testable
// examples do: a line "// Output:" (or "// Unordered output:") followed by
// comment lines. Such a block is run and its standard output compared with
// the comment, line by line, after trimming spaces at both ends of each line
// and blank lines at both ends (unordered: as sorted lists of lines).
package snippets

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Block is one ```go block of a Markdown text.
type Block struct {
	File     string // the Markdown file, as named to Parse
	Line     int    // line of the opening fence, from 1
	Code     string // the block's lines, without the fences
	CodeLine int    // line of the block's first code line

	Fragment    bool   // wrapped into a program before compiling
	Wrapper     string // the fragment's own wrapper, with a {{block}} line; "" for the default one
	WrapperLine int    // line of the wrapper's first line
	Signature   bool   // bodiless declarations checked against a package
	Skip        string // why the block is not compiled; "" when it is
	Bug         string // "race" or "output" when the block shows a bug
	Fixes       []Fix  // how to correct the bug

	Output    string // the output the block shows, when HasOutput
	HasOutput bool
	Unordered bool
}

// Fix is a correction of a bug block: Old, which must appear once in the
// block, becomes New.
type Fix struct{ Old, New string }

// Where names the block for a message: file:line.
func (b *Block) Where() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

// Runs reports whether the block is run, not only compiled.
func (b *Block) Runs() bool {
	return b.Skip == "" && !b.Signature && (b.HasOutput || b.Bug != "")
}

const placeholder = "{{block}}"

var (
	markerStart = regexp.MustCompile(`^\s*<!--\s*snippet:\s*(.*?)\s*(-->)?\s*$`)
	fixRe       = regexp.MustCompile(`^fix\s+"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"$`)
	skipRe      = regexp.MustCompile(`^skip\s*\((.+)\)$`)
)

// Parse returns the ```go blocks of a Markdown text and the directives
// that precede them. A directive it does not know, a marker not followed
// by a go block, a skip without a reason or a fix without a bug is an
// error: nothing is ever left out silently.
func Parse(file string, text []byte) ([]*Block, error) {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	var blocks []*Block
	var pending *Block // directives waiting for their block
	pendingLine := 0
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := markerStart.FindStringSubmatch(line); m != nil {
			if pending != nil {
				return nil, fmt.Errorf("%s:%d: a snippet marker must be followed by a ```go block, not by another marker", file, pendingLine)
			}
			pending, pendingLine = &Block{}, i+1
			if err := pending.directives(m[1]); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", file, i+1, err)
			}
			if m[2] == "" { // a wrapper follows, up to the closing -->
				if !pending.Fragment {
					return nil, fmt.Errorf("%s:%d: only a fragment marker may span several lines (a wrapper)", file, i+1)
				}
				j := i + 1
				for j < len(lines) && strings.TrimSpace(lines[j]) != "-->" {
					j++
				}
				if j == len(lines) {
					return nil, fmt.Errorf("%s:%d: the snippet marker is never closed by a line -->", file, i+1)
				}
				pending.Wrapper = strings.Join(lines[i+1:j], "\n")
				pending.WrapperLine = i + 2
				if strings.Count(pending.Wrapper, placeholder) != 1 {
					return nil, fmt.Errorf("%s:%d: a fragment's wrapper must hold the line %s exactly once", file, i+1, placeholder)
				}
				i = j
			}
			continue
		}
		fence := strings.TrimSpace(line)
		if !strings.HasPrefix(fence, "```") {
			if pending != nil && fence != "" {
				return nil, fmt.Errorf("%s:%d: a snippet marker must be followed by a ```go block", file, pendingLine)
			}
			continue
		}
		lang := strings.TrimSpace(strings.TrimLeft(fence, "`"))
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) != "```" {
			j++
		}
		if j == len(lines) {
			return nil, fmt.Errorf("%s:%d: a code block is never closed", file, i+1)
		}
		if lang != "go" {
			if pending != nil {
				return nil, fmt.Errorf("%s:%d: a snippet marker must be followed by a ```go block, not ```%s", file, pendingLine, lang)
			}
			i = j
			continue
		}
		b := pending
		if b == nil {
			b = &Block{}
		}
		pending = nil
		b.File, b.Line, b.CodeLine = file, i+1, i+2
		b.Code = strings.Join(lines[i+1:j], "\n") + "\n"
		b.output()
		if b.Bug == "output" && len(b.Fixes) == 0 {
			return nil, fmt.Errorf("%s: a bug output block needs a fix \"old\" => \"new\": the fixed program's output is what it must differ from", b.Where())
		}
		blocks = append(blocks, b)
		i = j
	}
	if pending != nil {
		return nil, fmt.Errorf("%s:%d: a snippet marker must be followed by a ```go block", file, pendingLine)
	}
	return blocks, nil
}

func (b *Block) directives(s string) error {
	if s == "" {
		return fmt.Errorf("an empty snippet marker")
	}
	for _, d := range strings.Split(s, ";") {
		d = strings.TrimSpace(d)
		switch {
		case d == "fragment":
			b.Fragment = true
		case d == "signature":
			b.Signature = true
		case d == "bug race":
			b.Bug = "race"
		case d == "bug output":
			b.Bug = "output"
		case skipRe.MatchString(d):
			b.Skip = strings.TrimSpace(skipRe.FindStringSubmatch(d)[1])
		case d == "skip" || strings.HasPrefix(d, "skip"):
			return fmt.Errorf("skip needs a reason in parentheses: skip (why)")
		case fixRe.MatchString(d):
			m := fixRe.FindStringSubmatch(d)
			b.Fixes = append(b.Fixes, Fix{unquote(m[1]), unquote(m[2])})
		default:
			return fmt.Errorf("unknown snippet directive %q (known: fragment, signature, skip (reason), bug race, bug output, fix \"old\" => \"new\")", d)
		}
	}
	if len(b.Fixes) > 0 && b.Bug == "" {
		return fmt.Errorf("a fix belongs to a bug: add bug race or bug output")
	}
	if b.Skip != "" && (b.Fragment || b.Signature || b.Bug != "") {
		return fmt.Errorf("a skipped block takes no other directive")
	}
	if b.Signature && (b.Fragment || b.Bug != "") {
		return fmt.Errorf("a signature block takes no other directive")
	}
	return nil
}

func unquote(s string) string {
	return strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\n`, "\n", `\t`, "\t").Replace(s)
}

// output reads the block's trailing "// Output:" comment, if any.
func (b *Block) output() {
	lines := strings.Split(strings.TrimRight(b.Code, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		t := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(t, "//") {
			return
		}
		rest := strings.TrimSpace(strings.TrimPrefix(t, "//"))
		if rest != "Output:" && rest != "Unordered output:" {
			continue
		}
		var out []string
		for _, l := range lines[i+1:] {
			l = strings.TrimSpace(l)
			l = strings.TrimPrefix(l, "//")
			out = append(out, l)
		}
		b.HasOutput, b.Unordered = true, rest == "Unordered output:"
		b.Output = strings.Join(out, "\n")
		return
	}
}

// normalise is the comparison's view of an output: every line trimmed,
// blank lines at both ends dropped, sorted when unordered.
func normalise(s string, unordered bool) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if unordered {
		sort.Strings(lines)
	}
	return strings.Join(lines, "\n")
}
