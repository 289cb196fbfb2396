// Package selftest proves the course honest. Its tests, part of the kit's
// test command and so of CI, check for every lesson that the reference
// solution passes every spec (under the race detector, in shuffled order,
// several times), that the untouched stubs fail every spec, that each
// catalogued mistake is caught by the spec the manifest names, that a learner
// working in the manifest's order can pass each exercise before writing the
// next (the later ones still stubs), and that the
// manifest, stubs, specs and lesson texts agree. The Go code of the lesson
// texts is checked too (package snippets): every block compiles, a block
// that shows its output prints it, a block marked as a bug shows it.
package selftest
