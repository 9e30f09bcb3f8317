import { describe, expect, it } from 'vitest'
import {
  fillCommands,
  friendsOf,
  keysPerUser,
  otherPages,
  userKeySet,
  type PostRowLite,
  type UserRowLite,
} from './user-keys'

const users: UserRowLite[] = Array.from({ length: 10 }, (_, i) => ({
  id: i + 1,
  name: `User ${i + 1}`,
  email: `user${i + 1}@example.com`,
  popular: false,
  version: 1,
}))
const posts: PostRowLite[] = Array.from({ length: 30 }, (_, i) => ({
  id: i + 1,
  user_id: (i % 10) + 1,
  title: `Post ${i + 1}`,
  body: '',
  likes: i,
  version: 1,
}))

describe('userKeySet', () => {
  it("builds the user's profile, posts, friends and feed pages, and lists them for the tag set", () => {
    const set = userKeySet(users[2]!, users, posts, 2)
    expect(set.tag).toBe('user:3:keys')
    expect(set.entries.map((e) => e.key)).toEqual([
      'user:3:profile',
      'user:3:posts',
      'user:3:friends',
      'user:3:feed:1',
      'user:3:feed:2',
    ])
    expect(set.entries[0]!.value).toEqual(users[2])
    expect((set.entries[1]!.value.items as { id: number }[]).map((p) => p.id)).toEqual([3, 13, 23])
    // The feed: other people's posts, newest first, five a page.
    const page1 = set.entries[3]!.value.items as { id: number; user_id: number }[]
    expect(page1.map((p) => p.id)).toEqual([30, 29, 28, 27, 26])
    expect((set.entries[4]!.value.items as { id: number }[]).map((p) => p.id)).toEqual([25, 24, 22, 21, 20])
    expect(set.entries.every((e) => e.key.startsWith('user:3:'))).toBe(true)
  })
})

describe('friendsOf', () => {
  it('picks five other users, always the same, never the user', () => {
    const friends = friendsOf(4, users)
    expect(friends).toHaveLength(5)
    expect(new Set(friends.map((f) => f.id)).size).toBe(5)
    expect(friends.some((f) => f.id === 4)).toBe(false)
    expect(friendsOf(4, users)).toEqual(friends)
    expect(friendsOf(1, users.slice(0, 3))).toHaveLength(2)
    expect(friendsOf(1, users.slice(0, 1))).toEqual([])
  })
})

describe('otherPages and keysPerUser', () => {
  it("spreads the other keys as feed pages once each other user's four fixed keys and the posts are counted", () => {
    expect(keysPerUser(20)).toBe(24)
    // 99 other users, 500 posts: 99 * 4 + 500 = 896 fixed keys.
    expect(otherPages(5000, 99, 500)).toBe(41)
    expect(otherPages(2000, 99, 500)).toBe(11)
    // Never more pages than the posts fill, never fewer than none.
    expect(otherPages(100_000, 99, 500)).toBe(100)
    expect(otherPages(500, 99, 500)).toBe(0)
    expect(otherPages(0, 99, 500)).toBe(0)
  })
})

describe('fillCommands', () => {
  it("writes each user's keys, then registers them in the tag set, then the loose keys", () => {
    const set = userKeySet(users[0]!, users, posts, 1)
    const commands = fillCommands([set], [{ key: 'post:1', value: { ...posts[0]! } }])
    expect(commands.map((c) => [c.op, c.key])).toEqual([
      ['set', 'user:1:profile'],
      ['set', 'user:1:posts'],
      ['set', 'user:1:friends'],
      ['set', 'user:1:feed:1'],
      ['tag', 'user:1:keys'],
      ['set', 'post:1'],
    ])
    const tag = commands[4]!
    expect(tag.op === 'tag' && tag.members).toEqual([
      'user:1:profile',
      'user:1:posts',
      'user:1:friends',
      'user:1:feed:1',
    ])
    expect(commands[0]).toMatchObject({ version: 1, owner: 1, json: JSON.stringify(users[0]) })
    expect(commands[5]).not.toHaveProperty('owner')
  })
})
