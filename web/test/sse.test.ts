import { describe, expect, it } from 'vitest'
import { SSEParser, backoff, openStream, type SSEMessage, type StreamState } from '../src/lib/sse'

describe('SSEParser', () => {
  it('reads events, data lines, ids and skips comments', () => {
    const p = new SSEParser()
    const got = p.push(': connected\n\nevent: screen_pop\ndata: {"a":1}\nid: 7\n\n: keep-alive\n\ndata: one\ndata: two\n\n')
    expect(got).toEqual([
      { event: 'screen_pop', data: '{"a":1}', id: '7' },
      { event: 'message', data: 'one\ntwo', id: '7' },
    ])
  })

  it('joins chunks split anywhere, with any line ending', () => {
    const text = 'event: call\r\ndata: {"x":"y"}\r\n\r\nevent: closed\rdata: {"reason":"bye"}\r\r'
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SSEParser()
      const got = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))]
      expect(got, `cut at ${cut}`).toEqual([
        { event: 'call', data: '{"x":"y"}', id: undefined },
        { event: 'closed', data: '{"reason":"bye"}', id: undefined },
      ])
    }
  })

  it('does not dispatch an event without data, nor an unfinished one', () => {
    const p = new SSEParser()
    expect(p.push('event: lonely\n\nevent: x\ndata: half')).toEqual([])
    expect(p.push('\n\n')).toEqual([{ event: 'x', data: 'half', id: undefined }])
  })

  it('keeps a value without the space after the colon and a field without a colon', () => {
    const p = new SSEParser()
    expect(p.push('data:tight\ndata\n\n')).toEqual([{ event: 'message', data: 'tight\n', id: undefined }])
  })
})

describe('backoff', () => {
  it('doubles from the base up to the maximum, with jitter below', () => {
    expect([0, 1, 2, 3, 10, 50].map((n) => backoff(n, 500, 15000, () => 1))).toEqual([500, 1000, 2000, 4000, 15000, 15000])
    expect(backoff(2, 500, 15000, () => 0)).toBe(1600)
  })
})

// A fetch answering with scripted streams, one per call.
function scripted(answers: Array<{ status?: number; chunks?: string[] } | Error>) {
  const calls: RequestInit[] = []
  const f = (async (_url: string, init: RequestInit) => {
    calls.push(init)
    const a = answers.shift()
    if (!a) return new Promise<Response>(() => {}) // hangs, like an idle stream
    if (a instanceof Error) throw a
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const ch of a.chunks ?? []) c.enqueue(new TextEncoder().encode(ch))
        c.close()
      },
    })
    return new Response(body, { status: a.status ?? 200 })
  }) as unknown as typeof fetch
  return { f, calls }
}

async function until(cond: () => boolean) {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(cond()).toBe(true)
}

describe('openStream', () => {
  it('sends the token, delivers events, reconnects with backoff after failures and stops on closed', async () => {
    const { f, calls } = scripted([
      new Error('network down'),
      { status: 502 },
      { chunks: ['event: screen_pop\nda', 'ta: {"n":1}\n\n'] }, // then the stream ends: reconnect
      { chunks: ['event: call\ndata: {"n":2}\n\nevent: closed\ndata: {"reason":"logged out"}\n\n', 'event: call\ndata: late\n\n'] },
    ])
    const got: SSEMessage[] = []
    const states: string[] = []
    const waits: number[] = []
    openStream({
      url: '/v1/agents/me/events', token: () => 'tok', fetch: f, onMessage: (m) => got.push(m),
      onState: (s: StreamState, d?: string) => states.push(d && s === 'closed' ? `${s}:${d}` : s),
      sleep: async (ms) => { waits.push(ms) },
    })
    await until(() => states.at(-1)?.startsWith('closed') ?? false)
    expect(calls).toHaveLength(4)
    expect((calls[0].headers as Record<string, string>).Authorization).toBe('Bearer tok')
    expect(got.map((m) => m.data)).toEqual(['{"n":1}', '{"n":2}'])
    expect(states.at(-1)).toBe('closed:{"reason":"logged out"}')
    expect(waits).toHaveLength(3)
    expect(waits[1]).toBeGreaterThan(waits[0] * 1.5)
    expect(waits[2]).toBeLessThanOrEqual(500) // reset after a connection opened
  })

  it('gives up on 401 without retrying, and stops when asked', async () => {
    const { f, calls } = scripted([{ status: 401 }])
    const states: string[] = []
    openStream({ url: '/x', token: () => null, fetch: f, onMessage: () => {}, onState: (s) => states.push(s), sleep: async () => {} })
    await until(() => states.includes('closed'))
    expect(calls).toHaveLength(1)
    expect((calls[0].headers as Record<string, string>).Authorization).toBeUndefined()

    const idle = scripted([])
    const st2: string[] = []
    const stop = openStream({ url: '/x', token: () => 't', fetch: idle.f, onMessage: () => {}, onState: (s) => st2.push(s) })
    await until(() => idle.calls.length === 1)
    stop()
    expect(idle.calls[0].signal?.aborted).toBe(true)
  })
})
