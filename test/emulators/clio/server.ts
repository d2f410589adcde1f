import { serveEmulator, type ServedEmulator } from '../serve';
import { type ClioEmulator, createClioEmulator, type EmulatorOptions } from './index';

/** A Clio emulator alone on a port (0 picks one): for tests that need several regions. */
export function startClioEmulator(options: Partial<EmulatorOptions> & { port: number }): Promise<ServedEmulator<ClioEmulator>> {
  const { port, ...rest } = options;
  return serveEmulator(port, (url) => createClioEmulator({ ...rest, baseUrl: rest.baseUrl ?? url }));
}
