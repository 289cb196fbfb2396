package clock

import "testing"

// context.Cause asks Value for a private key of package context; the probe
// must have found it, or a fake context would report its parent's cause.
func TestCancelCtxKeyFound(t *testing.T) {
	if cancelCtxKey == nil {
		t.Fatal("the probe did not find context's cancelCtxKey: context.Cause on a fake context would answer for its parent")
	}
}
