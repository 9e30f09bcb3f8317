import { describe, expect, it } from 'vitest'
import { dataKey, entityOf, guardKey, isInternalKey, KEY_ROOT, parseRoomKey, roomKeys, roomPrefix, scratchKey } from './keys'

describe('roomKeys', () => {
  it('builds every key of a room under one prefix', () => {
    const k = roomKeys('abc123')
    expect(k).toMatchObject({
      prefix: 'lab:abc123:',
      events: 'lab:abc123:events',
      meta: 'lab:abc123:meta',
      pattern: 'lab:abc123:*',
    })
    expect(k.full('user:1')).toBe('lab:abc123:user:1')
    expect(roomPrefix('abc123')).toBe(k.prefix)
  })
})

describe('parseRoomKey', () => {
  it('splits a full key into room and key, keeping colons in the key', () => {
    expect(parseRoomKey('lab:abc123:user:1')).toEqual({ room: 'abc123', key: 'user:1' })
    expect(parseRoomKey('lab:abc123:user:1:posts')).toEqual({ room: 'abc123', key: 'user:1:posts' })
  })

  it('round-trips keys built by roomKeys', () => {
    for (const key of ['user:1', 'config:currency', 'a', 'x:y:z', 'events', 'meta']) {
      expect(parseRoomKey(roomKeys('r00m42').full(key))).toEqual({ room: 'r00m42', key })
    }
  })

  it('returns internal keys as keys, which isInternalKey then recognises', () => {
    const events = parseRoomKey(roomKeys('abc123').events)!
    const meta = parseRoomKey(roomKeys('abc123').meta)!
    expect([events.key, meta.key].map(isInternalKey)).toEqual([true, true])
    expect(isInternalKey('user:1')).toBe(false)
    expect(isInternalKey('events:1')).toBe(false)
    expect(isInternalKey('')).toBe(false)
  })

  it('is undefined for keys outside any room', () => {
    const outside = [
      'user:1',
      'lab',
      'lab:',
      'lab:abc123', // no key part
      'labs:abc123:user:1',
      'LAB:abc123:user:1',
      ':lab:abc123:user:1',
      'lab:abc12:user:1', // room too short
      `lab:${'a'.repeat(33)}:user:1`, // room too long
      'lab:ABC123:user:1', // upper case
      'lab:abc-123:user:1',
      'lab::user:1',
    ]
    for (const key of outside) expect(parseRoomKey(key), key).toBeUndefined()
  })

  it('accepts the shortest and longest room ids', () => {
    expect(parseRoomKey('lab:abcdef:k')?.room).toBe('abcdef')
    expect(parseRoomKey(`lab:${'z'.repeat(32)}:k`)?.room).toBe('z'.repeat(32))
  })
})

describe('data keys and entities', () => {
  it('names data keys by entity and maps them back to their table and id', () => {
    expect([dataKey.user(7), dataKey.post(3), dataKey.config('currency')]).toEqual([
      'user:7',
      'post:3',
      'config:currency',
    ])
    expect(entityOf(dataKey.user(7))).toEqual({ table: 'users', id: '7' })
    expect(entityOf(dataKey.post(3))).toEqual({ table: 'posts', id: '3' })
    expect(entityOf(dataKey.config('currency'))).toEqual({ table: 'app_config', id: 'currency' })
  })

  it('has no entity for other keys', () => {
    for (const key of ['user:1:posts', 'session:1', 'user:', 'users:1', 'user', ''])
      expect(entityOf(key), key).toBeUndefined()
  })

  it('names the guard keys of a data key; they cache no row', () => {
    expect([guardKey.tombstone('user:1'), guardKey.lease('user:1')]).toEqual(['tomb:user:1', 'lease:user:1'])
    for (const key of [guardKey.tombstone('user:1'), guardKey.lease('user:1')]) expect(entityOf(key), key).toBeUndefined()
  })
})

describe('key builders for the write-path labs', () => {
  it("name a user's keys, their tag set, and a versioned key; only the profile and the versioned user cache a row", () => {
    expect(dataKey.userPart(7, 'profile')).toBe('user:7:profile')
    expect(dataKey.userPart(7, 'feed', 3)).toBe('user:7:feed:3')
    expect(dataKey.userTag(7)).toBe('user:7:keys')
    expect(dataKey.versioned(2, dataKey.user(1001))).toBe('v2:user:1001')
    expect(entityOf(dataKey.userPart(7, 'profile'))).toEqual({ table: 'users', id: '7' })
    expect(entityOf(dataKey.versioned(2, dataKey.user(1)))).toEqual({ table: 'users', id: '1' })
    expect([dataKey.userTag(7), dataKey.userPart(7, 'feed', 3), dataKey.userPart(7, 'posts')].map(entityOf)).toEqual([undefined, undefined, undefined])
  })

  it('put scratch keys outside every room, where no room parses them and the observer does not listen', () => {
    for (const key of [scratchKey.churn('abc123', 'ff', 1), scratchKey.bulk('abc123', 9)]) {
      expect(parseRoomKey(key)).toBeUndefined()
      expect(key.startsWith(`${KEY_ROOT}:`)).toBe(false)
    }
    expect(scratchKey.bulkPattern('abc123')).toBe('cachelab-bulk:abc123:*')
  })
})
