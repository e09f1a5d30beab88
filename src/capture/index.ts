// The capture layer: pcap / pcapng readers, the pcapng writer, and their errors.

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
export { decodeNetworkLayer, EtherType, isSupportedLinkType, LinkType, NetworkLayer } from './link-layer.js';
export { forEachFrame, openCapture, openCaptureSource, readCaptureBytes, type OpenCaptureOptions } from './open-capture.js';
export { PcapReader } from './pcap-reader.js';
export { BlockType, PcapngReader } from './pcapng-reader.js';
export { PcapngWriter, type PcapngWriterOptions } from './pcapng-writer.js';
export { TimestampScale } from './timestamp.js';
