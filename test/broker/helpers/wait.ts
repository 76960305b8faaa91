/** Polls `check` until it returns true or `timeoutMs` passes (then throws naming `what`). */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Subscribes and returns the SUBACK return codes as sent (mqtt.js rejects as a whole when one is 0x80). */
export function subscribeCodes(
  client: {
    subscribe: (
      topics: string[],
      callback: (error: unknown, subs: unknown, packet?: { granted: number[] }) => void,
    ) => unknown;
  },
  topics: string[],
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.subscribe(topics, (_error, _subs, packet) => {
      if (packet === undefined) reject(new Error('no SUBACK'));
      else resolve(packet.granted);
    });
  });
}
