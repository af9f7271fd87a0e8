/**
 * Splits queued reports into messages that fit the controller's message limit. A resend after
 * a long outage can hold hundreds of reports with large gain maps; sent as one message it is
 * over the limit, the controller closes the link (1009), and the agent would resend the same
 * message forever. Each message holds at most `maxItems` and serialises to at most `maxBytes`.
 *
 * `sizeOf` is an item's serialised size; `overheadBytes` covers the message envelope. An item
 * that cannot fit even alone is returned in `tooLarge` (the caller refuses it to its device).
 */
export function splitBatches<T>(items: T[], sizeOf: (item: T) => number, maxBytes: number, maxItems: number, overheadBytes = 64): { batches: T[][]; tooLarge: T[] } {
  const batches: T[][] = [];
  const tooLarge: T[] = [];
  let current: T[] = [];
  let bytes = overheadBytes;
  for (const item of items) {
    // +1 for the comma between array elements
    const size = sizeOf(item) + 1;
    if (overheadBytes + size > maxBytes) {
      tooLarge.push(item);
      continue;
    }
    if (current.length > 0 && (bytes + size > maxBytes || current.length >= maxItems)) {
      batches.push(current);
      current = [];
      bytes = overheadBytes;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return { batches, tooLarge };
}
