// Command autoroute is the course's front door: the course map, checks,
// hints and grading. It is thin on purpose: flags and printing only; the
// work is done in internal/.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stdout, `Autoroute — concurrency in Go, the way the Tokio tutorial teaches it

  01 runtime     the highway and its lanes: an executor
  02 spawn       tasks, join handles, join sets
  03 await       futures, joins, timeouts
  04 select      racing, merging, cancelling
  05 tcpserver   the seed's server, made safe`)
}
