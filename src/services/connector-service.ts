// The operator's upstream connectors: defined through the CLI or the admin API, kept in the store
// with the bind password sealed, read back by the composition root to open the binds, and listed
// with the live state the node holding the binds reports.
import type { Clock } from '../domain/clock.ts';
import { type Connector, type ConnectorRoute, connectorDefaults, validateConnector } from '../domain/connector.ts';
import { DakiyaError } from '../domain/errors.ts';
import type { Store } from '../store/store.ts';
import type { SecretBox } from './secret-box.ts';

/** A connector as the operator writes it: everything but name, host, system id, password and routes has a default. */
export type ConnectorInput = Partial<Omit<Connector, 'name' | 'host' | 'systemId' | 'routes' | 'dlt' | 'messageIds'>> & {
  name: string;
  host: string;
  systemId: string;
  password: string;
  /** Route ids, or with priority and weight. */
  routes: ReadonlyArray<string | ConnectorRoute>;
  dlt?: Partial<Connector['dlt']>;
  messageIds?: Partial<Connector['messageIds']>;
};

export interface ConnectorView {
  connector: Connector;
  createdAt: number;
  updatedAt: number;
  /** What the node holding the binds reported in the last few seconds; undefined when none did. */
  live: { nodeId: string; at: number; state: unknown } | undefined;
}

/** A live state older than this is stale: no node holds the binds (or none reports). */
const liveForMs = 10_000;

export class ConnectorService {
  #store: Store;
  #box: SecretBox;
  #clock: Clock;

  constructor(deps: { store: Store; box: SecretBox; clock: Clock }) {
    this.#store = deps.store;
    this.#box = deps.box;
    this.#clock = deps.clock;
  }

  /** Creates or replaces a connector; a running gateway picks the change up within seconds. */
  async save(input: ConnectorInput): Promise<Connector> {
    const connector = validateConnector({
      name: input.name,
      host: input.host,
      port: input.port ?? connectorDefaults.port,
      tls: input.tls ?? connectorDefaults.tls,
      systemId: input.systemId,
      systemType: input.systemType ?? connectorDefaults.systemType,
      bind: input.bind ?? connectorDefaults.bind,
      binds: input.binds ?? connectorDefaults.binds,
      window: input.window ?? connectorDefaults.window,
      tps: input.tps ?? connectorDefaults.tps,
      sourceTon: input.sourceTon ?? connectorDefaults.sourceTon,
      sourceNpi: input.sourceNpi ?? connectorDefaults.sourceNpi,
      destTon: input.destTon ?? connectorDefaults.destTon,
      destNpi: input.destNpi ?? connectorDefaults.destNpi,
      dlt: { ...connectorDefaults.dlt, ...input.dlt },
      messageIds: { ...connectorDefaults.messageIds, ...input.messageIds },
      concat: input.concat ?? connectorDefaults.concat,
      routes: input.routes.map((r) => (typeof r === 'string' ? { routeId: r, priority: 0, weight: 1 } : r)),
      enabled: input.enabled ?? connectorDefaults.enabled,
    });
    // SMPP 3.4 §5.2.2: the password is a C-octet string of at most 9 octets.
    if (input.password.length === 0 || input.password.length > 8 || !/^[\x20-\x7e]+$/.test(input.password)) {
      throw new DakiyaError('ERR_INVALID_REQUEST', 'connector password must be 1-8 printable ASCII characters (SMPP 3.4 limit)', { field: 'password' });
    }
    const routes = new Set((await this.#store.listRoutes()).map((r) => r.id));
    for (const r of connector.routes) {
      if (!routes.has(r.routeId)) throw new DakiyaError('ERR_ROUTE_NOT_FOUND', `Route ${r.routeId} does not exist.`, { route: r.routeId });
    }
    const now = this.#clock.now();
    await this.#store.saveConnector({ connector, passwordSealed: this.#box.seal(input.password, context(connector.name)), createdAt: now, updatedAt: now });
    return connector;
  }

  async remove(name: string): Promise<void> {
    if (!(await this.#store.removeConnector(name))) throw new DakiyaError('ERR_NOT_FOUND', `No connector named ${name}.`);
  }

  async list(): Promise<ConnectorView[]> {
    const [stored, status] = await Promise.all([this.#store.listConnectors(), this.#store.listConnectorStatus()]);
    const now = this.#clock.now();
    const live = new Map(status.filter((s) => now - s.at < liveForMs).map((s) => [s.name, s]));
    return stored.map((s) => {
      const l = live.get(s.connector.name);
      return { connector: s.connector, createdAt: s.createdAt, updatedAt: s.updatedAt, live: l && { nodeId: l.nodeId, at: l.at, state: JSON.parse(l.state) as unknown } };
    });
  }

  /** The enabled connectors with their passwords, for the node that opens the binds. */
  async forDispatch(): Promise<Array<{ connector: Connector; password: string; updatedAt: number }>> {
    return (await this.#store.listConnectors()).filter((s) => s.connector.enabled)
      .map((s) => ({ connector: s.connector, password: this.#box.open(s.passwordSealed, context(s.connector.name)), updatedAt: s.updatedAt }));
  }

  async reportStatus(nodeId: string, states: ReadonlyArray<{ name: string; state: unknown }>): Promise<void> {
    const at = this.#clock.now();
    await this.#store.saveConnectorStatus(states.map((s) => ({ name: s.name, nodeId, state: JSON.stringify(s.state), at })));
  }
}

function context(name: string): string {
  return `connector:${name}`;
}
