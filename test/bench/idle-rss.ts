/**
 * Idle memory (ARCHITECTURE §10: ≤ 150 MB RSS with 100 devices connected, detector not loaded): a real
 * `omo-edge start` process from the build in dist/ (with the V8 flag the shipped unit and shebang use),
 * 100 devices connected and silent, RSS read from
 * /proc after it settles.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRuntimeFile } from '../../src/http/runtime-file.js';
import { runLoadgen } from './ingest.bench.js';

const root = new URL('../..', import.meta.url).pathname;

function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kb / 1024);
}

async function waitForRuntime(dataDir: string): Promise<{ mqtt: number; pid: number }> {
  for (let i = 0; i < 200; i++) {
    const runtime = await readRuntimeFile(dataDir);
    if (runtime !== null) return runtime;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the gateway did not write runtime.json within 10 s');
}

export async function idleGatewayRss(dataDir: string, configFile: string, devicesFile: string) {
  const child = spawn(
    process.execPath,
    [
      '--max-semi-space-size=4',
      join(root, 'dist/src/main.js'),
      'start',
      '--config',
      configFile,
      '--data-dir',
      dataDir,
      '--mqtt-port',
      '0',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, OMO_HTTP_PORT: '0', OMO_LOG_LEVEL: 'warn' } },
  );
  try {
    const runtime = await waitForRuntime(dataDir);
    const scenario = { name: 'idle', devices: 100, rate: 0, qos: 0 as const, durationS: 20 };
    let rssMb = 0;
    await runLoadgen(
      `mqtt://127.0.0.1:${runtime.mqtt}`,
      devicesFile,
      scenario,
      () => {
        // Read after 15 s of idling: logins done, timers settled, a GC or two run.
        setTimeout(() => {
          rssMb = rssMbOf(runtime.pid);
        }, 15_000);
      },
      ['--idle'],
    );
    return { devices: scenario.devices, rssMb };
  } finally {
    child.kill('SIGTERM');
  }
}
