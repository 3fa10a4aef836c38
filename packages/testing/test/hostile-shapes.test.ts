// Shapes and ranges: 1-D spike times, integer .npy shapes, one row per cluster, sampling rates within 1 Hz..10 MHz.
import { describe } from 'vitest'
import { describeHostileClass } from './hostile-support.js'

describe('hostile inputs: shapes', () => describeHostileClass('shapes'))
