// Package plugins will host per-tenant plugin processes (hashicorp/go-plugin)
// and the reference plugins. Nothing is hosted yet.
package plugins
