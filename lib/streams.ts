/**
 * Reads a web stream to the end. `onChunk` sees the running byte count after each chunk;
 * if it throws, reading stops, the stream is cancelled and the error propagates.
 */
export async function readAll(stream: ReadableStream<Uint8Array>, onChunk?: (receivedBytes: number) => void): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    try {
      onChunk?.(received);
    } catch (error) {
      await reader.cancel().catch(() => undefined);
      throw error;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
