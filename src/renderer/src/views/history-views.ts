// The views that read saved reports side by side, compare and trend, as one chunk the
// app loads on first use. One chunk, not two: both draw with recharts, and with two lazy
// chunks sharing recharts the bundler moved React out of the first script into a chunk
// of its own, a second request before the first paint (test/e2e/ui.test.ts counts them).

export { CompareView } from './compare-view'
export { TrendView } from './trend-view'
// the fleet's matrix reads the same library, and is small: no chunk of its own
export { FleetView } from './fleet-view'
