package memnet

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"autoroute/fakes/clock"
)

// minRing is the first size of a stream's ring buffer. The ring starts
// small and doubles up to the window, so a connection that carries a few
// short messages never pays for a full window.
const minRing = 512

// errWouldBlock tells a reader or writer that it has to wait.
var errWouldBlock = errors.New("memnet: would block")

// Stream is one direction of a connection: the bytes one Conn writes and
// its peer reads. Conn.Outbound and Conn.Inbound return a connection's two
// streams, so a test holding either end can inject faults in both
// directions. The methods are safe for concurrent use, also while Read and
// Write calls are blocked on the stream.
type Stream struct {
	clock  clock.Clock
	window int

	mu sync.Mutex

	// ring holds bytes written and not yet read: size bytes from head,
	// wrapping around. It is allocated on the first write and grows up to
	// the window.
	ring       []byte
	head, size int

	// pending is the unsent tail of a Write that did not fit in the window.
	// It still belongs to the blocked writer: a reader copies from it
	// directly (one copy instead of two) and tops the ring up from it as
	// the ring drains, so the writer returns as soon as all its bytes are
	// read or buffered, as on TCP. With a window of 0 this is how every
	// byte travels, as in net.Pipe.
	pending []byte

	// sent and received count the bytes that entered and left the stream;
	// latency is accounted in these offsets.
	sent, received uint64

	// writeLock makes a Write that has to wait atomic with respect to
	// other Writes; writeBusy, set while such a Write runs, stops a Write
	// that would fit from slipping its bytes in between. readLock lets one
	// blocked reader at a time wait, so a single wake-up channel suffices.
	writeLock sync.Mutex
	writeBusy bool
	readLock  sync.Mutex

	// A blocked reader or writer sets its waiting flag and receives from its
	// wake channel (capacity 1, made on first use); whoever changes what it
	// waits for clears the flag and sends.
	readerWaiting, writerWaiting bool
	readerWake, writerWake       chan struct{}

	readerClosed bool // the reading end was closed: its Reads fail with net.ErrClosed
	writerClosed bool // the writing end was closed: its Writes fail with net.ErrClosed
	readShut     bool // the reader will read no more (Close or CloseRead): Writes fail with EPIPE
	writeShut    bool // the writer will write no more (Close or CloseWrite): Reads end with EOF
	reset        bool // a Reset: the other end's calls fail with ECONNRESET

	readDeadline, writeDeadline deadline

	// Faults; see the exported methods.
	maxRead      int
	stalled      bool
	latency      time.Duration
	inFlight     []segment // bytes not yet visible to the reader, oldest first
	visible      uint64    // with bytes in flight: the offset the reader may read up to
	latencyTimer *clock.Timer
	failing      bool
	failAfter    int
	failErr      error
}

// deadline is one direction's deadline. expired is set by SetDeadline for a
// time already past, or by the clock timer armed for a future one, so
// checking a deadline costs a flag test and a fake clock decides exactly
// when it passes.
type deadline struct {
	at      time.Time
	expired bool
	timer   *clock.Timer
}

// segment is the bytes of one Write under latency: readable up to offset
// end once the clock reaches due.
type segment struct {
	end uint64
	due time.Time
}

func newStream(c clock.Clock, window int) *Stream {
	return &Stream{clock: c, window: window}
}

// read is Conn.Read on the receiving end, with unwrapped errors.
func (s *Stream) read(b []byte) (int, error) {
	s.mu.Lock()
	n, err := s.tryReadLocked(b)
	s.mu.Unlock()
	if err != errWouldBlock {
		return n, err
	}

	s.readLock.Lock()
	defer s.readLock.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		n, err := s.tryReadLocked(b)
		if err != errWouldBlock {
			return n, err
		}
		s.waitLocked(&s.readerWaiting, &s.readerWake)
	}
}

