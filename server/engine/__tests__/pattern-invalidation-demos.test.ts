/** Every demo of the pattern-invalidation lab proves its claim, as "Show me" runs it (see describeDemos). */
import { describeDemos } from '../../test-support/demos'

describeDemos('pattern-invalidation')
