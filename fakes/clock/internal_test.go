package clock

import "testing"

// context.Cause asks Value for a private key of package context; the probe
// must have found it, or a fake context would report its parent's cause.
func TestCancelCtxKeyFound(t *testing.T) {
	if cancelCtxKey == nil {
		t.Fatal("the probe did not find context's cancelCtxKey: context.Cause on a fake context would answer for its parent")
	}
}

// Arming numbers wrap around; the order of two numbers close together
// survives the wrap.
func TestSeqWrapsAround(t *testing.T) {
	for _, c := range []struct {
		a, b seq
		want int
	}{
		{1, 2, -1}, {2, 1, 1}, {7, 7, 0},
		{1<<32 - 1, 0, -1}, {0, 1<<32 - 1, 1}, {1<<32 - 5, 3, -1},
	} {
		if got := c.a.compare(c.b); got != c.want {
			t.Errorf("seq(%d).compare(%d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// ArmedAt looks past the kit's fakes, not past their tests.
func TestIsFakesFunc(t *testing.T) {
	for fn, want := range map[string]bool{
		"autoroute/fakes/memnet.(*Stream).setDeadline":  true,
		"autoroute/fakes/clock.(*Fake).AfterFunc":       true,
		"autoroute/fakes/memnet.Pipe.func1":             true,
		"autoroute/fakes/memnet_test.TestX":             false,
		"autoroute/fakes/clock_test.TestPending.func2":  false,
		"autoroute/solutions/server.(*Server).serve":    false,
		"autoroute/specs/tcpserver_test.glob..func3.1":  false,
		"autoroute/fakes/memnet.Do[autoroute/x_test.T]": true,
		"autoroute/fakesmore.F":                         false,
		"main.main":                                     false,
	} {
		if got := isFakesFunc(fn); got != want {
			t.Errorf("isFakesFunc(%q) = %v, want %v", fn, got, want)
		}
	}
}
