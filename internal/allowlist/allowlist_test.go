package allowlist_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"autoroute/internal/allowlist"
)

const root = "../.."

// Every honest solution the course ships passes: the references, the
// alternatives, the stubs and the learner's starting point.
func TestTheCoursesOwnSolutionsPass(t *testing.T) {
	var dirs []string
	for _, pattern := range []string{"lessons/*/reference", "lessons/*/stub", "lessons/*/alternatives/*", "solutions/*"} {
		found, err := filepath.Glob(filepath.Join(root, pattern))
		require.NoError(t, err)
		dirs = append(dirs, found...)
	}
	require.NotEmpty(t, dirs)
	for _, dir := range dirs {
		t.Run(strings.TrimPrefix(dir, root+"/"), func(t *testing.T) {
			findings, err := allowlist.Check(context.Background(), allowlist.Options{Dir: dir, Root: root})
			require.NoError(t, err)
			assert.Empty(t, findings)
		})
	}
}

// An interface of the solution's own with the methods honest code calls
// (a listener's Addr, a conn's Close) passes: the names refused through
// interfaces are only those of escape hatches.
func TestAnInterfaceOfTheSolutionsOwnPasses(t *testing.T) {
	dir := t.TempDir()
	src := "package p\n\nimport \"net\"\n\ntype listener interface {\n\tAccept() (net.Conn, error)\n\tAddr() net.Addr\n\tClose() error\n}\n\n" +
		"func F(l listener) string { defer l.Close(); return l.Addr().String() }\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644))
	abs, err := filepath.Abs(root)
	require.NoError(t, err)
	findings, err := allowlist.Check(context.Background(), allowlist.Options{Dir: dir, Root: abs})
	require.NoError(t, err)
	assert.Empty(t, findings)
}

