// Package embedded runs a private PostgreSQL and Redis for the "embedded
// default": when the aftersales binary is started without DATABASE_URL or
// REDIS_URL it owns its databases instead of asking the operator to install,
// configure and secure them first.
//
// Why it looks the way it does:
//
//   - Binaries come from the machine (PG_BINDIR, /usr/lib/postgresql/*/bin,
//     PATH) and are never downloaded: a server binary fetched at run time is a
//     supply-chain risk and does not work offline. A missing binary is an error
//     that names the package to install.
//   - The servers listen on a Unix socket only (no TCP), in a directory only
//     the server user can enter, so nothing else on the network or the machine
//     can reach them. Unix socket paths are limited to 107 bytes, so a deep
//     DataDir moves the sockets to a short private directory under
//     os.TempDir() that Stop removes.
//   - PostgreSQL refuses to run as root, and a database server should not run
//     as root anyway: when we are root, initdb, postgres and redis-server run
//     as an unprivileged system user ("aftersales", created on demand, else
//     "postgres", else "nobody"). Root still connects, because root may open
//     any socket.
//   - The servers must not outlive the binary, even when it is SIGKILLed or
//     crashes: every server gets a Linux parent-death signal (SIGINT, which is
//     PostgreSQL's fast shutdown; SIGTERM for Redis). The kernel sends it when
//     the *thread* that forked the child exits, so each child is started and
//     waited for on its own locked OS thread.
//   - A data directory is never wiped or upgraded behind the operator's back:
//     a cluster of another PostgreSQL major version is refused with a message
//     naming both versions.
//   - One server per data directory: a flock on DataDir/postgres.lock (and
//     redis.lock) is taken before anything is touched and is inherited by the
//     server, so the lock lives exactly as long as the server does, even after
//     the launcher died.
//   - Without redis-server the launcher falls back to an in-process Redis
//     (miniredis) on 127.0.0.1 so that a first run always works, and says
//     loudly that queued jobs will not survive a restart.
//
// Server output goes to DataDir/postgres.log and DataDir/redis.log; a start
// failure includes the tail of the log in its error.
package embedded
