// Package fxrefused reaches for escape hatches the static check refuses.
package fxrefused

import (
	"flag"
	"io"
	"log"
	"net"
	"os"
	"reflect"
	"runtime"
)

func init() { flag.Set("ginkgo.dry-run", "true") }

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave tries every way out of the sandbox.
func Misbehave() {
	_ = os.WriteFile(os.Getenv("HOME")+"/.config/go/env", []byte("GOFLAGS=-overlay=/tmp/o.json\n"), 0o644)
	runtime.RaceAcquire(nil)
	reflect.ValueOf(Answer).MethodByName("SpecReport").Call(nil)
	log.Writer().(io.Closer).Close()
	network := "unix"
	net.Listen(network, os.Getenv("HOME")+"/.cache/go-build/x")
}
