package memnet

import (
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"autoroute/fakes/clock"
)

// minRing is the first size of a stream's ring buffer. The ring starts
// small and doubles up to the window, so a connection that carries a few
// short messages never pays for a full window.
const minRing = 512

// state is a set of conditions of a stream, in one word so that Read and
// Write test everything unusual with a single comparison.
type state uint16

const (
	readerClosed state = 1 << iota // the reading end was closed: its Reads fail with net.ErrClosed
	writerClosed                   // the writing end was closed: its Writes fail with net.ErrClosed
	readShut                       // the reader reads no more (Close or CloseRead): Writes fail with EPIPE
	writeShut                      // the writer writes no more (Close or CloseWrite): Reads end with EOF
	connReset                      // a Reset: the other end's calls fail with ECONNRESET
	readExpired                    // the read deadline has passed
	writeExpired                   // the write deadline has passed
	stalled                        // Stall: nothing is delivered
	delayed                        // SetLatency: bytes are, or will be, in flight
	failing                        // FailWriteAfter is armed

	// readDone is what ends a Read whatever the data; writeDone a Write.
	readDone  = readerClosed | readExpired | connReset | readShut
	writeDone = writerClosed | writeExpired | connReset | writeShut | readShut
)

// Stream is one direction of a connection: the bytes one Conn writes and
// its peer reads. Conn.Outbound and Conn.Inbound return a connection's two
// streams, so a test holding either end can inject faults in both
// directions. The methods are safe for concurrent use, also while Read and
// Write calls are blocked on the stream.
type Stream struct {
	// The fields a Read or a Write touches come first, together, so the
	// two goroutines of a busy connection share as few cache lines as
	// possible.
	mu    sync.Mutex
	state state

	// ring holds bytes written and not yet read: size bytes from head,
	// wrapping around. It is allocated on the first write and grows up to
	// the window.
	ring       []byte
	head, size int
	window     int

	// pending is the unsent tail of a Write that did not fit in the window.
	// It still belongs to the blocked writer: a reader copies from it
	// directly (one copy instead of two) and tops the ring up from it as
	// the ring drains, so the writer returns as soon as all its bytes are
	// read or buffered, as on TCP. With a window of 0 this is how every
	// byte travels, as in net.Pipe.
	pending []byte

	// readerBuf is the buffer of the reader blocked in Read. A writer
	// copies straight into it, stores how much in readerGot and wakes the
	// reader, which returns without taking mu again: one copy instead of
	// two, and a cheaper wake-up. As that return does not take mu, the
	// writer stores readerGot atomically, publishing the copied bytes; the
	// reader clears it under mu before it waits.
	readerBuf []byte
	readerGot int64

	// A blocked reader or writer sets its waiting flag and waits on its
	// Cond. Whoever changes what it waits for clears the flag and sets
	// woken; unlock signals after releasing mu, so the waiter does not wake
	// up only to block on mu. Every such change happens under mu, deadline
	// timers included, so no wake-up is lost, and nothing needs a select.
	readerWaiting, writerWaiting bool
	readerWoken, writerWoken     bool
	readerWake, writerWake       sync.Cond

	// writeBusy is set while a Write waits part-way, so that a Write that
	// would fit cannot slip its bytes in between: Writes never interleave.
	writeBusy bool

	// sent and received count the bytes that entered and left the stream;
	// latency is accounted in these offsets.
	sent, received uint64

	// writeLock queues the Writes that have to wait, and readLock the
	// Reads, so that only one of each waits on the stream at a time.
	writeLock, readLock sync.Mutex

	clock                       clock.Clock
	readDeadline, writeDeadline deadline
	// lazyTimers lets a deadline moved later keep the timer armed for the
	// earlier one, which re-arms itself when it fires early: setting a
	// deadline before every call then costs no timer operation. Only on the
	// real clock: with a fake, every deadline arms its own timer at once,
	// because that is what a test waits for.
	lazyTimers bool

	// Faults; see faults.go.
	maxRead      int
	latency      time.Duration
	inFlight     []segment // bytes not yet visible to the reader, oldest first
	visible      uint64    // with bytes in flight: the offset the reader may read up to
	latencyTimer *clock.Timer
	failAfter    int
	failErr      error
}

