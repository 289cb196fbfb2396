package memnet

import (
	"time"

	"autoroute/fakes/clock"
)

// deadline is one direction's deadline. Whether it has passed is a state
// bit (readExpired or writeExpired), set by SetDeadline for a time already
// past, or by the clock timer armed for a future one, so checking a deadline
// costs a bit test and a fake clock decides exactly when it passes.
type deadline struct {
	at      time.Time
	timer   *clock.Timer
	armed   bool      // timer is pending...
	armedAt time.Time // ...to fire at this instant
}

// setDeadline implements SetReadDeadline (reading) and SetWriteDeadline.
// A deadline in the future arms a timer on the clock right away, so a test
// with a fake clock can wait for it before advancing.
func (s *Stream) setDeadline(reading bool, t time.Time) {
	s.mu.Lock()
	defer s.unlock()
	dl, expired := &s.writeDeadline, writeExpired
	if reading {
		dl, expired = &s.readDeadline, readExpired
	}
	if t.IsZero() {
		dl.at = time.Time{}
		s.state &^= expired
		if !s.lazyTimers {
			dl.stop() // a lazy timer fires into a cleared deadline harmlessly
		}
		return
	}
	if s.lazyTimers && dl.armed && !t.Before(dl.armedAt) {
		dl.at = t // the armed timer will chase it
		s.state &^= expired
		return
	}

	// Measure from the clock's own now (with a monotonic reading on the
	// real clock), so a wall-clock jump cannot move the deadline.
	now := s.clock.Now()
	d := t.Sub(now)
	dl.at = now.Add(d)
	if d <= 0 {
		s.state |= expired
		dl.stop()
		if reading {
			s.wakeReaderLocked()
		} else {
			s.wakeWriterLocked()
		}
		return
	}
	s.state &^= expired
	s.armLocked(dl, reading, d, now)
}

// armLocked sets dl's timer to fire d from now.
func (s *Stream) armLocked(dl *deadline, reading bool, d time.Duration, now time.Time) {
	dl.armed, dl.armedAt = true, now.Add(d)
	switch {
	case dl.timer != nil:
		dl.timer.Reset(d)
	case reading:
		dl.timer = s.clock.AfterFunc(d, s.readDeadlinePassed)
	default:
		dl.timer = s.clock.AfterFunc(d, s.writeDeadlinePassed)
	}
}

func (s *Stream) readDeadlinePassed()  { s.deadlinePassed(true) }
func (s *Stream) writeDeadlinePassed() { s.deadlinePassed(false) }

// deadlinePassed runs when a deadline timer fires. The timer is reused, so
// this may be a late firing for a deadline since moved: it expires the
// deadline only if the current one has been reached, and if the deadline
// moved later without re-arming the timer (lazyTimers), it re-arms it.
func (s *Stream) deadlinePassed(reading bool) {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.unlock()
	dl, expired := &s.writeDeadline, writeExpired
	if reading {
		dl, expired = &s.readDeadline, readExpired
	}
	if dl.armed && !now.Before(dl.armedAt) {
		dl.armed = false // this is the firing the timer was armed for
	}
	switch {
	case dl.at.IsZero() || s.state&expired != 0:
	case !now.Before(dl.at):
		s.state |= expired
		if reading {
			s.wakeReaderLocked()
		} else {
			s.wakeWriterLocked()
		}
	case !dl.armed:
		s.armLocked(dl, reading, dl.at.Sub(now), now)
	}
}

func (dl *deadline) stop() {
	if dl.timer != nil && dl.armed {
		dl.timer.Stop()
		dl.armed = false
	}
}
