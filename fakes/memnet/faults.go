package memnet

import (
	"time"
)

// segment is the bytes of one Write under latency: readable up to offset
// end once the clock reaches due.
type segment struct {
	end uint64
	due time.Time
}

// SetMaxRead makes each Read of this stream return at most n bytes, as
// when a request arrives a few bytes at a time; 1 delivers it byte by byte.
// n <= 0 removes the limit.
func (s *Stream) SetMaxRead(n int) {
	s.mu.Lock()
	defer s.unlock()
	s.maxRead = max(n, 0)
}

// Stall stops delivery: the reader sees no more bytes, nor the end of the
// stream, until Resume; the writer keeps going until the window is full,
// then blocks. A reset still gets through, as an RST overtakes data.
func (s *Stream) Stall() {
	s.mu.Lock()
	defer s.unlock()
	s.state |= stalled
}

// Resume undoes Stall and wakes a blocked reader.
func (s *Stream) Resume() {
	s.mu.Lock()
	defer s.unlock()
	s.state &^= stalled
	s.wakeReaderLocked()
}

// SetLatency delays the bytes of every later Write: they become readable
// once the network's clock has advanced by d past the start of that Write.
// Bytes stay in order, so they never overtake earlier, slower ones. While
// bytes are in flight, a timer on the clock is armed for the next delivery;
// the first Write arms it for d, so with a fake clock a test can
// WaitForTimer(ctx, d), then Advance. d <= 0 removes the latency for later
// Writes.
func (s *Stream) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.unlock()
	s.latency = max(d, 0)
	s.set(delayed, s.latency > 0 || len(s.inFlight) > 0)
}

// FailWriteAfter makes the writes on this stream fail once n more bytes
// have been written: the Write that would go past them writes up to that
// point and returns the count with err, wrapped in a *net.OpError unless it
// already is one (nil means ECONNRESET, the usual cause). The fault fires
// once; later Writes work again. n = 0 fails the next Write outright.
func (s *Stream) FailWriteAfter(n int, err error) {
	if err == nil {
		err = errWriteReset
	}
	s.mu.Lock()
	defer s.unlock()
	s.state |= failing
	s.failAfter, s.failErr = max(n, 0), err
}

// Buffered returns how many bytes were written and not yet read.
func (s *Stream) Buffered() int {
	s.mu.Lock()
	defer s.unlock()
	return s.size + len(s.pending)
}

// startSegmentLocked records, under latency, when the next size bytes may
// be read, and arms the delivery timer if nothing else is in flight.
func (s *Stream) startSegmentLocked(size int) {
	if s.state&delayed == 0 {
		return
	}
	if len(s.inFlight) == 0 {
		s.visible = s.sent // everything before this Write is readable
	}
	s.inFlight = append(s.inFlight, segment{end: s.sent + uint64(size), due: s.clock.Now().Add(s.latency)})
	if len(s.inFlight) == 1 {
		s.armLatencyLocked(s.latency)
	}
}

// endSegmentLocked trims the last segment to what the Write really wrote,
// for a Write cut short by a deadline or a close.
func (s *Stream) endSegmentLocked() {
	k := len(s.inFlight)
	if k == 0 {
		return
	}
	last := &s.inFlight[k-1]
	last.end = min(last.end, s.sent)
	before := s.visible
	if k > 1 {
		before = s.inFlight[k-2].end
	}
	if last.end <= before {
		s.inFlight = s.inFlight[:k-1]
		if len(s.inFlight) == 0 {
			s.latencyTimer.Stop()
			s.set(delayed, s.latency > 0)
		}
	}
}

func (s *Stream) armLatencyLocked(d time.Duration) {
	if s.latencyTimer == nil {
		s.latencyTimer = s.clock.AfterFunc(d, s.deliverDue)
	} else {
		s.latencyTimer.Reset(d)
	}
}

// deliverDue runs on the latency timer: it makes the segments that are due
// readable and re-arms the timer for the next one.
func (s *Stream) deliverDue() {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.unlock()
	due := 0
	for due < len(s.inFlight) && !now.Before(s.inFlight[due].due) {
		s.visible = s.inFlight[due].end
		due++
	}
	if due > 0 {
		s.inFlight = s.inFlight[:copy(s.inFlight, s.inFlight[due:])]
		s.set(delayed, s.latency > 0 || len(s.inFlight) > 0)
		s.wakeReaderLocked()
	}
	if len(s.inFlight) > 0 {
		s.armLatencyLocked(s.inFlight[0].due.Sub(now))
	}
}
