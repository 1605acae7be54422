import { describe, expect, it } from 'vitest'
import { partName } from '@/lib/stock'

describe('stock helpers', () => {
  it('names a part in the user language, falling back to the other', () => {
    expect(partName({ name_zh: '压缩机', name_en: 'Compressor' }, 'zh-CN')).toBe('压缩机')
    expect(partName({ name_zh: '压缩机', name_en: 'Compressor' }, 'en')).toBe('Compressor')
    expect(partName({ name_zh: '压缩机', name_en: '' }, 'en')).toBe('压缩机')
  })
})
