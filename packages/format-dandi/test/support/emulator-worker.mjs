// Moved to @spikes/testing; a worker started on this file runs the emulator worker there.
import '../../../testing/src/dandi/emulator-worker.mjs'