func newStream(c clock.Clock, window int) *Stream {
	s := &Stream{clock: c, window: window, lazyTimers: c == clock.Real()}
	s.readerWake.L = (*releaser)(s)
	s.writerWake.L = &s.mu
	return s
}

// releaser is the Locker the blocked reader waits with: Wait releases mu
// through unlock, so the wake-ups owed to others go out, and returns
// without taking it back, as a reader handed its bytes needs it no more.
type releaser Stream

func (r *releaser) Lock()   {}
func (r *releaser) Unlock() { (*Stream)(r).unlock() }

func (s *Stream) set(bits state, on bool) {
	if on {
		s.state |= bits
	} else {
		s.state &^= bits
	}
}

// read is Conn.Read on the receiving end, with unwrapped errors.
func (s *Stream) read(b []byte) (int, error) {
	s.mu.Lock()
	if s.state&(readDone|stalled|delayed) == 0 && s.size > 0 && len(b) > 0 {
		// The common case: bytes are buffered and nothing is unusual.
		n := s.takeLocked(b, s.size+len(s.pending))
		s.unlock()
		return n, nil
	}
	n, blocked, err := s.tryReadLocked(b)
	if !blocked {
		s.unlock()
		return n, err
	}
	// Become the one waiting reader: TryLock without letting go of mu is
	// the common case; otherwise queue behind the reader already waiting.
	if !s.readLock.TryLock() {
		s.unlock()
		s.readLock.Lock()
		s.mu.Lock()
		if n, blocked, err = s.tryReadLocked(b); !blocked {
			s.unlock()
			s.readLock.Unlock()
			return n, err
		}
	}
	for {
		s.readerWaiting, s.readerBuf, s.readerGot = true, b, 0
		s.readerWake.Wait() // releases mu and returns without it
		// Whoever woke us cleared readerBuf first, so no writer touches b
		// or readerGot again until we wait again.
		if n := atomic.LoadInt64(&s.readerGot); n > 0 {
			s.readLock.Unlock()
			return int(n), nil
		}
		s.mu.Lock()
		if n, blocked, err = s.tryReadLocked(b); !blocked {
			s.unlock()
			s.readLock.Unlock()
			return n, err
		}
	}
}

// tryReadLocked reads what it can, or reports that the reader must wait.
// The order of the checks is TCP's: a closed connection, then the deadline
// (so an expired deadline fails the call even with data waiting), then a
// reset, then data, then the end of the stream.
func (s *Stream) tryReadLocked(b []byte) (n int, blocked bool, err error) {
	if s.state&readDone != 0 || len(b) == 0 {
		switch {
		case s.state&readerClosed != 0:
			return 0, false, net.ErrClosed
		case len(b) == 0:
			return 0, false, nil
		case s.state&readExpired != 0:
			return 0, false, os.ErrDeadlineExceeded
		case s.state&connReset != 0:
			return 0, false, errReadReset
		default: // readShut
			return 0, false, io.EOF
		}
	}
	avail := s.size + len(s.pending)
	if s.state&(stalled|delayed) != 0 {
		avail = s.readableLocked()
	}
	if avail > 0 {
		return s.takeLocked(b, avail), false, nil
	}
	if s.state&(writeShut|stalled) == writeShut && s.size == 0 && len(s.pending) == 0 {
		return 0, false, io.EOF
	}
	return 0, true, nil
}

// readableLocked is how many bytes the reader may take now, under a stall
// or latency.
func (s *Stream) readableLocked() int {
	if s.state&stalled != 0 {
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
		s.wakeWriterLocked()
	}
	return n
}

