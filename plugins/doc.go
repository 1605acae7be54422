// Package plugins holds the plugin host and the reference plugins.
//
//   - plugins/host runs tenants' plugin processes for the platform (it
//     implements core.PluginRuntime): one process per binding, the binary's
//     SHA-256 checked at every launch, lazy start, health checks, restart
//     with backoff, idle stop, per-call deadlines, a circuit breaker and a
//     concurrency limit per binding, log lines and metrics tagged with
//     tenant, binding and plugin.
//   - plugins/cti-generic, plugins/parts-erp and plugins/dispatch-rules are
//     reference plugins built with the SDK (sdk/), one main package each.
//
// What a plugin can rely on from the host (and what sdk/README.md tells
// integrators): Configure comes first, with the binding's configuration
// object and its secrets merged in as top-level keys; the process's
// environment is not the platform's (PATH, TZ, LANG, TMPDIR, HOME and the
// proxy and CA variables only); stdout and stderr lines are logged by the
// host, JSON lines from sdk.Logger at their level with their fields.
package plugins
