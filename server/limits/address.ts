/**
 * The address a limit counts a visitor by. IPv4 as it is (an IPv4-mapped IPv6 address is the same visitor);
 * IPv6 by its /64, since one host is usually given a whole /64 and could otherwise pick a new address for
 * every request. No proxy header is trusted: behind a load balancer, every visitor would share its address
 * (configure the balancer's own limits there).
 */
import { isIPv6 } from 'node:net'

export function clientAddress(remote: string | undefined): string {
  if (!remote) return 'unknown'
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote)
  if (mapped) return mapped[1]!
  if (!isIPv6(remote)) return remote
  return `${expandV6(remote).slice(0, 4).join(':')}::/64`
}

/** The eight groups of an IPv6 address, `::` expanded (a zone id dropped). */
function expandV6(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0')
  return [...left, ...zeros, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
}
