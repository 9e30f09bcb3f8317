import { io } from 'socket.io-client'
import { startApp } from './server/app'
import { resolveConfig } from './server/config'
import { setLogLevel } from './server/log'
setLogLevel('error')
const app = await startApp({ config: resolveConfig({ PORT: '0', REDIS_URL: 'redis://127.0.0.1:6379', PGLITE_DIR: '/tmp/exp/pg', NODE_ENV: 'test' }), next: false })
const { id } = await app.engine.createRoom()
const s = io(app.url, { transports: ['websocket'] })
const ask = (e: string, m: unknown) => new Promise((r) => s.emit(e as never, m as never, r as never))
await new Promise((r) => s.once('connect', r as never))
await ask('room:join', { room: id })
const msg = JSON.parse(`{"room":"${id}","lab":"ttl","action":"read","userId":1,"__proto__":{"x":1}}`)
console.log(JSON.stringify(await ask('action', msg)).slice(0, 120))
s.disconnect()
await app.engine.rooms.destroy(id)
await app.close()
