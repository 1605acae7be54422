import { api, unwrap, type Schemas } from '@/api/client'

// Attachments of an owner (a work order's photos and signature…) through
// the blob-storage API: upload as multipart, list, and fetch the content
// with the session's token (an <img> cannot send it) as an object URL.
export type Attachment = Schemas['Attachment']

export async function uploadAttachment(a: { ownerKind: string; ownerId: string; label: string; file: Blob; fileName: string; id?: string }) {
  const fd = new FormData()
  fd.append('owner_kind', a.ownerKind)
  fd.append('owner_id', a.ownerId)
  fd.append('label', a.label)
  fd.append('id', a.id ?? crypto.randomUUID())
  fd.append('file', a.file, a.fileName)
  return unwrap(api.POST('/v1/attachments', {
    body: { owner_kind: a.ownerKind, owner_id: a.ownerId, label: a.label, file: '' },
    bodySerializer: () => fd,
  }))
}

export async function listAttachments(ownerKind: string, ownerId: string): Promise<Attachment[]> {
  const r = await unwrap(api.GET('/v1/attachments', { params: { query: { owner_kind: ownerKind, owner_id: ownerId } } }))
  return r.items ?? []
}

// objectURL fetches an attachment's content; the caller revokes the URL.
export async function objectURL(id: string): Promise<string> {
  const blob = await unwrap(api.GET('/v1/attachments/{id}/content', { params: { path: { id } }, parseAs: 'blob' }))
  return URL.createObjectURL(blob as Blob)
}

// dataURLBlob turns a canvas's data URL into a Blob to upload.
export function dataURLBlob(url: string): Blob {
  const [head, data] = url.split(',', 2)
  const type = /data:([^;]+)/.exec(head ?? '')?.[1] ?? 'application/octet-stream'
  const bin = atob(data ?? '')
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return new Blob([bytes], { type })
}
