//go:build !race

package harness

// raceBuild says whether the suite was built with the race detector (go
// test -race): only then does a learner's run re-execute itself so that the
// detector's reports can be read and rewritten (racelog.go).
const raceBuild = false
