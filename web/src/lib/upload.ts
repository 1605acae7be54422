import { ApiError, type Problem } from '@/api/client'

// Upload sends a file as a request body with the session's token, and
// reports how much of it has been sent (fetch cannot report upload
// progress; XMLHttpRequest can). It resolves with the parsed JSON answer,
// or rejects with the server's problem as an ApiError.
export type UploadProgress = { sent: number; total: number }

export function upload<T>(opts: {
  url: string
  body: Blob
  contentType: string
  token: string | null
  headers?: Record<string, string>
  onProgress?: (p: UploadProgress) => void
  onSent?: () => void
}): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', opts.url)
    xhr.setRequestHeader('Content-Type', opts.contentType)
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json')
    if (opts.token) xhr.setRequestHeader('Authorization', `Bearer ${opts.token}`)
    for (const [k, v] of Object.entries(opts.headers ?? {})) xhr.setRequestHeader(k, v)
    xhr.upload.onprogress = (e) => opts.onProgress?.({ sent: e.loaded, total: e.lengthComputable ? e.total : opts.body.size })
    xhr.upload.onload = () => opts.onSent?.()
    xhr.onerror = () => reject(new TypeError('network'))
    xhr.onload = () => {
      let parsed: unknown
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined
      } catch {
        parsed = undefined
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T)
      else {
        const problem = (parsed && typeof parsed === 'object' ? parsed : { status: xhr.status, title: xhr.statusText }) as Problem
        reject(new ApiError(xhr.status, problem))
      }
    }
    xhr.send(opts.body)
  })
}
