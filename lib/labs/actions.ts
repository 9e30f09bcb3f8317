/**
 * Each lab's actions with the zod schemas of their parameters: what the HTTP API, the socket and the demos
 * may call, validated on the server. The browser does not import this (it would ship zod); its controls
 * read the same bounds from ../limits.
 */
import type { z } from 'zod'
import { ttlActions } from './ttl-actions'

export interface ActionSpec<P extends z.ZodObject = z.ZodObject> {
  label: string
  /** One sentence on what it does, shown in the API catalogue. */
  summary: string
  params: P
}

export const LAB_ACTIONS: Record<string, Record<string, ActionSpec>> = {
  ttl: ttlActions,
}
