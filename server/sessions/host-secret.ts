/**
 * A session's host secret is stored only as its SHA-256; every check (the session's controls over the socket,
 * a classroom's room over HTTP) compares hashes in constant time, here.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Whether `secret` is the one whose hash is `storedHash`. */
export function secretMatches(storedHash: string, secret: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex')
  const stored = Buffer.from(storedHash, 'hex')
  return given.length === stored.length && timingSafeEqual(given, stored)
}
