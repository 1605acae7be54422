import { describe, expect, it } from 'vitest'
import { ApiError, fieldErrors, formProblem } from '../src/api/client'

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

describe('formProblem', () => {
  it('gives a form the messages per field, or one message', () => {
    const named = new ApiError(422, { status: 422, title: 'Unprocessable', detail: 'validation failed',
      errors: [{ location: 'body.description', message: 'too long' }] } as never)
    expect(formProblem(named, 'offline')).toEqual({ fields: { description: 'too long' }, message: '' })
    const whole = new ApiError(409, { status: 409, title: 'Conflict', detail: 'cannot cancel a closed order' } as never)
    expect(formProblem(whole, 'offline')).toEqual({ fields: {}, message: 'cannot cancel a closed order' })
    expect(formProblem(new TypeError('Failed to fetch'), 'offline')).toEqual({ fields: {}, message: 'offline' })
  })
})
