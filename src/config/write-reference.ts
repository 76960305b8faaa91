/**
 * Writes config/reference.yaml from the schema: `npx tsx src/config/write-reference.ts`.
 * (test/config/reference.test.ts fails when the committed file differs from what this writes.)
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderReference } from './reference.js';

export const REFERENCE_FILE = fileURLToPath(new URL('../../config/reference.yaml', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(REFERENCE_FILE, renderReference());
  process.stdout.write(`wrote ${REFERENCE_FILE}\n`);
}
