/**
 * Limits the server enforces on what a visitor can ask for. The schemas that validate actions read them, so
 * the UI's sliders and the server's checks cannot disagree.
 */
export const LIMITS = {
  /** Users seeded into every room (ids 1..usersPerRoom). */
  usersPerRoom: 100,
  /** Posts seeded per user. */
  postsPerUser: 5,
  /** Artificial database latency a room may ask for, and its jitter. */
  dbLatencyMs: 2000,
  dbJitterMs: 1000,
  /** The TTL lab's repeating load: requests per second and how many users it spreads over. */
  loadRps: 20,
  loadUsers: 20,
  /** Longest TTL a lab may set, in seconds (one day: rooms do not live that long anyway). */
  ttlSeconds: 86_400,
  /** Longest free-text field, in user-perceived characters (see lib/text.ts). */
  textLength: 60,
  /** Longest participant display name, in user-perceived characters. */
  nameLength: 30,
  /** Fires a participant may send per second (and in a burst). */
  participantFiresPerSecond: 5,
  participantFireBurst: 10,
  /** Requests one participant's press sends into the lab. */
  requestsPerFire: 10,
  /** Options a poll may have, the longest question and the longest option label (user-perceived characters). */
  pollOptions: 6,
  pollQuestionLength: 200,
  pollOptionLength: 60,
  /** Events one replay page may return. */
  replayPage: 2000,
  /** Keys the inspector lists. */
  inspectorKeys: 200,
} as const
