// The page: the viewer on document.body, its loader in worker.js; ?url=… opens that URL at once.
import { startViewer } from './viewer.js'

const viewer = startViewer(document.body, new Worker(new URL('worker.js', location.href), { type: 'module' }))
const initial = new URLSearchParams(location.search).get('url')
if (initial) viewer.load(new URL(initial, location.href).href)
