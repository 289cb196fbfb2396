// Package bench compares Autoroute's fakes with the libraries people use
// instead, side by side in one process. It has its own go.mod so that those
// libraries never become dependencies of the course kit.
package bench
