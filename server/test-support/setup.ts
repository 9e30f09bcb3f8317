/** Runs in every test process before its files: keeps the app's info logs out of the test output. */
import { setLogLevel } from '../log'

setLogLevel(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'warn')
