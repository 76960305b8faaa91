/**
 * A real Mosquitto (/usr/sbin/mosquitto) as the cloud broker for integration tests and benchmarks.
 * It listens on 127.0.0.1 on a free port, from a temp config file; persistence is off unless asked
 * for. `stop()` (SIGTERM) and `start()` again reuse the same port, so clients can reconnect to the
 * same URL as after a real outage; `kill()` is SIGKILL. Optional: a password file, a WebSocket
 * listener, and a TLS listener (custom CA, optionally requiring client certificates).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';

export interface MosquittoTls {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Refuse clients without a certificate signed by caFile. */
  requireCertificate?: boolean;
}

export interface MosquittoOptions {
  /** Users and passwords; when given, anonymous clients are refused. */
  users?: Record<string, string>;
  /** Keep sessions and retained messages across stop()/start() (mosquitto's persistence file). */
  persistence?: boolean;
  websockets?: boolean;
  tls?: MosquittoTls;
  /** Extra lines appended to the config file. */
  extraConfig?: string[];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export class Mosquitto {
  private process: ChildProcess | undefined;
  private stderr = '';
  private partialLine = '';
  /** TCP connections accepted per listener port (its `New connection from … on port N.` notices). */
  private readonly accepted = new Map<number, number>();

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly wsPort: number | undefined,
    readonly tlsPort: number | undefined,
  ) {}

  /** Writes the config and starts the broker; resolves once it accepts TCP connections. */
  static async launch(options: MosquittoOptions = {}): Promise<Mosquitto> {
    const dir = mkdtempSync(join(tmpdir(), 'omo-mosquitto-'));
    const port = await freePort();
    const wsPort = options.websockets ? await freePort() : undefined;
    const tlsPort = options.tls ? await freePort() : undefined;
    const broker = new Mosquitto(dir, port, wsPort, tlsPort);
    writeFileSync(join(dir, 'mosquitto.conf'), broker.configText(options));
    await broker.start();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    if (this.wsPort === undefined) throw new Error('launched without websockets');
    return `ws://127.0.0.1:${this.wsPort}`;
  }

  get tlsUrl(): string {
    if (this.tlsPort === undefined) throw new Error('launched without tls');
    return `mqtts://localhost:${this.tlsPort}`;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  async start(): Promise<void> {
    if (this.process) return;
    this.stderr = '';
    this.partialLine = '';
    const child = spawn(MOSQUITTO_BIN, ['-c', join(this.dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
      this.countConnections(chunk.toString());
    });
    this.process = child;
    child.once('exit', () => {
      if (this.process === child) this.process = undefined;
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (!this.process) throw new Error(`mosquitto exited at start: ${this.stderr}`);
      if (await accepts(this.port)) return;
      if (Date.now() > deadline) throw new Error(`mosquitto not accepting on ${this.port}: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * How many connections the listener on `port` has accepted so far (refused ones included): proof
   * that a client tried, and tried again, where "still disconnected" alone would also hold for a
   * client that never tried.
   */
  connectionsOn(port: number): number {
    return this.accepted.get(port) ?? 0;
  }

  private countConnections(text: string): void {
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) {
      const port = /New connection from \S+ on port (\d+)\./.exec(line)?.[1];
      if (port !== undefined) this.accepted.set(Number(port), this.connectionsOn(Number(port)) + 1);
    }
  }

  /** SIGTERM: mosquitto disconnects clients (their wills fire) and saves persistence if on. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** SIGKILL: the broker vanishes as in a crash. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Stops the broker and removes its directory. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.process = undefined;
  }

  private configText(options: MosquittoOptions): string {
    const lines = [
      // Running as root, mosquitto would switch to the `mosquitto` user and lose access to our temp dir.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'per_listener_settings false',
      `persistence ${options.persistence ? 'true' : 'false'}`,
      ...(options.persistence ? [`persistence_location ${this.dir}/`, 'autosave_interval 1'] : []),
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice', // "New connection from …", counted by connectionsOn()
      // Subscribers in tests may lag bursts of uplink messages; do not let the broker drop them.
      'max_queued_messages 0',
      'max_inflight_messages 0',
      `listener ${this.port} 127.0.0.1`,
    ];
    if (options.users) {
      const file = join(this.dir, 'passwords');
      writeFileSync(file, '');
      for (const [user, password] of Object.entries(options.users)) {
        execFileSync('/usr/bin/mosquitto_passwd', ['-b', file, user, password]);
      }
      lines.push('allow_anonymous false', `password_file ${file}`);
    } else {
      lines.push('allow_anonymous true');
    }
    if (this.wsPort !== undefined) lines.push(`listener ${this.wsPort} 127.0.0.1`, 'protocol websockets');
    if (options.tls && this.tlsPort !== undefined) {
      lines.push(
        `listener ${this.tlsPort} 127.0.0.1`,
        `cafile ${options.tls.caFile}`,
        `certfile ${options.tls.certFile}`,
        `keyfile ${options.tls.keyFile}`,
        `require_certificate ${options.tls.requireCertificate ? 'true' : 'false'}`,
      );
    }
    lines.push(...(options.extraConfig ?? []));
    return `${lines.join('\n')}\n`;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
