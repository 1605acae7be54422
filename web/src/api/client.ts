import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema'

export type Schemas = components['schemas']
export type Problem = Schemas['Problem']

// ApiError carries the server's problem details (RFC 9457).
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`)
  }

  // The messages per field the problem names ("body.username" → "username"),
  // so a form can show each next to its field.
  fieldErrors(): Record<string, string> {
    return fieldErrors(this.problem)
  }
}

export function fieldErrors(p: Problem): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of p.errors ?? []) {
    const field = (e.location ?? '').replace(/^(body|query|path|header)\.?/, '')
    if (field && !out[field]) out[field] = e.message ?? ''
  }
  return out
}

// formProblem splits a failed call for a form: the messages per field it
// names, or else one message (network: what to say when there was no
// answer).
export function formProblem(e: unknown, network: string): { fields: Record<string, string>; message: string } {
  if (!(e instanceof ApiError)) return { fields: {}, message: network }
  const fields = e.fieldErrors()
  return { fields, message: Object.keys(fields).length ? '' : e.message }
}

type Auth = { token: () => string | null; expired: () => void }
let auth: Auth = { token: () => null, expired: () => {} }

// useAuth tells the client where the session's token is and what to do when
// the server says the session has ended.
export function useAuth(a: Auth) {
  auth = a
}

const authMiddleware: Middleware = {
  onRequest({ request }) {
    const t = auth.token()
    if (t && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${t}`)
    return request
  },
  onResponse({ response, request }) {
    if (response.status === 401 && request.headers.has('Authorization') && !request.url.endsWith('/v1/auth/login')) {
      auth.expired()
    }
    return response
  },
}

// api is the typed client of the public API (types generated from
// openapi/openapi.yaml by `npm run generate`).
export const api = createClient<paths>({ baseUrl: '' })
api.use(authMiddleware)

// unwrap returns the data of a call or throws its problem as an ApiError.
export async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p
  if (error !== undefined || !response.ok) {
    const problem = (error && typeof error === 'object' ? error : { status: response.status, title: response.statusText }) as Problem
    throw new ApiError(response.status, problem)
  }
  return data as T
}

// newIdempotencyKey names one user intent, so a retried request is done once.
export function newIdempotencyKey(): string {
  return crypto.randomUUID()
}
