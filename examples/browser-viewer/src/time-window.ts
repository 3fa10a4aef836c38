/** The part of the recording on screen, in ms on the recording's clock. */
export interface TimeWindow {
  startMs: number
  endMs: number
}

/** Narrowest window the viewer zooms to: 1 ms. */
const MIN_SPAN_MS = 1

/** `window` scaled by `factor` (<1 zooms in) around `centerMs`, kept inside `bounds`. */
export function zoomWindow(window: TimeWindow, factor: number, centerMs: number, bounds: TimeWindow): TimeWindow {
  const span = Math.min(bounds.endMs - bounds.startMs, Math.max(MIN_SPAN_MS, (window.endMs - window.startMs) * factor))
  const ratio = (centerMs - window.startMs) / (window.endMs - window.startMs || 1)
  return clampWindow({ startMs: centerMs - ratio * span, endMs: centerMs - ratio * span + span }, bounds)
}

/** `window` moved by `deltaMs`, kept inside `bounds` (its span unchanged). */
export function panWindow(window: TimeWindow, deltaMs: number, bounds: TimeWindow): TimeWindow {
  return clampWindow({ startMs: window.startMs + deltaMs, endMs: window.endMs + deltaMs }, bounds)
}

function clampWindow(window: TimeWindow, bounds: TimeWindow): TimeWindow {
  const span = Math.min(window.endMs - window.startMs, bounds.endMs - bounds.startMs)
  const startMs = Math.min(Math.max(window.startMs, bounds.startMs), bounds.endMs - span)
  return { startMs, endMs: startMs + span }
}
