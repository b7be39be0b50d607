/**
 * Background work done a slice at a time, paced: after a slice that took d ms, the next waits
 * `ratio` × d, so the work takes at most 1 / (1 + ratio) of the time and ingestion keeps the rest.
 * Slices alone free the event loop between them; pacing also keeps a burst (a fleet coming online,
 * the periodic health flush of 50,000 devices) from taking most of the CPU for a second and
 * leaving a backlog of acknowledgements behind it.
 */
export function pacer(ratio = 4): () => Promise<void> {
  let since = performance.now();
  return async () => {
    const worked = performance.now() - since;
    const wait = worked * ratio;
    await new Promise<void>((r) => (wait >= 1 ? setTimeout(r, Math.min(wait, 1_000)) : setImmediate(r)));
    since = performance.now();
  };
}
