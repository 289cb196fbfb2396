// Package tcpserver_test is the suite of lesson 05, the TCP server: it
// grades the server you build in solutions/server. Every spec but the
// real-network ones runs over fakes/memnet, an in-memory network whose
// deadlines follow a fake clock, so a five-second timeout takes no time at
// all and fires exactly when the spec says.
package tcpserver_test

import (
	"testing"

	"autoroute/internal/harness"
)

func TestTCPServer(t *testing.T) {
	harness.RunSuite(t, "tcpserver", "lessons/05-tcpserver/README.md")
}