// tryReadLocked reads what it can, or returns errWouldBlock. The order of
// the checks is TCP's: a closed connection, then the deadline (so an
// expired deadline fails the call even with data waiting), then a reset,
// then data, then the end of the stream.
func (s *Stream) tryReadLocked(b []byte) (int, error) {
	switch {
	case s.readerClosed:
		return 0, net.ErrClosed
	case len(b) == 0:
		return 0, nil
	case s.readDeadline.expired:
		return 0, os.ErrDeadlineExceeded
	case s.reset:
		return 0, errReadReset
	case s.readShut:
		return 0, io.EOF
	}
	if avail := s.readableLocked(); avail > 0 {
		return s.takeLocked(b, avail), nil
	}
	if s.writeShut && s.size == 0 && len(s.pending) == 0 && !s.stalled {
		return 0, io.EOF
	}
	return 0, errWouldBlock
}

// readableLocked is how many bytes the reader may take now.
func (s *Stream) readableLocked() int {
	if s.stalled {
		return 0
	}
	n := s.size + len(s.pending)
	if len(s.inFlight) > 0 {
		n = min(n, int(s.visible-s.received))
	}
	return n
}

// takeLocked moves up to avail bytes into b: from the ring first, then
// straight from a blocked writer's pending bytes.
func (s *Stream) takeLocked(b []byte, avail int) int {
	b = b[:min(len(b), avail)]
	if s.maxRead > 0 && len(b) > s.maxRead {
		b = b[:s.maxRead]
	}
	n := 0
	for n < len(b) && s.size > 0 {
		end := min(s.head+s.size, len(s.ring))
		k := copy(b[n:], s.ring[s.head:end])
		n += k
		s.size -= k
		if s.head += k; s.head == len(s.ring) {
			s.head = 0
		}
	}
	if s.size == 0 {
		s.head = 0 // keep the next writes contiguous
	}
	if n < len(b) && len(s.pending) > 0 {
		k := copy(b[n:], s.pending)
		s.pending = s.pending[k:]
		s.sent += uint64(k)
		n += k
	}
	s.received += uint64(n)

	if len(s.pending) > 0 {
		// The ring has room again: buffer the writer's bytes, as a TCP
		// send buffer accepts more once the receiver acknowledges.
		k := s.pushLocked(s.pending)
		s.pending = s.pending[k:]
	}
	if len(s.pending) == 0 {
		wake(&s.writerWaiting, s.writerWake)
	}
	return n
}

// write is Conn.Write on the sending end, with unwrapped errors.
func (s *Stream) write(b []byte) (int, error) {
	s.mu.Lock()
	if err := s.writeErrLocked(); err != nil {
		s.mu.Unlock()
		return 0, err
	}
	if !s.writeBusy && len(b) <= s.window-s.size && !s.writeFaultsLocked() {
		// The common case: the whole Write fits in the window.
		s.pushLocked(b)
		s.mu.Unlock()
		return len(b), nil
	}
	s.mu.Unlock()
	return s.writeSlow(b)
}

// writeSlow writes what fits, then leaves the rest as pending for the
// reader and waits until it is all taken, holding writeLock throughout so
// no other Write's bytes come in between.
func (s *Stream) writeSlow(b []byte) (n int, err error) {
	s.writeLock.Lock()
	defer s.writeLock.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.writeErrLocked(); err != nil {
		return 0, err
	}

	var injected error
	if s.failing && len(b) > s.failAfter {
		b, injected = b[:s.failAfter], s.failErr
	}
	s.startSegmentLocked(len(b))
	s.writeBusy = true
	n = s.pushLocked(b)
	if n < len(b) {
		s.pending = b[n:]
		wake(&s.readerWaiting, s.readerWake) // with a window of 0, the reader takes from pending
		for len(s.pending) > 0 {
			if err = s.writeErrLocked(); err != nil {
				break
			}
			s.waitLocked(&s.writerWaiting, &s.writerWake)
		}
		n = len(b) - len(s.pending)
		s.pending = nil
	}
	s.writeBusy = false
	s.endSegmentLocked()

	if s.failing {
		if err == nil && injected != nil {
			s.failing, s.failErr = false, nil
			return n, injected
		}
		s.failAfter -= n
	}
	return n, err
}

// writeErrLocked is why a Write cannot go on, in TCP's order, or nil.
func (s *Stream) writeErrLocked() error {
	switch {
	case s.writerClosed:
		return net.ErrClosed
	case s.writeDeadline.expired:
		return os.ErrDeadlineExceeded
	case s.reset:
		return errWriteReset
	case s.writeShut, s.readShut:
		return errBrokenPipe
	}
	return nil
}

