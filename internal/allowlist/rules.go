package allowlist

// The allow-list: the packages, functions, types and methods honest
// solutions use, gathered from the lessons' references and alternatives and
// from what a learner reaches for while debugging (fmt, log). Anything not
// listed is refused. A package listed with all its members still loses those
// in its deny list.
//
// What is left out, and why: os, syscall, unsafe and os/exec reach
// descriptors, memory and processes; flag changes the test process's
// settings; reflect's NewAt, Value.UnsafePointer/UnsafeAddr/Pointer and its
// method calls reach memory and methods nobody handed over; runtime's race
// hooks silence the race detector; runtime/debug.WriteHeapDump writes raw
// memory to any descriptor; net's File* functions and File/SyscallConn
// methods turn a connection into a descriptor; Ginkgo, Gomega, the kit's
// internals and other solutions are not a solution's to call.

// rule is what may be used of one package.
type rule struct {
	all     bool            // every exported member and method, but deny
	members map[string]bool // else only these: "Name", "Type.Method"
	deny    map[string]bool // never these, even when all is set
	// denyMethods refuses methods by name, whatever type declares them
	// (net's File is declared on an unexported type every conn embeds).
	denyMethods map[string]bool
}

func allOf(deny ...string) rule { return rule{all: true, deny: set(deny...)} }
func only(members ...string) rule {
	return rule{members: set(members...)}
}

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// kitPrefix is the import path prefix of the course's packages a solution
// may import (the fakes).
const kitPrefix = "autoroute/fakes/"

var rules = map[string]rule{
	// Concurrency, errors, time: the subject of the course.
	"context":     allOf(),
	"errors":      allOf(),
	"sync":        allOf(),
	"sync/atomic": allOf(),
	"time":        allOf(),
	// Text and data.
	"fmt":             allOf(),
	"strings":         allOf(),
	"strconv":         allOf(),
	"bytes":           allOf(),
	"bufio":           allOf(),
	"io":              allOf(),
	"unicode":         allOf(),
	"unicode/utf8":    allOf(),
	"unicode/utf16":   allOf(),
	"math":            allOf(),
	"math/bits":       allOf(),
	"math/rand":       allOf(),
	"math/rand/v2":    allOf(),
	"sort":            allOf(),
	"slices":          allOf(),
	"maps":            allOf(),
	"cmp":             allOf(),
	"iter":            allOf(),
	"container/heap":  allOf(),
	"container/list":  allOf(),
	"container/ring":  allOf(),
	"encoding/binary": allOf(),
	"encoding/json":   allOf(),
	"hash/fnv":        allOf(),
	"hash/crc32":      allOf(),
	"net/textproto":   allOf("Dial"),
	"log":             allOf("Writer", "Logger.Writer"), // the standard error as a value: it could be closed
	"log/slog":        allOf(),
	// The network, without its ways to a descriptor.
	"net": {all: true, deny: set("FileConn", "FileListener", "FilePacketConn",
		"ListenUnix", "ListenUnixgram", "DialUnix", "ResolveUnixAddr", "UnixAddr", "ListenIP", "DialIP"),
		denyMethods: set("File", "SyscallConn", "WriteMsgUnix", "ReadMsgUnix")},
	"net/http": only("StatusText", "CanonicalHeaderKey", "ParseHTTPVersion", "Header",
		"Header.Add", "Header.Set", "Header.Get", "Header.Values", "Header.Del", "Header.Clone", "Header.Write",
		"StatusContinue", "StatusOK", "StatusCreated", "StatusAccepted", "StatusNoContent",
		"StatusMovedPermanently", "StatusFound", "StatusNotModified", "StatusBadRequest", "StatusUnauthorized",
		"StatusForbidden", "StatusNotFound", "StatusMethodNotAllowed", "StatusRequestTimeout", "StatusConflict",
		"StatusGone", "StatusLengthRequired", "StatusRequestEntityTooLarge", "StatusRequestURITooLong",
		"StatusTooManyRequests", "StatusRequestHeaderFieldsTooLarge", "StatusInternalServerError",
		"StatusNotImplemented", "StatusBadGateway", "StatusServiceUnavailable", "StatusGatewayTimeout",
		"StatusHTTPVersionNotSupported",
		"MethodGet", "MethodHead", "MethodPost", "MethodPut", "MethodPatch", "MethodDelete", "MethodOptions",
		"MethodConnect", "MethodTrace", "TimeFormat"),
	// Select over a dynamic set of channels, and no more of reflect.
	"reflect": only("Select", "SelectCase", "SelectDir", "SelectRecv", "SelectSend", "SelectDefault",
		"ValueOf", "TypeOf", "Zero", "MakeChan", "ChanDir", "BothDir", "RecvDir", "SendDir", "DeepEqual",
		"Kind", "Kind.String", "Chan", "Func", "Interface", "Invalid", "Ptr", "Pointer", "Slice", "Map", "Struct",
		"Value", "Value.Interface", "Value.IsValid", "Value.IsNil", "Value.IsZero", "Value.Kind", "Value.Len",
		"Value.Cap", "Value.Recv", "Value.TryRecv", "Value.Send", "Value.TrySend", "Value.Close", "Value.Bool",
		"Value.Int", "Value.Uint", "Value.Float", "Value.String", "Value.Type", "Value.Elem", "Value.Index",
		"Value.CanInterface", "Value.Set", "Value.CanSet", "Value.SetZero", "Value.Slice", "New", "MakeSlice", "Append",
		"Type", "Type.Kind", "Type.String", "Type.Name", "Type.Elem", "Type.ChanDir"),
	"runtime": only("Gosched", "NumGoroutine", "NumCPU", "GOMAXPROCS", "GC", "Goexit", "KeepAlive",
		"Caller", "Callers", "CallersFrames", "Frames", "Frames.Next", "Frame", "FuncForPC", "Func", "Func.Name",
		"Func.FileLine", "Stack", "Error", "Error.Error", "Error.RuntimeError", "SetFinalizer", "AddCleanup",
		"Cleanup", "Cleanup.Stop", "Version", "GOOS", "GOARCH", "MemStats", "ReadMemStats"),
	"runtime/debug": only("Stack", "PrintStack"),
	// os: the errors the network returns, and exit (a bug the grader
	// reports as a crash of the spec). Not os.Stdout or os.Stderr: as
	// values they can be closed (through io.Closer), and the race detector
	// reports on standard error; fmt.Println, log and println print.
	"os": only("Exit", "ErrDeadlineExceeded", "ErrClosed", "ErrNotExist", "ErrExist", "ErrPermission",
		"ErrInvalid", "ErrProcessDone", "IsTimeout"),
}

