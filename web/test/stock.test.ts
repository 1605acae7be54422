import { describe, expect, it } from 'vitest'
import { partName, toMajor, toMinor } from '@/lib/stock'

describe('stock helpers', () => {
  it('keeps money in minor units without float drift', () => {
    expect(toMinor(19.99)).toBe(1999)
    expect(toMinor(0.1 + 0.2)).toBe(30)
    expect(toMajor(1999)).toBe(19.99)
  })
  it('names a part in the user language, falling back to the other', () => {
    expect(partName({ name_zh: '压缩机', name_en: 'Compressor' }, 'zh-CN')).toBe('压缩机')
    expect(partName({ name_zh: '压缩机', name_en: 'Compressor' }, 'en')).toBe('Compressor')
    expect(partName({ name_zh: '压缩机', name_en: '' }, 'en')).toBe('压缩机')
  })
})
