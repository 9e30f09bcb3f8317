import { describe, expect, it } from 'vitest'
import { instanceId } from './instance-id'

describe('instanceId', () => {
  it('is the same for a process restarted on the same address, so it takes its rooms back', () => {
    expect(instanceId({ host: '0.0.0.0', port: 3000 })).toBe(instanceId({ host: '0.0.0.0', port: 3000 }))
    expect(instanceId({ host: '0.0.0.0', port: 3000 })).not.toBe(instanceId({ host: '0.0.0.0', port: 3001 }))
  })

  it('is the configured INSTANCE_ID when there is one', () => {
    expect(instanceId({ configured: 'web-1', host: '0.0.0.0', port: 3000 })).toBe('web-1')
  })

  it('is random on port 0, where no address is stable', () => {
    expect(instanceId({ host: '127.0.0.1', port: 0 })).not.toBe(instanceId({ host: '127.0.0.1', port: 0 }))
  })
})
