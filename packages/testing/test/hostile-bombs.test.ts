// Decompression bombs stop at the size the metadata declares; chunks within budget still load; limits hit by the data are SPIKES_LIMIT_EXCEEDED.
import { describe } from 'vitest'
import { describeHostileClass } from './hostile-support.js'

describe('hostile inputs: bombs', () => describeHostileClass('bombs'))
