// A reader of server-sent events over fetch. EventSource cannot send an
// Authorization header, so the agent's stream (GET /v1/agents/me/events)
// is read with fetch and a ReadableStream, parsed here as the HTML spec's
// event-stream format says, and reconnected with backoff.

export type SSEMessage = { event: string; data: string; id?: string }

// SSEParser turns chunks of an event stream into messages. Lines end in
// \n, \r\n or \r; a blank line dispatches; comments (": …") are dropped;
// a message with no data is not dispatched.
export class SSEParser {
  private buf = ''
  private event = ''
  private data: string[] = []
  private id: string | undefined
  private pendingCR = false

  push(chunk: string): SSEMessage[] {
    const out: SSEMessage[] = []
    let text = chunk
    if (this.pendingCR && text.startsWith('\n')) text = text.slice(1) // the \n of a \r\n split across chunks
    this.pendingCR = false
    this.buf += text
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf)
      if (!m) break
      if (m[0] === '\r' && m.index === this.buf.length - 1) {
        this.pendingCR = true
      }
      const line = this.buf.slice(0, m.index)
      this.buf = this.buf.slice(m.index + m[0].length)
      const msg = this.line(line)
      if (msg) out.push(msg)
    }
    return out
  }

  private line(line: string): SSEMessage | null {
    if (line === '') {
      const msg = this.data.length ? { event: this.event || 'message', data: this.data.join('\n'), id: this.id } : null
      this.event = ''
      this.data = []
      return msg
    }
    if (line.startsWith(':')) return null
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    switch (field) {
      case 'event':
        this.event = value
        break
      case 'data':
        this.data.push(value)
        break
      case 'id':
        if (!value.includes('\0')) this.id = value
        break
    }
    return null
  }
}

// backoff is the wait before reconnect attempt n (0-based): doubling from
// base up to max, with up to 20 % jitter so that many agents do not come
// back all at once.
export function backoff(n: number, base = 500, max = 15000, random = Math.random): number {
  const d = Math.min(max, base * 2 ** Math.min(n, 20))
  return Math.round(d * (0.8 + 0.2 * random()))
}

export type StreamState = 'connecting' | 'open' | 'retrying' | 'closed'

export type StreamOptions = {
  url: string
  token: () => string | null
  onMessage: (m: SSEMessage) => void
  onState?: (s: StreamState, detail?: string) => void
  // the server ended the session's stream (event: closed): no reconnect
  closeEvent?: string
  fetch?: typeof fetch
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => { clearTimeout(t); resolve() }, { once: true })
  })

// openStream reads the stream until stopped (the returned function), the
// server sends the close event, or it answers 401/403; other failures
// (network, 5xx, the stream ending) reconnect with backoff.
export function openStream(o: StreamOptions): () => void {
  const ctl = new AbortController()
  const doFetch = o.fetch ?? fetch.bind(globalThis)
  const sleep = o.sleep ?? defaultSleep
  const closeEvent = o.closeEvent ?? 'closed'
  const state = (s: StreamState, d?: string) => o.onState?.(s, d)

  void (async () => {
    let attempt = 0
    while (!ctl.signal.aborted) {
      state('connecting')
      let closed = false
      try {
        const token = o.token()
        const res = await doFetch(o.url, {
          headers: { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          signal: ctl.signal,
          cache: 'no-store',
        })
        if (res.status === 401 || res.status === 403) {
          state('closed', `HTTP ${res.status}`)
          return
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`)
        state('open')
        attempt = 0
        const parser = new SSEParser()
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          for (const m of parser.push(value)) {
            if (m.event === closeEvent) {
              closed = true
              state('closed', m.data)
              await reader.cancel().catch(() => {})
              return
            }
            o.onMessage(m)
          }
        }
      } catch (e) {
        if (ctl.signal.aborted) break
        state('retrying', e instanceof Error ? e.message : String(e))
      }
      if (closed || ctl.signal.aborted) break
      state('retrying')
      await sleep(backoff(attempt++), ctl.signal)
    }
    state('closed')
  })()
  return () => ctl.abort()
}
