// A sans-I/O TCP engine and its sockets interface, for the z/OS firmware stack and emulated client hosts.
export { TcpEngine, type TcpEngineOptions } from './engine.js';
export { TcpConnection } from './connection.js';
export { TcpListener } from './listener.js';
export { LINUX_TCP_CONFIG, ZOS_TCP_CONFIG, tcpConfig, type TcpConfig } from './config.js';
export {
  TcpState,
  tcpStateName,
  zosStateName,
  type CloseReason,
  type TcpCounters,
  type TcpError,
  type TcpErrorCode,
  type TcpHandler,
  type TcpHost,
  type TcpInput,
  type TcpResult,
} from './types.js';
export { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from '../../net/tcp-seq.js';
export * from './apps.js';