// writeFaultsLocked reports whether a Write must take the slow path to
// honour an injected fault.
func (s *Stream) writeFaultsLocked() bool {
	return s.failing || s.latency > 0 || len(s.inFlight) > 0
}

// pushLocked copies as much of p into the ring as the window allows and
// reports how much that was.
func (s *Stream) pushLocked(p []byte) int {
	p = p[:min(len(p), s.window-s.size)]
	if len(p) == 0 {
		return 0
	}
	if need := s.size + len(p); need > len(s.ring) {
		s.growLocked(need)
	}
	tail := s.head + s.size
	if tail >= len(s.ring) {
		tail -= len(s.ring)
	}
	if k := copy(s.ring[tail:], p); k < len(p) {
		copy(s.ring, p[k:])
	}
	s.size += len(p)
	s.sent += uint64(len(p))
	wake(&s.readerWaiting, s.readerWake)
	return len(p)
}

// growLocked replaces the ring with one of at least need bytes (at most the
// window), doubling so that steady traffic stops allocating.
func (s *Stream) growLocked(need int) {
	n := max(len(s.ring), minRing)
	for n < need {
		n *= 2
	}
	ring := make([]byte, min(n, s.window))
	if s.size > 0 {
		k := copy(ring, s.ring[s.head:min(s.head+s.size, len(s.ring))])
		copy(ring[k:s.size], s.ring)
	}
	s.ring, s.head = ring, 0
}

// waitLocked parks the caller until a wake on ch; it releases s.mu while it
// waits. The caller holds readLock or writeLock, so it is the only waiter.
func (s *Stream) waitLocked(waiting *bool, ch *chan struct{}) {
	if *ch == nil {
		*ch = make(chan struct{}, 1)
	}
	*waiting = true
	c := *ch
	s.mu.Unlock()
	<-c
	s.mu.Lock()
}

