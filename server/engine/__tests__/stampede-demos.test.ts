/** Every demo of the stampede lab proves its claim, as "Show me" runs it (see describeDemos). */
import { describeDemos } from '../../test-support/demos'

describeDemos('stampede')
