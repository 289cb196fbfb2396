package clock

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// WithTimeout returns a copy of parent that is cancelled once the fake clock
// has been advanced by d, like context.WithTimeout.
func (f *Fake) WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return f.withDeadline(parent, f.Now().Add(d), d)
}

// WithDeadline returns a copy of parent that is cancelled once the fake
// clock reaches deadline, like context.WithDeadline: Err() reports
// context.DeadlineExceeded from that instant on, a sooner parent deadline
// wins, and cancelling the parent cancels the copy.
//
// Contexts derived from the copy (context.WithCancel and friends) are
// cancelled before Advance returns. One difference with package context
// remains: when a parent made by package context is cancelled, the copy's
// Err, Done and context.Cause report it at once, but contexts derived from
// the copy learn of it on a goroutine of their own, a moment later, as they
// would under any Context type not defined by package context.
func (f *Fake) WithDeadline(parent context.Context, deadline time.Time) (context.Context, context.CancelFunc) {
	return f.withDeadline(parent, deadline, f.Until(deadline))
}

func (f *Fake) withDeadline(parent context.Context, deadline time.Time, d time.Duration) (context.Context, context.CancelFunc) {
	if parent == nil {
		panic("clock: cannot create context from nil parent")
	}
	if cur, ok := parent.Deadline(); ok && !cur.After(deadline) {
		// The parent expires first: its deadline is the one that counts.
		return context.WithCancel(parent)
	}
	c := &deadlineCtx{parent: parent, deadline: deadline, done: make(chan struct{})}
	c.cause, c.setCause = context.WithCancelCause(context.Background())
	cancel := func() { c.cancel(context.Canceled, context.Canceled) }

	if err := parent.Err(); err != nil {
		c.cancel(err, context.Cause(parent))
		return c, cancel
	}
	if parent.Done() != nil {
		onParent := func() { c.cancel(parent.Err(), context.Cause(parent)) }
		var stop func() bool
		if a, ok := parent.(afterFuncer); ok {
			// Another fake context (or any parent with an AfterFunc
			// method) calls back synchronously, as the context package
			// does for its own children.
			stop = a.AfterFunc(onParent)
		} else {
			stop = context.AfterFunc(parent, onParent)
		}
		// onParent may already be running on another goroutine: publish
		// stop under the lock, and use it at once if it came too late.
		c.mu.Lock()
		c.stopParent = stop
		done := c.err != nil
		c.mu.Unlock()
		if done {
			stop()
		}
	}
	if d <= 0 {
		c.cancel(context.DeadlineExceeded, context.DeadlineExceeded)
		return c, cancel
	}
	t := &fakeTimer{clock: f, kind: KindDeadline, slot: -1, armed: d, fn: func() {
		c.cancel(context.DeadlineExceeded, context.DeadlineExceeded)
	}}
	if f.tracking() {
		t.pcs.record(1) // skip WithTimeout or WithDeadline
	}
	when := int64(deadline.Sub(f.start))
	f.mu.Lock()
	if when > f.at {
		f.pushLocked(t, when)
		f.notifyLocked()
		f.mu.Unlock()
	} else { // the clock moved past the deadline meanwhile
		f.mu.Unlock()
		t.fn()
	}
	c.mu.Lock()
	c.timer = t
	expired := c.err != nil
	c.mu.Unlock()
	if expired {
		t.stop()
	}
	return c, cancel
}

// deadlineCtx is a context whose deadline is measured on a fake clock.
type deadlineCtx struct {
	parent   context.Context
	deadline time.Time
	done     chan struct{}

	// cause carries the cancellation cause, so that context.Cause works on
	// this type as on the standard one (see Value).
	cause    context.Context
	setCause context.CancelCauseFunc

	mu         sync.Mutex
	err        error
	timer      *fakeTimer
	stopParent func() bool
	children   map[*int]func()
}

func (c *deadlineCtx) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *deadlineCtx) Done() <-chan struct{} {
	c.catchUp()
	return c.done
}

func (c *deadlineCtx) Err() error {
	c.catchUp()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// catchUp applies a parent's cancellation that context.AfterFunc has not
// delivered yet (it delivers on a goroutine of its own), so that Err is
// right the moment the parent's cancel function returns.
func (c *deadlineCtx) catchUp() {
	if err := c.parent.Err(); err != nil {
		c.cancel(err, context.Cause(c.parent))
	}
}

// Value answers context.Cause's private question with the cause holder, and
// every other key from the parent.
func (c *deadlineCtx) Value(key any) any {
	if cancelCtxKey != nil && key == cancelCtxKey {
		c.catchUp()
		return c.cause.Value(key)
	}
	return c.parent.Value(key)
}

// afterFuncer is what the context package looks for to attach a child
// without a goroutine.
type afterFuncer interface {
	AfterFunc(func()) func() bool
}

// AfterFunc lets the context package attach children to this context
// without a goroutine each (it looks for this method). f runs synchronously
// when the context is cancelled, so a child is cancelled before Advance
// returns.
func (c *deadlineCtx) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	key := new(int)
	if c.children == nil {
		c.children = make(map[*int]func())
	}
	c.children[key] = f
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.children[key]
		delete(c.children, key)
		return ok
	}
}

func (c *deadlineCtx) cancel(err, cause error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	c.setCause(cause)
	if c.timer != nil {
		// Under c.mu (which is always taken before the clock's lock): once
		// anyone can see the context done, its deadline is no longer
		// pending, even to a concurrent cancel that found it done.
		c.timer.stop()
	}
	close(c.done)
	children := c.children
	c.children = nil
	stopParent := c.stopParent
	c.mu.Unlock()

	if stopParent != nil {
		stopParent()
	}
	for _, f := range children {
		f()
	}
}

func (c *deadlineCtx) String() string {
	return fmt.Sprintf("%v.WithDeadline(%s)", c.parent, c.deadline.Format(time.RFC3339Nano))
}

// cancelCtxKey is the context package's private key that context.Cause asks
// Value for. Knowing it lets deadlineCtx report its own cause rather than
// its parent's. The probe must look cancelled: since Go 1.26, Cause asks Err
// first and only asks Value for a cancelled context. If a future Go stops
// asking, the key is nil and Cause falls back to the parent's answer.
var cancelCtxKey = func() any {
	p := &keyProbe{Context: context.Background()}
	_ = context.Cause(p)
	return p.key
}()

type keyProbe struct {
	context.Context
	key any
}

func (p *keyProbe) Err() error { return context.Canceled }

func (p *keyProbe) Value(key any) any {
	p.key = key
	return nil
}
