// Checksums and directory consistency: a zip member that fails its CRC-32 and a forged end-of-central-directory record are refused.
import { describe } from 'vitest'
import { describeHostileClass } from './hostile-support.js'

describe('hostile inputs: integrity', () => describeHostileClass('integrity'))
