// The capture layer: pcap / pcapng readers, the pcapng writer, and their errors.
//
// Reading (a synchronous pull, streamed through the file descriptor in 256 KiB chunks):
//   const reader = openCapture(path);            // or readCaptureBytes(bytes, name): same code path
//   for (let f = reader.next(); f !== null; f = reader.next()) { const ip = f.ipv4(); ... }
//   reader.close();
// Damaged files throw CaptureFormatError { file, offset, message }; the CLI prints formatCaptureError(e)
// (`FILE: byte N: message`) and exits 2. A file that cannot be opened is a CaptureIoError (`FILE: message`).
//
// Writing (capture points): const w = PcapngWriter.toFile(path, { pointName: 'OSA1' });
//   w.writeFrame(virtualNs, ethernetFrame); ... w.close();   // written as path.partial, renamed on close

export { ByteWindow, DEFAULT_CHUNK_BYTES } from './byte-window.js';
export { FileSink, MemorySink, type ByteSink } from './byte-sink.js';
export { FdChunkSource, MemoryChunkSource, type ChunkSource } from './chunk-source.js';
export {
  CaptureFormatError,
  CaptureIoError,
  CaptureWriteError,
  formatCaptureError,
  isCaptureError,
  type CaptureError,
} from './errors.js';
export { CaptureFrame, type CaptureInterface, type CaptureReader } from './frame.js';
export { decodeNetworkLayer, isSupportedLinkType, LinkType, NetworkLayer } from './link-layer.js';
export { EtherType } from '../net/ethernet.js';
export { forEachFrame, openCapture, openCaptureSource, readCaptureBytes, type OpenCaptureOptions } from './open-capture.js';
export { PcapReader } from './pcap-reader.js';
export { BlockType, PcapngReader } from './pcapng-reader.js';
export { PcapngWriter, type PcapngWriterOptions } from './pcapng-writer.js';
export { TimestampScale } from './timestamp.js';
