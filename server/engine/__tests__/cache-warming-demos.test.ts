/** Every demo of the cache-warming lab proves its claim, as "Show me" runs it (see describeDemos). */
import { describeDemos } from '../../test-support/demos'

describeDemos('cache-warming')
