/**
 * Cross-field checks of the `gpio` section (src/config/schema-gpio.ts): one pin, one use; ids that name
 * one door or button each; a door's `line` names a floor counting line.
 */
import { type CheckProblem, type ConfigCheck, duplicateIds } from './checks-common.js';
import { type ConfigPath, formatPath } from './problems.js';

/** A pin claimed twice would fail at start-up; say which two keys want it before anything starts. */
export const gpioPinsDistinct: ConfigCheck = ({ gpio }) => {
  if (gpio === undefined) return [];
  const uses: { path: ConfigPath; pin: number }[] = [];
  for (const [i, door] of gpio.doors.entries()) {
    uses.push({ path: ['gpio', 'doors', i, 'outer_pin'], pin: door.outer_pin });
    uses.push({ path: ['gpio', 'doors', i, 'inner_pin'], pin: door.inner_pin });
  }
  for (const [i, button] of gpio.buttons.entries()) uses.push({ path: ['gpio', 'buttons', i, 'pin'], pin: button.pin });
  if (gpio.led !== undefined) uses.push({ path: ['gpio', 'led', 'pin'], pin: gpio.led.pin });
  const problems: CheckProblem[] = [];
  for (const [i, use] of uses.entries()) {
    const earlier = uses.slice(0, i).find((other) => other.pin === use.pin);
    if (earlier !== undefined)
      problems.push({ path: use.path, reason: `pin ${use.pin} is already used by ${formatPath(earlier.path)}` });
  }
  return problems;
};

export const gpioIdsUnique: ConfigCheck = ({ gpio }) =>
  gpio === undefined
    ? []
    : [
        ...duplicateIds(gpio.doors, ['gpio', 'doors'], 'door id'),
        ...duplicateIds(gpio.buttons, ['gpio', 'buttons'], 'button id'),
      ];

/** A door counts the same people as a camera line only if that line exists. */
export const doorLinesExist: ConfigCheck = ({ gpio, floor }) => {
  if (gpio === undefined) return [];
  const lines = new Set(floor.lines.map((line) => line.id));
  return gpio.doors.flatMap((door, i) =>
    door.line === undefined || lines.has(door.line)
      ? []
      : [{ path: ['gpio', 'doors', i, 'line'], reason: `line "${door.line}" is not in floor.lines` }],
  );
};
