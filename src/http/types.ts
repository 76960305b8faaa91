/**
 * What the HTTP layer needs from the rest of the gateway, as structural types: the composition root
 * (src/gateway.ts) passes the real parts, tests pass small fakes, and src/http/ imports no feature code.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { Scope, TokenStore } from '../registry/tokens.js';

export type HealthStatus = 'ok' | 'degraded' | 'down';

/** One part's state; parts add their own fields (connections, backlog, last ack…). */
export interface ComponentHealth {
  status: HealthStatus | 'disabled' | 'unknown';
  [detail: string]: unknown;
}

/**
 * The gateway's overall verdict and each part's state by part name (ARCHITECTURE §8 `/healthz`):
 * `storage` (the SQLite connection), `broker`, `uplink`, `outbox` and any part that reports health.
 */
export interface HealthReport {
  status: HealthStatus;
  parts: Record<string, ComponentHealth>;
}

/**
 * The fields of a registered device the admin API shows (the shape of src/registry/devices.ts
 * `DeviceRecord`); credential hashes are never part of it.
 */
export interface DeviceRecordView {
  id: string;
  kind: string;
  /** ISO 8601 */
  createdAt?: string;
  /** ISO 8601; when the password was last set. */
  updatedAt?: string;
}

export interface DeviceListSource {
  list(): readonly DeviceRecordView[];
}

export interface DeadLetterQuery {
  limit: number;
  offset: number;
  reason?: string;
  deviceId?: string;
  /** Epoch milliseconds; rows at or after it. */
  since?: number;
}

export interface DeadLetterSource {
  list(query: DeadLetterQuery): readonly unknown[];
  count(): number;
}

export interface HttpDeps {
  tokens: TokenStore;
  metrics: Registry;
  health: () => HealthReport | Promise<HealthReport>;
  devices?: DeviceListSource;
  deadLetters?: DeadLetterSource;
  /** Feature routes (HQ data, signage pull…) registered after the core ones, under the same error and auth rules. */
  routes?: readonly HttpRoutePlugin[];
  /** Fastify's own request logging (pino); off by default, the gateway logs through src/log.ts. */
  logger?: boolean;
  /** Guard `/metrics` with the `admin` scope; off by default because Prometheus scrapers rarely carry tokens. */
  protectMetrics?: boolean;
  /** Epoch ms the gateway started, for `uptime_s` (defaults to when the app was built). */
  startedAt?: number;
}

/** An async hook usable as a route's `onRequest` (preferred: runs before parsing and validation) or `preHandler`. */
export type ScopeHook = (request: FastifyRequest) => Promise<void>;

/** Given to every route plugin so feature routes use the same auth and the same counters. */
export interface HttpRouteContext {
  /** Refuses requests without a valid bearer token (401) or whose token lacks `scope` (403); sets `request.token`. */
  requireScope(scope: Scope): ScopeHook;
}

/**
 * A feature's routes. Paths are absolute (`/api/v1/footfall`); every route should carry a schema with
 * `summary`, `tags` and response schemas so it appears in `/api/docs`, and `security: bearerSecurity`
 * when it calls `requireScope`.
 */
export interface HttpRoutePlugin {
  name: string;
  register(app: FastifyInstance, context: HttpRouteContext): void | Promise<void>;
}
