/**
 * The broker part: the embedded aedes broker devices connect to (ARCHITECTURE §1, §4). Started after
 * the ingest and everything behind it, so no device message reaches a part that is not ready; stopped
 * first for the same reason.
 */
import { profiles } from '../../devices/index.js';
import type { PartFactory } from '../part.js';
import { Broker } from './broker.js';

export const brokerPart: PartFactory = ({ config, configDir, metrics, ports, need, provide }) => {
  const ingest = need('ingest');
  const broker = new Broker({
    config: config.broker,
    registry: need('devices'),
    profiles,
    metrics,
    configDir,
    onMessage: (message) => ingest.handle(message),
    onRefused: (refusal) => ingest.refuse(refusal),
  });
  provide('broker', broker);
  return {
    name: 'broker',
    async start() {
      const bound = await broker.start();
      ports.mqtt = bound.mqtt;
      if (bound.ws !== undefined) ports.ws = bound.ws;
      if (bound.tls !== undefined) ports.tls = bound.tls;
    },
    stop: () => broker.stop(),
    health() {
      if (!broker.isRunning) return { status: 'down', connections: 0 };
      return { status: 'ok', connections: broker.connectedCount() };
    },
  };
};
