/**
 * The bus events the gpio part emits, added to the gateway's typed event map (src/bus.ts) by declaration
 * merging, so a listener anywhere — a later footfall counting source, the alerts model — gets them typed
 * without importing this part.
 */
import type { Source } from '../bus.js';
import type { CrossingOutcome } from './door.js';

declare module '../bus.js' {
  interface BusEvents {
    /**
     * One person through a door's beam pair (src/gpio/door.ts). `ts` is event time: when both beams were
     * clear again. `door` is the entrance id (gpio.doors[].id); `line`, when configured, the floor counting
     * line the same door is counted on by cameras, so a footfall source can set them side by side. As a
     * `Source` it reads like any device's event: `deviceId` is the door id, `kind` is `door`.
     */
    doorCrossing: Source & {
      door: string;
      line?: string;
      direction: Extract<CrossingOutcome, 'in' | 'out'>;
    };
    /**
     * A debounced press of a push button (gpio.buttons[].id), timed at the press. Nothing consumes it
     * yet: the alerts model (issue 10 point 5) is to reset alerts on it. `deviceId` is the button id,
     * `kind` is `button`.
     */
    gpioButton: Source & { button: string };
  }
}
