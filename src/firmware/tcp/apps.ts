// Built-in applications: what the LPARs run (echo, HTTP) and what emulated clients use (HTTP client).
export { EchoServer, type EchoStats } from './apps/echo.js';
export { HttpServer, type HttpServerOptions, type HttpServerStats } from './apps/http-server.js';
export { HttpClient, buildHttpRequest, type HttpClientObserver, type HttpClientStats, type HttpExchange } from './apps/http-client.js';
export { BODY_PATTERN, bodyByte } from './apps/http-text.js';
