// Built-in applications: what the LPARs run (echo, HTTP).
export { EchoServer, type EchoStats } from './apps/echo.js';
export { HttpServer, type HttpServerOptions, type HttpServerStats } from './apps/http-server.js';
export { BODY_PATTERN, bodyByte } from './apps/http-text.js';
