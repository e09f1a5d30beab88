// The firmware image: a module exporting one factory. A topology may name another module with the same
// export, so a newer firmware build runs against the same models unchanged.
import type { FirmwareFactory } from './hal.js';
import { Stack } from './stack.js';

export const createFirmware: FirmwareFactory = (hal, config) => new Stack(hal, config);
export { ProfileRejected } from './stack.js';
