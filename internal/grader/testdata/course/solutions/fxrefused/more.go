package fxrefused

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
)

// writerOf is an interface of the solution's own: through it, a refused
// method (log.Logger.Writer, standard error as a value) is still refused.
type writerOf interface{ Writer() io.Writer }

// fileOf infers os.File from a connection without naming it.
func fileOf[T any](x interface{ File() (T, error) }) T { f, _ := x.File(); return f }

// Sneak reaches refused values without naming them, and changes the
// standard library's variables.
func Sneak(c *net.TCPConn) {
	any(log.Default()).(writerOf).Writer().(io.Closer).Close()
	fileOf(c)
	context.Canceled = errors.New("what my code returns")
}

const (
	s0  = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	s1  = s0 + s0
	s2  = s1 + s1
	s3  = s2 + s2
	s4  = s3 + s3
	s5  = s4 + s4
	s6  = s5 + s5
	s7  = s6 + s6
	s8  = s7 + s7
	s9  = s8 + s8
	s10 = s9 + s9
	s11 = s10 + s10
	s12 = s11 + s11
	s13 = s12 + s12
	s14 = s13 + s13
	s15 = s14 + s14
)

// Big would cost the compiler gigabytes were the doubling longer: refused
// before anything is compiled.
var Big = s15 + s15

// Data would be 64 MiB in the build cache and the binary: refused before
// anything is compiled.
var Data = [1 << 26]byte{1}
