import { describe, expect, it } from 'vitest'
import type { FormInstance } from 'element-plus'
import { ApiError } from '../src/api/client'
import { useCreateForm } from '../src/lib/createForm'

function setup(answer: (form: { name: string }, key: string) => Promise<string>) {
  const sent: { name: string; key: string }[] = []
  const created: string[] = []
  const c = useCreateForm({
    blank: () => ({ name: '' }),
    send: (f, key) => { sent.push({ name: f.name, key }); return answer(f, key) },
    done: (x: string) => created.push(x),
    checkFields: () => 'check the fields', network: () => 'no network',
  })
  c.formRef.value = { validate: () => Promise.resolve(true) } as unknown as FormInstance
  return { c, sent, created }
}

describe('a create form', () => {
  it('puts the server\'s problem next to the field, keeps what was typed, and sends the next try with a new key', async () => {
    let refuse = true
    const { c, sent, created } = setup(async (f) => {
      if (refuse) throw new ApiError(422, { status: 422, title: 'Unprocessable Entity', detail: 'phones[0].phone: bad',
        errors: [{ location: 'body.phones[0].phone', message: 'is not a valid phone number' }] })
      return `created ${f.name}`
    })
    c.open()
    expect(c.visible.value).toBe(true)
    c.form.name = '王芳'
    await c.submit()
    expect(c.errors['phones[0].phone']).toBe('is not a valid phone number')
    expect(c.failure.value).toBe('check the fields')
    expect(c.form.name).toBe('王芳')
    expect(c.visible.value).toBe(true)
    refuse = false
    await c.submit()
    expect(created).toEqual(['created 王芳'])
    expect(c.visible.value).toBe(false)
    expect(c.errors).toEqual({})
    expect(sent[0].key).not.toBe(sent[1].key)
  })

  it('says a problem that names no field once, and a network failure in words', async () => {
    const { c } = setup(async () => { throw new ApiError(403, { status: 403, title: 'Forbidden', detail: 'Missing permission units:create.' }) })
    c.open()
    await c.submit()
    expect(c.failure.value).toBe('Missing permission units:create.')
    const net = setup(async () => { throw new TypeError('network') }).c
    net.open()
    await net.submit()
    expect(net.failure.value).toBe('no network')
  })

  it('starts blank each time it opens, with a new key', async () => {
    const { c, sent } = setup(async () => 'ok')
    c.open()
    c.form.name = 'a'
    await c.submit()
    c.open()
    expect(c.form.name).toBe('')
    await c.submit()
    expect(sent[0].key).not.toBe(sent[1].key)
  })
})