// Each way out of the sandbox is refused, with its file, line and rule.
func TestEscapeHatchesAreRefused(t *testing.T) {
	cases := map[string]struct{ src, rule, detail string }{
		"unsafe":     {"import \"unsafe\"\nvar _ = unsafe.Pointer(nil)\n", "import", `"unsafe"`},
		"syscall":    {"import \"syscall\"\nfunc F() { syscall.Write(3, nil) }\n", "import", `"syscall"`},
		"flag":       {"import \"flag\"\nfunc init() { flag.Set(\"ginkgo.dry-run\", \"true\") }\n", "import", `"flag"`},
		"exec":       {"import \"os/exec\"\nvar _ = exec.Command\n", "import", `"os/exec"`},
		"ginkgo":     {"import \"github.com/onsi/ginkgo/v2\"\nvar _ = ginkgo.Skip\n", "import", "onsi"},
		"internal":   {"import \"autoroute/internal/harness\"\nvar _ = harness.Budget\n", "import", "autoroute/internal/harness"},
		"race":       {"import \"runtime/race\"\n", "import", "runtime/race"},
		"cgo":        {"import \"C\"\n", "cgo", "cgo"},
		"linkname":   {"import _ \"time\"\n//go:linkname now time.now\nfunc now() int64\n", "directive", "linkname"},
		"tags":       {"", "build-constraint", "constraints"},
		"newfile":    {"import \"os\"\nfunc F() { os.NewFile(3, \"x\").Write(nil) }\n", "call", "os.NewFile"},
		"getenv":     {"import \"os\"\nvar _ = os.Getenv(\"AUTOROUTE_RESULTS\")\n", "call", "os.Getenv"},
		"writefile":  {"import \"os\"\nvar _ = os.WriteFile(\"/tmp/x\", nil, 0o644)\n", "call", "os.WriteFile"},
		"newat":      {"import \"reflect\"\nvar _ = reflect.NewAt\n", "call", "reflect.NewAt"},
		"unsafeptr":  {"import \"reflect\"\nfunc F(v reflect.Value) { _ = v.UnsafePointer() }\n", "call", "reflect.Value.UnsafePointer"},
		"methodcall": {"import \"reflect\"\nfunc F(x any) { reflect.ValueOf(x).MethodByName(\"SpecReport\").Call(nil) }\n", "call", "MethodByName"},
		"heapdump":   {"import \"runtime/debug\"\nfunc F() { debug.WriteHeapDump(3) }\n", "call", "WriteHeapDump"},
		"racehook":   {"import \"runtime\"\nfunc F(x *int) { runtime.RaceAcquire(nil) }\n", "call", "RaceAcquire"},
		"connfile":   {"import \"net\"\nfunc F(c *net.TCPConn) { c.File() }\n", "call", ".File is not"},
		"unixsocket": {"import \"net\"\nfunc F(n string) { net.Listen(n, \"/home/x/.config/go/env\") }\n", "network", "constant"},
		"unixconst":  {"import (\"context\"; \"net\")\nfunc F(lc net.ListenConfig) { lc.Listen(context.Background(), \"unix\", \"/tmp/x\") }\n", "network", "constant"},
		"stderr":     {"import \"os\"\nvar _ = os.Stderr\n", "call", "os.Stderr"},
		"logwriter":  {"import \"log\"\nvar _ = log.Writer()\n", "call", "log.Writer"},
		"missing":    {"import \"autoroute/fakes/nothere\"\nvar _ = nothere.X\n", "import", "do not load"},
		"embedded":   {"import \"net\"\ntype T struct{ *net.TCPConn }\nfunc F(t T) { t.SyscallConn() }\n", "call", "SyscallConn"},
		// Through an interface of the solution's own, or an unnamed one, a
		// refused method is still refused: by its name.
		"ifacewriter":  {"import (\"io\"; \"log\")\ntype W interface{ Writer() io.Writer }\nfunc F() { any(log.Default()).(W).Writer().(io.Closer).Close() }\n", "call", "method named Writer"},
		"unnamediface": {"import (\"io\"; \"log\")\nfunc F() { any(log.Default()).(interface{ Writer() io.Writer }).Writer() }\n", "call", "method named Writer"},
		"inferred":     {"import \"net\"\nfunc file[T any](x interface{ File() (T, error) }) T { f, _ := x.File(); return f }\nfunc F(c *net.TCPConn) { file(c) }\n", "call", "method named File"},
		"reflectfield": {"import \"reflect\"\nfunc F(x any) { any(reflect.ValueOf(x)).(interface{ Field(int) reflect.Value }).Field(0) }\n", "call", "method named Field"},
		"control":      {"import \"net\"\nfunc ctl[T any](n, a string, c T) error { return nil }\nfunc F() { var d net.Dialer; d.Control = ctl }\n", "call", "field Control"},
		// Another package's variables are read, never written.
		"globalassign": {"import (\"context\"; \"errors\")\nfunc init() { context.Canceled = errors.New(\"x\") }\n", "write", "context.Canceled"},
		"globaladdr":   {"import \"io\"\nfunc F() { p := &io.EOF; *p = nil }\n", "write", "io.EOF"},
		"globalfield":  {"import \"net\"\nfunc F() { net.DefaultResolver.PreferGo = true }\n", "write", "net.DefaultResolver"},
		"globalelem":   {"import \"unicode\"\nfunc F() { unicode.Categories[\"L\"] = nil }\n", "write", "unicode.Categories"},
		// Static data of a gigabyte, on disk twice for every grade.
		"bigarray": {"var big = [1 << 30]byte{1}\n", "constant", "array of 1073741824"},
		"bigindex": {"const n = 1 << 20\nvar big = []byte{n * 1024: 1}\n", "constant", "literal with an index"},
		"bignamed": {"type T [1 << 28][4]int\n", "constant", "an array"},
		// A constant the compiler would need gigabytes for, before it compiles.
		"constbomb": {"const (\n\ts0 = \"0123456789abcdef\"\n\ts1 = s0 + s0\n\ts2 = s1 + s1\n\ts3 = s2 + s2\n\ts4 = s3 + s3\n\ts5 = s4 + s4\n\ts6 = s5 + s5\n\ts7 = s6 + s6\n\ts8 = s7 + s7\n\ts9 = s8 + s8\n\ts10 = s9 + s9\n\ts11 = s10 + s10\n\ts12 = s11 + s11\n\ts13 = s12 + s12\n\ts14 = s13 + s13\n\ts15 = s14 + s14\n\ts16 = s15 + s15\n\ts17 = s16 + s16\n)\n\nvar Big = s17\n", "constant", "bytes"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			src := "package p\n\n" + c.src
			if name == "tags" {
				src = "//go:build race\n\npackage p\n"
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644))
			abs, err := filepath.Abs(root)
			require.NoError(t, err)
			findings, err := allowlist.Check(context.Background(), allowlist.Options{Dir: dir, Root: abs})
			require.NoError(t, err)
			require.NotEmpty(t, findings, "nothing refused in:\n%s", src)
			// Several findings on one line come in no set order: one of them
			// is the one this case is about.
			f := findings[0]
			for _, g := range findings {
				if g.Rule == c.rule && strings.Contains(g.Detail, c.detail) {
					f = g
				}
			}
			assert.Equal(t, c.rule, f.Rule)
			assert.Contains(t, f.Detail, c.detail)
			assert.Positive(t, f.Line)
			assert.Contains(t, f.String(), "p.go:")
		})
	}
}

func TestAssemblyAndObjectFilesAreRefused(t *testing.T) {
	for _, name := range []string{"evil.s", "blob.syso", "x.c"} {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "p.go"), []byte("package p\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644))
		findings, err := allowlist.Check(context.Background(), allowlist.Options{Dir: dir, Root: dir})
		require.NoError(t, err)
		require.Len(t, findings, 1, name)
		assert.Equal(t, "file", findings[0].Rule)
	}
}
