/**
 * Limits for an app that one address drives on purpose (the tests, the benches, the Playwright server): far
 * more rooms, requests and actions from 127.0.0.1 than any visitor sends. A test or bench of a limit sets
 * its own values after these.
 */
export const ONE_ADDRESS_LIMITS: Record<string, string> = {
  ROOMS_PER_ADDRESS: '100000',
  ROOMS_MAX: '100000',
  HTTP_REQUESTS_PER_SECOND: '1000000',
  HTTP_REQUEST_BURST: '1000000',
  ACTIONS_PER_SECOND: '1000000',
  ACTION_BURST: '1000000',
}
