import { describe, expect, it } from 'vitest'
import { attachmentIdOf, markdownFor } from '@/lib/kbimages'

const id = '0f8b6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b'

describe('kb images', () => {
  it('finds the attachment an address names', () => {
    expect(attachmentIdOf(`/v1/attachments/${id}/content`)).toBe(id)
    expect(attachmentIdOf(`https://example.com/v1/attachments/${id.toUpperCase()}/content`)).toBe(id)
    expect(attachmentIdOf(`/v1/attachments/${id}`)).toBe('')
    expect(attachmentIdOf(`/v1/attachments/${id}/content?x=1`)).toBe('')
    expect(attachmentIdOf('https://example.com/a.png')).toBe('')
    expect(attachmentIdOf(null)).toBe('')
  })
  it('writes an image for an image and a link for a PDF', () => {
    expect(markdownFor({ id, file_name: 'wiring [v2].png', content_type: 'image/png' })).toBe(`![wiring v2.png](/v1/attachments/${id}/content)`)
    expect(markdownFor({ id, file_name: 'manual.pdf', content_type: 'application/pdf' })).toBe(`[manual.pdf](/v1/attachments/${id}/content)`)
  })
})
