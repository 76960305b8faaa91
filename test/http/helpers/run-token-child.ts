import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./token-child.ts', import.meta.url));

/** Runs a token change in another Node process (like the CLI) and returns its parsed stdout. */
export function changeTokensInChild(path: string, ...args: string[]): Promise<{ token?: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, path, ...args], (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as { token?: string });
    });
  });
}

/** Polls `check` until it returns true or `timeoutMs` passes; the file watch is asynchronous by nature. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