// write is Conn.Write on the sending end, with unwrapped errors.
func (s *Stream) write(b []byte) (int, error) {
	s.mu.Lock()
	if s.state&writeDone != 0 {
		err := s.writeErrLocked()
		s.unlock()
		return 0, err
	}
	if !s.writeBusy && s.state&(failing|delayed) == 0 {
		direct := 0
		if s.readerBuf != nil {
			// Hand over only what fills the reader's buffer: a reader
			// woken for less would return early with a small read, where
			// one woken through the ring takes all that arrived meanwhile.
			if room := s.handoffRoomLocked(); room > 0 && len(b) >= room {
				direct = room
			}
		}
		if len(b)-direct <= s.window-s.size {
			// The common case: the Write fits in a waiting reader's
			// buffer and the window, and completes without waiting.
			if direct > 0 {
				s.handoffLocked(b[:direct])
			}
			if direct < len(b) {
				s.pushLocked(b[direct:])
			}
			s.unlock()
			return len(b), nil
		}
	}
	if !s.writeLock.TryLock() {
		s.unlock()
		s.writeLock.Lock()
		s.mu.Lock()
	}
	n, err := s.writeLocked(b)
	s.unlock()
	s.writeLock.Unlock()
	return n, err
}

// writeLocked writes what fits, then leaves the rest as pending for the
// reader and waits until it is all taken. The caller holds writeLock
// throughout, so no other Write's bytes come in between.
func (s *Stream) writeLocked(b []byte) (n int, err error) {
	if err := s.writeErrLocked(); err != nil {
		return 0, err
	}

	var injected error
	if s.state&failing != 0 && len(b) > s.failAfter {
		b, injected = b[:s.failAfter], s.failErr
	}
	s.startSegmentLocked(len(b))
	s.writeBusy = true
	n = s.handoffLocked(b)
	n += s.pushLocked(b[n:])
	if n < len(b) {
		s.pending = b[n:]
		s.wakeReaderLocked() // with a window of 0, the reader takes from pending
		for len(s.pending) > 0 {
			if err = s.writeErrLocked(); err != nil {
				break
			}
			s.writerWaiting = true
			s.signalLocked() // Wait unlocks mu without unlock's signalling
			for s.writerWaiting {
				s.writerWake.Wait()
			}
		}
		n = len(b) - len(s.pending)
		s.pending = nil
	}
	s.writeBusy = false
	s.endSegmentLocked()

	if s.state&failing != 0 {
		if err == nil && injected != nil {
			s.state &^= failing
			s.failErr = nil
			return n, injected
		}
		s.failAfter -= n
	}
	return n, err
}

// writeErrLocked is why a Write cannot go on, in TCP's order, or nil.
func (s *Stream) writeErrLocked() error {
	switch {
	case s.state&writeDone == 0:
		return nil
	case s.state&writerClosed != 0:
		return net.ErrClosed
	case s.state&writeExpired != 0:
		return os.ErrDeadlineExceeded
	case s.state&connReset != 0:
		return errWriteReset
	default: // writeShut or readShut
		return errBrokenPipe
	}
}

// handoffRoomLocked is how many bytes a writer may copy straight into the
// buffer of a blocked reader: none unless one waits with nothing buffered
// ahead of the new bytes, nor delayed or stalled.
func (s *Stream) handoffRoomLocked() int {
	if s.readerBuf == nil || s.size > 0 || len(s.pending) > 0 || s.state&(stalled|delayed) != 0 {
		return 0
	}
	if s.maxRead > 0 {
		return min(len(s.readerBuf), s.maxRead)
	}
	return len(s.readerBuf)
}

