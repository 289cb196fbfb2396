// Package fxbox is the fixture lesson's stub.
package fxbox

// Clamp returns v, or max if v is larger.
func Clamp(v, max int) int { panic("TODO(box)") }

// Positive reports whether v is above zero.
func Positive(v int) bool { panic("TODO(box)") }

// Small reports whether v is below ten.
func Small(v int) bool { panic("TODO(box)") }

// Name returns the box's name.
func Name() string { panic("TODO(box)") }
