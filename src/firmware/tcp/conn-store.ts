// Storage for the number fields of TCP control blocks that do not fit a small integer (sequence numbers are
// unsigned 32-bit, times are picoseconds): one row of a Float64Array per connection, rows in chunks, freed rows
// recycled. As ordinary object fields each such number is a separate 16-byte heap box behind an 8-byte
// pointer; a million held connections (two control blocks each) would spend about a gigabyte on them.
//
// A row is addressed by its chunk and its offset (TcpConnection keeps both, so an access is one typed-array
// read). Chunks start small (a test engine with three connections stays cheap) and grow to CHUNK_MAX rows.

/** Float64 fields per row (TcpConnection's FIELD_* offsets are below this). */
export const ROW_FIELDS = 31;
const CHUNK_MIN = 16;
const CHUNK_MAX = 1024;

export class ConnStore {
  private readonly chunks: Float64Array[] = [];
  /** Free rows as chunk * 65536 + row (chunks hold at most 65,536 rows). */
  private readonly free: number[] = [];
  /** Rows handed out and not yet released (for tests and the memory figures). */
  rows = 0;

  /** A row's handle (chunkOf and offsetOf locate it). Every field is zero; the caller sets the rest. */
  acquire(): number {
    if (this.free.length === 0) this.addChunk();
    const handle = this.free.pop()!;
    this.chunkOf(handle).fill(0, offsetOf(handle), offsetOf(handle) + ROW_FIELDS);
    this.rows++;
    return handle;
  }

  chunkOf(handle: number): Float64Array {
    return this.chunks[Math.floor(handle / 65536)]!;
  }

  release(handle: number): void {
    this.free.push(handle);
    this.rows--;
  }

  private addChunk(): void {
    const k = this.chunks.length;
    const rows = Math.min(CHUNK_MAX, CHUNK_MIN << Math.min(k, 10));
    this.chunks.push(new Float64Array(rows * ROW_FIELDS));
    for (let r = rows - 1; r >= 0; r--) this.free.push(k * 65536 + r);
  }
}

/** Where a row's fields start in its chunk. */
export function offsetOf(handle: number): number {
  return (handle % 65536) * ROW_FIELDS;
}