// handoffLocked copies what it can of p into the blocked reader's buffer,
// wakes the reader and reports how much it copied.
func (s *Stream) handoffLocked(p []byte) int {
	k := min(len(p), s.handoffRoomLocked())
	if k == 0 {
		return 0
	}
	copy(s.readerBuf, p[:k])
	atomic.StoreInt64(&s.readerGot, int64(k))
	s.sent += uint64(k)
	s.received += uint64(k)
	s.wakeReaderLocked()
	return k
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
	s.wakeReaderLocked()
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

// wakeReaderLocked wakes the blocked reader, if any, once mu is released.
// From now on the reader's buffer is its own again.
func (s *Stream) wakeReaderLocked() {
	if s.readerWaiting {
		s.readerWaiting, s.readerWoken, s.readerBuf = false, true, nil
	}
}

// wakeWriterLocked wakes the blocked writer, if any, once mu is released.
func (s *Stream) wakeWriterLocked() {
	if s.writerWaiting {
		s.writerWaiting, s.writerWoken = false, true
	}
}

func (s *Stream) wakeBothLocked() {
	s.wakeReaderLocked()
	s.wakeWriterLocked()
}

// unlock releases mu, then wakes whoever was woken while it was held.
func (s *Stream) unlock() {
	if s.readerWoken || s.writerWoken {
		s.unlockAndWake()
		return
	}
	s.mu.Unlock()
}

func (s *Stream) unlockAndWake() {
	reader, writer := s.readerWoken, s.writerWoken
	s.readerWoken, s.writerWoken = false, false
	s.mu.Unlock()
	if reader {
		s.readerWake.Signal()
	}
	if writer {
		s.writerWake.Signal()
	}
}

// signalLocked sends the wake-ups owed so far without releasing mu.
func (s *Stream) signalLocked() {
	if s.readerWoken {
		s.readerWoken = false
		s.readerWake.Signal()
	}
	if s.writerWoken {
		s.writerWoken = false
		s.writerWake.Signal()
	}
}

// closeReader is Close (reset false) or Reset on the reading end: its
// Reads fail with net.ErrClosed, buffered bytes are dropped, and the writer
// gets EPIPE, or ECONNRESET after a reset.
func (s *Stream) closeReader(reset bool) {
	s.mu.Lock()
	defer s.unlock()
	s.state |= readerClosed | readShut
	if reset {
		s.state |= connReset
	}
	s.readDeadline.stop()
	s.dropBufferedLocked()
	s.wakeBothLocked()
}

// closeWriter is Close (reset false) or Reset on the writing end: its
// Writes fail with net.ErrClosed; the reader reads what is buffered, then
// io.EOF, or after a reset fails at once with ECONNRESET.
func (s *Stream) closeWriter(reset bool) {
	s.mu.Lock()
	defer s.unlock()
	s.state |= writerClosed | writeShut
	s.writeDeadline.stop()
	if reset {
		s.state |= connReset
		s.dropBufferedLocked()
	}
	s.wakeBothLocked()
}

// shutRead is CloseRead: Reads return io.EOF, buffered bytes are dropped,
// and the writer gets EPIPE.
func (s *Stream) shutRead() {
	s.mu.Lock()
	defer s.unlock()
	s.state |= readShut
	s.dropBufferedLocked()
	s.wakeBothLocked()
}

// shutWrite is CloseWrite: the reader gets io.EOF once it has read what is
// buffered, and further Writes fail with EPIPE.
func (s *Stream) shutWrite() {
	s.mu.Lock()
	defer s.unlock()
	s.state |= writeShut
	s.wakeBothLocked()
}

// unread reports whether bytes were written to s that its reader has not
// read yet: buffered, in flight, or held by a writer blocked part-way.
func (s *Stream) unread() bool {
	s.mu.Lock()
	defer s.unlock()
	return s.size > 0 || len(s.pending) > 0 || len(s.inFlight) > 0
}

// dropBufferedLocked discards the bytes nobody will read and frees the ring.
func (s *Stream) dropBufferedLocked() {
	s.ring, s.head, s.size = nil, 0, 0
	s.inFlight = nil
	s.set(delayed, s.latency > 0)
	if s.latencyTimer != nil {
		s.latencyTimer.Stop()
	}
}
