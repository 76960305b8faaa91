/**
 * The sockets devices reach the broker on (ARCHITECTURE §1): MQTT over TCP, over WebSocket on `ws_path`,
 * and over TLS when a certificate is configured. Each accepted connection is handed, as a Duplex, to
 * `accept`, which applies the connection limits and gives it to aedes. Port 0 picks a free port; the
 * bound ports are returned so the gateway can write them to runtime.json.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { GatewayConfig } from '../config/schema.js';

type BrokerConfig = GatewayConfig['broker'];

export interface BoundPorts {
  mqtt: number;
  ws?: number;
  tls?: number;
}

export interface Listeners {
  ports: BoundPorts;
  close(): Promise<void>;
}

export type Accept = (connection: Duplex, request?: IncomingMessage) => void;

/** Largest MQTT fixed header: one type byte and a four-byte remaining length [MQTT-2.2.3]. */
const MAX_FIXED_HEADER = 5;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((done) => server.close(() => done()));
}

async function readPem(configDir: string, key: string, file: string): Promise<Buffer> {
  const path = resolve(configDir, file);
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`broker.tls.${key}: cannot read ${path}: ${(error as Error).message}`);
  }
}

function webSocketServer(config: BrokerConfig, accept: Accept): { http: HttpServer; wss: WebSocketServer } {
  // Plain HTTP requests get a clear answer instead of hanging until the client gives up.
  const http = createHttpServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
    response.end(`MQTT over WebSocket: connect with a WebSocket client to ${config.ws_path}\n`);
  });
  const wss = new WebSocketServer({
    server: http,
    path: config.ws_path,
    // ws buffers a whole frame before emitting it, so bound frames by the packet limit here: ws refuses
    // a larger frame from its header (close 1009) before reading its payload. A packet split over frames
    // is then bounded by the PacketSizeGuard like a TCP stream.
    maxPayload: config.limits.max_packet_bytes + MAX_FIXED_HEADER,
    perMessageDeflate: false,
    // MQTT over WebSocket names the subprotocol "mqtt" (MQTT 3.1.1 §6); older clients send "mqttv3.1".
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : ([...protocols][0] ?? false)),
  });
  wss.on('connection', (socket, request) => accept(createWebSocketStream(socket), request));
  return { http, wss };
}

export async function startListeners(config: BrokerConfig, configDir: string, accept: Accept): Promise<Listeners> {
  const servers: Server[] = [];
  // Every raw socket, including TLS handshakes and WebSocket upgrades not yet handed to `accept`,
  // so that close() does not wait for them (server.close() waits for every open connection).
  const sockets = new Set<Socket>();
  const track = (server: Server) => {
    servers.push(server);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
  };
  let wss: WebSocketServer | undefined;
  const closeAll = async () => {
    wss?.close();
    const closed = Promise.all(servers.map(close));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  try {
    // Nagle's algorithm would hold small acks and replies for up to 40 ms; readings are small and latency counts.
    const tcp = createTcpServer({ noDelay: true }, (socket) => accept(socket));
    track(tcp);
    const ports: BoundPorts = { mqtt: await listen(tcp, config.mqtt_port, config.host) };

    if (config.ws_enabled) {
      const ws = webSocketServer(config, accept);
      wss = ws.wss;
      track(ws.http);
      ports.ws = await listen(ws.http, config.ws_port, config.host);
    }

    if (config.tls !== undefined) {
      const cert = await readPem(configDir, 'cert_file', config.tls.cert_file);
      const key = await readPem(configDir, 'key_file', config.tls.key_file);
      let tls: Server;
      try {
        // A handshake that never finishes holds a socket like a CONNECT that never comes.
        tls = createTlsServer({ cert, key, handshakeTimeout: config.limits.connect_timeout_ms }, (socket) =>
          accept(socket),
        );
      } catch (error) {
        throw new Error(`broker.tls: cannot use cert_file and key_file as a PEM pair: ${(error as Error).message}`);
      }
      track(tls);
      ports.tls = await listen(tls, config.tls.port, config.host);
    }
    return { ports, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
