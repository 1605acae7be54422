// Package coretest holds the in-memory fakes of core's ports, for the use
// cases' tests, and the scenarios that run against both a fake and the
// real adapter (core/postgres runs them too), so that a fake cannot drift
// from what the adapter does. It imports only the standard library and
// core.
package coretest
