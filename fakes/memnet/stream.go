package memnet

import (
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
	// wake channel (capacity 1, made on first use). Whoever changes what it
	// waits for clears the flag and sets woken; unlock then sends, after
	// releasing mu, so the waiter does not wake up only to block on mu.
	// There is one send per cleared flag and one receive per wait, so a
	// send never blocks.
	readerWaiting, writerWaiting bool
	readerWoken, writerWoken     bool
	readerWake, writerWake       chan struct{}

	// readerBuf is the buffer of the reader blocked in Read. A writer
	// copies straight into it, records how much in readerGot and wakes the
	// reader, which returns without taking mu again: one copy instead of
	// two, and a cheaper wake-up.
	readerBuf []byte
	readerGot int

	readerClosed bool // the reading end was closed: its Reads fail with net.ErrClosed
	writerClosed bool // the writing end was closed: its Writes fail with net.ErrClosed
	readShut     bool // the reader will read no more (Close or CloseRead): Writes fail with EPIPE
	writeShut    bool // the writer will write no more (Close or CloseWrite): Reads end with EOF
	reset        bool // a Reset: the other end's calls fail with ECONNRESET

	readDeadline, writeDeadline deadline
	// lazyTimers lets a deadline moved later keep the timer armed for the
	// earlier one, which re-arms itself when it fires early: setting a
	// deadline before every call then costs no timer operation. Only on the
	// real clock: with a fake, every deadline arms its own timer at once,
	// because that is what a test waits for.
	lazyTimers bool

	// Faults; see faults.go.
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

func newStream(c clock.Clock, window int) *Stream {
	return &Stream{clock: c, window: window, lazyTimers: c == clock.Real()}
}

// read is Conn.Read on the receiving end, with unwrapped errors.
func (s *Stream) read(b []byte) (int, error) {
	s.mu.Lock()
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
		if s.readerWake == nil {
			s.readerWake = make(chan struct{}, 1)
		}
		s.readerWaiting, s.readerBuf, s.readerGot = true, b, 0
		wake := s.readerWake
		s.unlock()
		<-wake
		// Whoever woke us cleared readerBuf first, so no writer touches b
		// or readerGot again until we wait again.
		if n := s.readerGot; n > 0 {
			s.readLock.Unlock()
			return n, nil
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
	switch {
	case s.readerClosed:
		return 0, false, net.ErrClosed
	case len(b) == 0:
		return 0, false, nil
	case s.readDeadline.expired:
		return 0, false, os.ErrDeadlineExceeded
	case s.reset:
		return 0, false, errReadReset
	case s.readShut:
		return 0, false, io.EOF
	}
	if avail := s.readableLocked(); avail > 0 {
		return s.takeLocked(b, avail), false, nil
	}
	if s.writeShut && s.size == 0 && len(s.pending) == 0 && !s.stalled {
		return 0, false, io.EOF
	}
	return 0, true, nil
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
		s.wakeWriterLocked()
	}
	return n
}

// write is Conn.Write on the sending end, with unwrapped errors.
func (s *Stream) write(b []byte) (int, error) {
	s.mu.Lock()
	if err := s.writeErrLocked(); err != nil {
		s.unlock()
		return 0, err
	}
	if !s.writeBusy && !s.writeFaultsLocked() {
		direct := min(len(b), s.handoffRoomLocked())
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
	if s.failing && len(b) > s.failAfter {
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
			if s.writerWake == nil {
				s.writerWake = make(chan struct{}, 1)
			}
			s.writerWaiting = true
			wake := s.writerWake
			s.unlock()
			<-wake
			s.mu.Lock()
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

// handoffRoomLocked is how many bytes a writer may copy straight into the
// buffer of a blocked reader: none unless one waits with nothing buffered
// ahead of the new bytes, nor delayed or stalled.
func (s *Stream) handoffRoomLocked() int {
	if s.readerBuf == nil || s.size > 0 || len(s.pending) > 0 || s.stalled || len(s.inFlight) > 0 {
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
	s.readerGot = k
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
	var reader, writer chan struct{}
	if s.readerWoken {
		reader, s.readerWoken = s.readerWake, false
	}
	if s.writerWoken {
		writer, s.writerWoken = s.writerWake, false
	}
	s.mu.Unlock()
	if reader != nil {
		reader <- struct{}{}
	}
	if writer != nil {
		writer <- struct{}{}
	}
}

// closeReader is Close (reset false) or Reset on the reading end: its
// Reads fail with net.ErrClosed, buffered bytes are dropped, and the writer
// gets EPIPE, or ECONNRESET after a reset.
func (s *Stream) closeReader(reset bool) {
	s.mu.Lock()
	defer s.unlock()
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
	defer s.unlock()
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
	defer s.unlock()
	s.readShut = true
	s.dropBufferedLocked()
	s.wakeBothLocked()
}

// shutWrite is CloseWrite: the reader gets io.EOF once it has read what is
// buffered, and further Writes fail with EPIPE.
func (s *Stream) shutWrite() {
	s.mu.Lock()
	defer s.unlock()
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
