// Package testkit holds the helpers that tests of several packages share:
// an HTTP request helper, polling, data directories, processes and
// fixtures. It imports only the standard library, so the tests of any
// package may use it, core's included, without one package's tests
// reaching into another's.
package testkit
