/**
 * The HTTP app as the gateway builds it, with the HQ routes over a real AggregateStore (a SQLite file
 * filled with the zara01 scenario's bins, test/aggregate/scenario.ts) and a real token file. `routes`
 * passes the clock and final_until source the gateway would; the rows are read in query workers on the
 * same file, as in the gateway.
 */
import { type HqOptions, hqRoutes } from '../../src/http/routes/hq-routes.js';
import { makeTestApp, type TestApp } from '../http/helpers/app.js';
import { openStore, type StoreFixture } from './helpers.js';
import { buildScenario, type Scenario } from './scenario.js';

export interface HqApp {
  http: TestApp;
  fixture: StoreFixture;
  scenario: Scenario;
  close(): Promise<void>;
}

export async function makeHqApp(
  scenario: Scenario = buildScenario(),
  routes: Pick<HqOptions, 'now' | 'finalUntil' | 'metrics'> = {},
): Promise<HqApp> {
  const fixture = await openStore(scenario.config);
  for (const record of scenario.records) fixture.store.writeBin(record);
  const http = await makeTestApp({
    routes: hqRoutes({ aggregates: fixture.store, config: scenario.config, database: fixture.db.name, ...routes }),
  });
  return {
    http,
    fixture,
    scenario,
    async close() {
      await http.close();
      await fixture.close();
    },
  };
}
