// Builds a small ustar archive in memory, member names taken as given (absolute ones included), for the tar attacks of the sandbox-escape corpus.

/** One regular file in the archive. */
export interface TarEntry {
  /** Up to 100 bytes; kept as given, so `/abs/path` stays absolute. */
  name: string;
  content: string;
  /** Defaults to `0o644`. */
  mode?: number;
}

const BLOCK = 512;

/** The archive bytes: a header and padded content per entry, then two zero blocks. */
export function buildTarArchive(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = Buffer.from(entry.content);
    blocks.push(
      buildHeader(entry.name, content.length, entry.mode ?? 0o644),
      content,
      Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK),
    );
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}

function buildHeader(name: string, size: number, mode: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar member name over 100 bytes: ${name}`);
  const octal = (value: number, width: number): string => `${value.toString(8).padStart(width - 1, "0")}\0`;
  header.write(name, 0);
  header.write(octal(mode, 8), 100);
  header.write(octal(0, 8), 108); // uid
  header.write(octal(0, 8), 116); // gid
  header.write(octal(size, 12), 124);
  header.write(octal(Math.floor(Date.now() / 1000), 12), 136);
  header.write("        ", 148); // checksum field counts as spaces while summing
  header.write("0", 156); // regular file
  header.write("ustar\0", 257);
  header.write("00", 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return header;
}
