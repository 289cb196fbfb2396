package course

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The lesson texts carry two blocks generated from the manifest, so that
// the exercises and the common mistakes they list can never drift from
// what the specs grade. Each block sits between these two lines.
const (
	blockBegin = "<!-- BEGIN %s: generated from lessons/course.yaml by `go tool autoroute generate`; do not edit -->"
	blockEnd   = "<!-- END %s -->"
)

// Blocks returns the generated blocks of a lesson's text, by name.
func (l *Lesson) Blocks(lang string) map[string]string {
	return map[string]string{
		"exercises": l.exercisesBlock(lang),
		"mistakes":  l.mistakesBlock(lang),
	}
}

func (l *Lesson) exercisesBlock(lang string) string {
	var b strings.Builder
	if lang == "fr" {
		b.WriteString("| exercice | fichier | points |\n|---|---|---|\n")
	} else {
		b.WriteString("| exercise | file | points |\n|---|---|---|\n")
	}
	for _, e := range l.Exercises {
		title := e.Title.EN
		if lang == "fr" {
			title = e.Title.FR
		}
		fmt.Fprintf(&b, "| [`%s`](#%s) — %s | `solutions/%s/%s` | %d |\n", e.ID, e.ID, title, l.Package, e.File, e.Points)
	}
	return b.String()
}

func (l *Lesson) mistakesBlock(lang string) string {
	var b strings.Builder
	for _, m := range l.Mistakes {
		sentence := m.Lesson.EN
		caught := "caught by"
		if lang == "fr" {
			sentence = m.Lesson.FR
			caught = "détectée par"
		}
		fmt.Fprintf(&b, "- **%s** (`%s`, `%s`): %s *(%s « %s »)*\n", m.ID, m.Exercise, m.File, sentence, caught, m.CaughtBy)
	}
	return b.String()
}

// Render returns text with every generated block replaced by its current
// content. A block missing from text is an error: the text must say where
// it goes.
func (l *Lesson) Render(lang string, text []byte) ([]byte, error) {
	for _, name := range []string{"exercises", "mistakes"} {
		begin := []byte(fmt.Sprintf(blockBegin, name))
		end := []byte(fmt.Sprintf(blockEnd, name))
		i := bytes.Index(text, begin)
		j := bytes.Index(text, end)
		if i < 0 || j < i {
			return nil, fmt.Errorf("%s: no %q block; add the two lines\n%s\n%s", l.Readme(lang), name, begin, end)
		}
		var out bytes.Buffer
		out.Write(text[:i+len(begin)])
		out.WriteString("\n")
		out.WriteString(l.Blocks(lang)[name])
		out.Write(text[j:])
		text = out.Bytes()
	}
	return text, nil
}

// CheckDocs reports whether the lesson's texts under root are up to date
// with the manifest, and have a section for each exercise.
func (l *Lesson) CheckDocs(root string) []error {
	var errs []error
	for _, lang := range []string{"en", "fr"} {
		path := filepath.Join(root, l.Readme(lang))
		text, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rendered, err := l.Render(lang, text)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !bytes.Equal(rendered, text) {
			errs = append(errs, fmt.Errorf("%s: its generated blocks are out of date with the manifest; run go tool autoroute generate", l.Readme(lang)))
		}
		for _, e := range l.Exercises {
			heading := "\n### " + e.ID + "\n"
			if !bytes.Contains(text, []byte(heading)) {
				errs = append(errs, fmt.Errorf("%s: no section %q for exercise %s (the specs point learners to it)", l.Readme(lang), strings.TrimSpace(heading), e.ID))
			}
		}
	}
	return errs
}

// WriteDocs regenerates the blocks of the lesson's texts under root.
func (l *Lesson) WriteDocs(root string) error {
	for _, lang := range []string{"en", "fr"} {
		path := filepath.Join(root, l.Readme(lang))
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rendered, err := l.Render(lang, text)
		if err != nil {
			return err
		}
		if !bytes.Equal(rendered, text) {
			if err := os.WriteFile(path, rendered, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
