/** Every demo of the best-practices lab proves its claim, as "Show me" runs it (see describeDemos). */
import { describeDemos } from '../../test-support/demos'

describeDemos('best-practices')
