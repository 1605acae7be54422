import { describe, expect, it } from 'vitest'
import { formatDuration } from '../src/lib/format'

describe('formatDuration', () => {
  it('says how long, to the second under an hour', () => {
    expect(formatDuration(249_000, 'en')).toBe('4 min 09 s')
    expect(formatDuration(-249_000, 'en')).toBe('4 min 09 s')
    expect(formatDuration(0, 'en')).toBe('0 min 00 s')
    expect(formatDuration((26 * 3600 + 5 * 60 + 7) * 1000, 'en')).toBe('1 d 2 h 05 min')
    expect(formatDuration((3 * 3600 + 60) * 1000, 'zh-CN')).toBe('3小时01分')
    expect(formatDuration(59_500, 'zh-CN')).toBe('0分59秒')
  })
})
