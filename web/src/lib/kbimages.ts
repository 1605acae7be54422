import { objectURL, type Attachment } from '@/lib/attachments'

// An article's images and PDFs are attachments (owner kind kb_article)
// that its Markdown names by their API path. A browser cannot send the
// session's token with an <img> or a link, so the rendered article is
// "hydrated": each such image and link is pointed at an object URL of
// the content fetched with the token.

const pathPattern = /^(?:https?:\/\/[^/]+)?\/v1\/attachments\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/content$/i

// attachmentIdOf returns the attachment an image's or link's address
// names, or '' for any other address.
export function attachmentIdOf(src: string | null | undefined): string {
  return pathPattern.exec((src ?? '').trim())?.[1]?.toLowerCase() ?? ''
}

// attachmentPath is the API path of an attachment's content.
export function attachmentPath(id: string): string {
  return `/v1/attachments/${id}/content`
}

// markdownFor is what the editor inserts for an attachment: an image, or
// a link for a PDF. Brackets in the name are dropped so the Markdown
// stays well-formed.
export function markdownFor(a: Pick<Attachment, 'id' | 'file_name' | 'content_type'>): string {
  const name = a.file_name.replace(/[[\]()]/g, '')
  return a.content_type.startsWith('image/') ? `![${name}](${attachmentPath(a.id)})` : `[${name}](${attachmentPath(a.id)})`
}

// hydrate points root's attachment images and links at object URLs and
// returns a function that revokes them.
export async function hydrate(root: HTMLElement | null | undefined): Promise<() => void> {
  const urls: string[] = []
  if (!root) return () => {}
  const cache = new Map<string, Promise<string>>()
  const urlOf = (id: string) => {
    if (!cache.has(id)) cache.set(id, objectURL(id).then((u) => (urls.push(u), u)))
    return cache.get(id)!
  }
  const jobs: Promise<void>[] = []
  root.querySelectorAll('img').forEach((img) => {
    const id = attachmentIdOf(img.getAttribute('src'))
    if (id) jobs.push(urlOf(id).then((u) => { img.src = u; img.dataset.attachment = id }).catch(() => { img.alt = img.alt || id }))
  })
  root.querySelectorAll('a').forEach((a) => {
    const id = attachmentIdOf(a.getAttribute('href'))
    if (id) jobs.push(urlOf(id).then((u) => { a.href = u; a.target = '_blank'; a.dataset.attachment = id }).catch(() => {}))
  })
  await Promise.all(jobs)
  return () => urls.forEach((u) => URL.revokeObjectURL(u))
}
