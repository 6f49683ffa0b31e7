// Connectors: the operator's upstream SMPP connections to carriers and aggregators, and which
// routes travel over them (priority for failover, weight for load sharing within a priority).
import { isDltEntityId } from './account.ts';
import { DakiyaError } from './errors.ts';

export type BindMode = 'trx' | 'tx-rx';
/** How the carrier writes message ids: in submit_sm_resp and in receipts (they may differ). */
export type MessageIdFormat = 'hex' | 'decimal' | 'text';
/** How a long message travels: UDH with an 8- or 16-bit reference, SAR TLVs, or one PDU with message_payload. */
export type ConcatMode = 'udh8' | 'udh16' | 'sar' | 'payload';

export interface ConnectorRoute {
  routeId: string;
  /** Lower first: a route fails over to the next priority only when every connector of this one is down or refusing. */
  priority: number;
  /** Share of traffic among the connectors of one priority. */
  weight: number;
}

export interface Connector {
  name: string;
  host: string;
  port: number;
  tls: boolean;
  systemId: string;
  systemType: string;
  bind: BindMode;
  /** Sessions to open: each a transceiver, or a transmitter plus a receiver. */
  binds: number;
  /** Outstanding submit_sm per session. */
  window: number;
  /** submit_sm per second across the connector's sessions; 0 = no limit of ours. */
  tps: number;
  sourceTon: number;
  sourceNpi: number;
  destTon: number;
  destNpi: number;
  /** DLT TLVs: the principal entity id and the template id, under the carrier's tag numbers. */
  dlt: { peId: string | null; peIdTag: number; templateIdTag: number };
  messageIds: { submit: MessageIdFormat; receipt: MessageIdFormat };
  concat: ConcatMode;
  routes: ConnectorRoute[];
  enabled: boolean;
}

export const connectorDefaults = {
  port: 2775, tls: false, systemType: '', bind: 'trx', binds: 1, window: 50, tps: 0,
  sourceTon: 0, sourceNpi: 1, destTon: 1, destNpi: 1,
  dlt: { peId: null, peIdTag: 0x1400, templateIdTag: 0x1401 },
  messageIds: { submit: 'text', receipt: 'text' },
  concat: 'udh8', enabled: true,
} as const satisfies Partial<Connector>;

const namePattern = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Checks a connector as the operator wrote it; throws ERR_INVALID_REQUEST naming the field at fault. */
export function validateConnector(c: Connector): Connector {
  const bad = (field: string, why: string): never => {
    throw new DakiyaError('ERR_INVALID_REQUEST', `connector ${field} ${why}`, { field });
  };
  const int = (field: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) bad(field, `must be an integer from ${min} to ${max}`);
  };
  if (!['trx', 'tx-rx'].includes(c.bind)) throw new DakiyaError('ERR_INVALID_REQUEST', 'connector bind must be trx or tx-rx', { field: 'bind' });
  if (!['udh8', 'udh16', 'sar', 'payload'].includes(c.concat)) throw new DakiyaError('ERR_INVALID_REQUEST', 'connector concat must be udh8, udh16, sar or payload', { field: 'concat' });
  for (const f of [c.messageIds.submit, c.messageIds.receipt]) {
    if (!['hex', 'decimal', 'text'].includes(f)) throw new DakiyaError('ERR_INVALID_REQUEST', 'connector message id formats are hex, decimal or text', { field: 'message_ids' });
  }
  if (!namePattern.test(c.name)) bad('name', 'must be 1-40 characters of a-z, 0-9, _ and -, starting with a letter or digit');
  if (c.host.length === 0 || c.host.length > 253 || /[\s/]/.test(c.host)) bad('host', 'must be a host name or IP address');
  int('port', c.port, 1, 65_535);
  // SMPP 3.4 §5.2: system_id is a C-octet string of at most 16 octets, system_type of 13.
  if (c.systemId.length === 0 || c.systemId.length > 15 || !/^[\x20-\x7e]+$/.test(c.systemId)) bad('system_id', 'must be 1-15 printable ASCII characters');
  if (c.systemType.length > 12 || !/^[\x20-\x7e]*$/.test(c.systemType)) bad('system_type', 'must be at most 12 printable ASCII characters');
  int('binds', c.binds, 1, 64);
  int('window', c.window, 1, 10_000);
  int('tps', c.tps, 0, 1_000_000);
  for (const [field, value] of [['source_ton', c.sourceTon], ['source_npi', c.sourceNpi], ['dest_ton', c.destTon], ['dest_npi', c.destNpi]] as const) int(field, value, 0, 255);
  int('dlt_pe_id_tag', c.dlt.peIdTag, 0x1400, 0x3fff);
  int('dlt_template_id_tag', c.dlt.templateIdTag, 0x1400, 0x3fff);
  if (c.dlt.peIdTag === c.dlt.templateIdTag) bad('dlt_template_id_tag', 'must differ from the PE id tag');
  if (c.dlt.peId !== null && !isDltEntityId(c.dlt.peId)) bad('dlt_pe_id', 'must be the numeric DLT principal entity id');
  if (c.routes.length === 0) bad('routes', 'must name at least one route');
  const seen = new Set<string>();
  for (const r of c.routes) {
    if (seen.has(r.routeId)) bad('routes', `names ${r.routeId} twice`);
    seen.add(r.routeId);
    int('priority', r.priority, 0, 1000);
    int('weight', r.weight, 1, 1000);
  }
  return c;
}
