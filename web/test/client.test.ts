import { describe, expect, it } from 'vitest'
import { ApiError, fieldErrors } from '../src/api/client'

describe('problem details', () => {
  it('name each field once, without the location prefix', () => {
    const p = {
      status: 422,
      title: 'Unprocessable Entity',
      errors: [
        { location: 'body.username', message: 'expected length >= 2' },
        { location: 'body.username', message: 'a second message is not shown' },
        { location: 'body.admin.password', message: 'too short' },
        { location: 'query.limit', message: 'expected number <= 200' },
        { message: 'no location' },
      ],
    }
    expect(fieldErrors(p)).toEqual({ username: 'expected length >= 2', 'admin.password': 'too short', limit: 'expected number <= 200' })
  })

  it('say the detail, else the title, else the status', () => {
    expect(new ApiError(409, { status: 409, title: 'Conflict', detail: 'The order changed.' }).message).toBe('The order changed.')
    expect(new ApiError(404, { status: 404, title: 'Not Found' }).message).toBe('Not Found')
    expect(new ApiError(502, {}).message).toBe('HTTP 502')
  })
})
