// livePreview runs an asynchronous check as the user types: each key
// (e.g. one template field) waits `ms` after its last change, and only
// the answer to the latest request of a key is delivered, so a slow
// answer to older text never overwrites a newer one.
export function livePreview<I, O>(o: {
  ms: number
  run: (input: I) => Promise<O>
  done: (key: string, out: O) => void
  failed: (key: string, err: unknown) => void
}) {
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  const latest = new Map<string, number>()
  let seq = 0

  async function now(key: string, input: I) {
    clearTimeout(timers.get(key))
    timers.delete(key)
    const mine = ++seq
    latest.set(key, mine)
    try {
      const out = await o.run(input)
      if (latest.get(key) === mine) o.done(key, out)
    } catch (e) {
      if (latest.get(key) === mine) o.failed(key, e)
    }
  }

  function soon(key: string, input: I) {
    clearTimeout(timers.get(key))
    timers.set(key, setTimeout(() => void now(key, input), o.ms))
  }

  function stop() {
    for (const t of timers.values()) clearTimeout(t)
    timers.clear()
    latest.clear()
  }
  return { soon, now, stop }
}
