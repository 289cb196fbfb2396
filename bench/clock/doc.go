// Package clock benchmarks autoroute's fake clock against
// github.com/jonboulle/clockwork and github.com/benbjohnson/clock, side by
// side in one process. See bench/README.md for the figures and the command
// that produced them.
package clock
