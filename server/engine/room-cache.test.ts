import { describe, expect, it } from 'vitest'
import { redisErrorText } from './room-cache'

describe('redisErrorText', () => {
  it('says what happened when the connection is down or silent, and passes other errors through', () => {
    expect(redisErrorText(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(
      'Redis unreachable: the connection is down',
    )
    expect(redisErrorText(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toBe('Redis unreachable: the connection is down')
    expect(redisErrorText(new Error("Socket timeout. Expecting data, but didn't receive any in 2000ms."))).toBe(
      'Redis did not answer in time',
    )
    expect(redisErrorText(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toMatch(/^WRONGTYPE/)
  })
})