// networked lists the functions that take a network name, and where: the
// name must be a constant naming TCP or UDP, so that no solution creates a
// Unix socket, a file at any path it likes.
var networked = map[string]int{
	"net.Listen": 0, "net.ListenPacket": 0, "net.Dial": 0, "net.DialTimeout": 0,
	"net.ListenConfig.Listen": 1, "net.ListenConfig.ListenPacket": 1,
	"net.Dialer.Dial": 0, "net.Dialer.DialContext": 1,
	"net.ResolveTCPAddr": 0, "net.ResolveUDPAddr": 0, "net.ListenTCP": 0, "net.ListenUDP": 0,
	"net.DialTCP": 0, "net.DialUDP": 0,
}

var networks = set("tcp", "tcp4", "tcp6", "udp", "udp4", "udp6")

// dynamicDeny lists the method names refused when a method is called
// through an interface the rules do not name: one of the solution's own,
// an unnamed one, or a type parameter's constraint. Such a call reaches
// whatever the value is, so the rules for the value's type cannot be
// checked where the call is made: `any(log.Default()).(interface{ Writer()
// io.Writer })` is log.Logger.Writer, and a generic
// `func f[T any](x interface{ File() (T, error) })` infers os.File from a
// connection without naming it. No honest solution calls a method of
// these names through an interface of its own (and Addr, which a
// listener's interface has, is left out: reflect's Addr reaches nothing
// without Field).
var dynamicDeny = set(
	"Writer", "File", "SyscallConn", "Fd", "Control", "WriteMsgUnix", "ReadMsgUnix", // descriptors
	"UnsafePointer", "UnsafeAddr", "Pointer", "SetPointer", // memory
	"Call", "CallSlice", "Method", "MethodByName", "NumMethod", // methods nobody handed over
	"Field", "FieldByName", "FieldByIndex", "FieldByIndexErr", "FieldByNameFunc", "NumField", // unexported state
)

// deniedFields are struct fields a solution may not set or read, by
// package and name (net's Control fields are Dialer's and ListenConfig's):
// a function of theirs there is handed a syscall.RawConn, a descriptor.
var deniedFields = set("net.Control", "net.ControlContext")

// maxConstString bounds the length of a string constant. Constants are
// computed by the compiler: a few lines that double a string thirty times
// make it use every byte of the machine's memory before anything runs.
const maxConstString = 1 << 20

// maxArrayLength bounds an array's length and a literal's index. An
// initialised array is data the compiler writes whole into the build cache
// and the linker into the binary: `var big = [1 << 30]byte{1<<30 - 1: 1}`
// is a gigabyte on disk, twice, for every grade.
const maxArrayLength = 1 << 24
