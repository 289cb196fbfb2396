// Package fxraceflood has a data race, and before any spec prints more
// race-report first lines than the runner keeps past its output cap.
package fxraceflood

import "strings"

func init() {
	junk := strings.Repeat("x", 1000)
	for i := 0; i < 9000; i++ {
		println(junk)
	}
	for i := 0; i < 110000; i++ {
		println("WARNING: DATA RACE")
	}
}

// Answer returns 42.
func Answer() int { return 42 }

var counter int

// Misbehave writes counter from two goroutines without synchronisation.
func Misbehave() {
	done := make(chan struct{})
	go func() {
		counter++
		close(done)
	}()
	counter++
	<-done
}
