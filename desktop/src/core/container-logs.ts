/** Docker multiplexes stdout/stderr in 8-byte-headed frames when the container has no TTY. */
export function demuxLogs(output: Buffer | string): string {
  if (typeof output === 'string') return output;
  const { text, rest } = demuxFrames(output);
  return text + rest.toString('utf8');
}

export function demuxFrames(buffer: Buffer): { text: string; rest: Buffer } {
  let offset = 0;
  let text = '';
  while (buffer.length - offset >= 8 && buffer[offset]! <= 2 && buffer.readUInt16BE(offset + 1) === 0) {
    const size = buffer.readUInt32BE(offset + 4);
    if (buffer.length - offset - 8 < size) break;
    text += buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  return { text, rest: buffer.subarray(offset) };
}