// wake releases the waiter, if there is one. It never blocks: the flag is
// cleared before the send, so there is never more than one wake-up
// buffered.
func wake(waiting *bool, ch chan struct{}) {
	if *waiting {
		*waiting = false
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (s *Stream) wakeBothLocked() {
	wake(&s.readerWaiting, s.readerWake)
	wake(&s.writerWaiting, s.writerWake)
}

// setDeadline implements SetReadDeadline (reading) and SetWriteDeadline.
// A deadline in the future arms a timer on the clock right away, so a test
// with a fake clock can wait for it before advancing.
func (s *Stream) setDeadline(reading bool, t time.Time) {
	var d time.Duration
	var at time.Time
	if !t.IsZero() {
		// Measure from the clock's own now (with a monotonic reading on the
		// real clock), so a wall-clock jump cannot move the deadline.
		now := s.clock.Now()
		d = t.Sub(now)
		at = now.Add(d)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	dl := &s.writeDeadline
	if reading {
		dl = &s.readDeadline
	}
	dl.at = at
	switch {
	case t.IsZero():
		dl.expired = false
		dl.stop()
	case d <= 0:
		dl.expired = true
		dl.stop()
		if reading {
			wake(&s.readerWaiting, s.readerWake)
		} else {
			wake(&s.writerWaiting, s.writerWake)
		}
	default:
		dl.expired = false
		switch {
		case dl.timer != nil:
			dl.timer.Reset(d)
		case reading:
			dl.timer = s.clock.AfterFunc(d, s.readDeadlinePassed)
		default:
			dl.timer = s.clock.AfterFunc(d, s.writeDeadlinePassed)
		}
	}
}

func (s *Stream) readDeadlinePassed()  { s.deadlinePassed(true) }
func (s *Stream) writeDeadlinePassed() { s.deadlinePassed(false) }

// deadlinePassed runs when a deadline timer fires. The timer is reused, so
// this may be a firing for an older deadline that was then moved: it only
// expires the deadline if the current one has been reached.
func (s *Stream) deadlinePassed(reading bool) {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	dl := &s.writeDeadline
	if reading {
		dl = &s.readDeadline
	}
	if dl.at.IsZero() || now.Before(dl.at) {
		return
	}
	dl.expired = true
	if reading {
		wake(&s.readerWaiting, s.readerWake)
	} else {
		wake(&s.writerWaiting, s.writerWake)
	}
}

func (dl *deadline) stop() {
	if dl.timer != nil {
		dl.timer.Stop()
	}
}

// closeReader is Close (reset false) or Reset on the reading end: its
// Reads fail with net.ErrClosed, buffered bytes are dropped, and the writer
// gets EPIPE, or ECONNRESET after a reset.
func (s *Stream) closeReader(reset bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readerClosed, s.readShut = true, true
	s.reset = s.reset || reset
	s.readDeadline.stop()
	s.dropBufferedLocked()
	s.wakeBothLocked()
}

// closeWriter is Close (reset false) or Reset on the writing end: its
// Writes fail with net.ErrClosed; the reader reads what is buffered, then
// io.EOF, or after a reset fails at once with ECONNRESET.
func (s *Stream) closeWriter(reset bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writerClosed, s.writeShut = true, true
	s.writeDeadline.stop()
	if reset {
		s.reset = true
		s.dropBufferedLocked()
	}
	s.wakeBothLocked()
}

// shutRead is CloseRead: Reads return io.EOF, buffered bytes are dropped,
// and the writer gets EPIPE.
func (s *Stream) shutRead() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readShut = true
	s.dropBufferedLocked()
	s.wakeBothLocked()
}

// shutWrite is CloseWrite: the reader gets io.EOF once it has read what is
// buffered, and further Writes fail with EPIPE.
func (s *Stream) shutWrite() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writeShut = true
	s.wakeBothLocked()
}

// dropBufferedLocked discards the bytes nobody will read and frees the ring.
func (s *Stream) dropBufferedLocked() {
	s.ring, s.head, s.size = nil, 0, 0
	s.inFlight = nil
	if s.latencyTimer != nil {
		s.latencyTimer.Stop()
	}
}

// SetMaxRead makes each Read of this stream return at most n bytes, as
// when a request arrives a few bytes at a time; 1 delivers it byte by byte.
// n <= 0 removes the limit.
func (s *Stream) SetMaxRead(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxRead = max(n, 0)
}

// Stall stops delivery: the reader sees no more bytes, nor the end of the
// stream, until Resume; the writer keeps going until the window is full,
// then blocks. A reset still gets through, as an RST overtakes data.
func (s *Stream) Stall() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stalled = true
}

// Resume undoes Stall and wakes a blocked reader.
func (s *Stream) Resume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stalled = false
	wake(&s.readerWaiting, s.readerWake)
}

// SetLatency delays the bytes of every later Write: they become readable
// once the network's clock has advanced by d past the start of that Write.
// Bytes stay in order, so they never overtake earlier, slower ones. Each
// delivery is a timer on the clock: with a fake clock, wait for it with
// WaitForTimer(ctx, d) and Advance. d <= 0 removes the latency for later
// Writes.
func (s *Stream) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = max(d, 0)
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
	defer s.mu.Unlock()
	s.failing, s.failAfter, s.failErr = true, max(n, 0), err
}

// Buffered returns how many bytes were written and not yet read.
func (s *Stream) Buffered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size + len(s.pending)
}

// startSegmentLocked records, under latency, when the next size bytes may
// be read, and arms the delivery timer if nothing else is in flight.
func (s *Stream) startSegmentLocked(size int) {
	if s.latency <= 0 && len(s.inFlight) == 0 {
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
		if len(s.inFlight) == 0 && s.latencyTimer != nil {
			s.latencyTimer.Stop()
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
	defer s.mu.Unlock()
	due := 0
	for due < len(s.inFlight) && !now.Before(s.inFlight[due].due) {
		s.visible = s.inFlight[due].end
		due++
	}
	if due > 0 {
		s.inFlight = s.inFlight[:copy(s.inFlight, s.inFlight[due:])]
		wake(&s.readerWaiting, s.readerWake)
	}
	if len(s.inFlight) > 0 {
		s.armLatencyLocked(s.inFlight[0].due.Sub(now))
	}
}
