/** Every demo of the key-versioning lab proves its claim, as "Show me" runs it (see describeDemos). */
import { describeDemos } from '../../test-support/demos'

describeDemos('key-versioning')
