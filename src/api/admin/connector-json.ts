// Connectors as the admin API and the CLI show them: snake_case, TLV tags in hex, never the
// password, with the live state the node holding the binds last reported.
import type { Connector } from '../../domain/connector.ts';
import type { ConnectorView } from '../../services/connector-service.ts';

/** The connector in the CLI's and admin API's JSON: snake_case, tags in hex, no password. */
export function connectorJson(c: Connector): Record<string, unknown> {
  return {
    name: c.name, host: c.host, port: c.port, tls: c.tls, system_id: c.systemId, system_type: c.systemType,
    bind: c.bind, binds: c.binds, window: c.window, tps: c.tps,
    source_ton: c.sourceTon, source_npi: c.sourceNpi, dest_ton: c.destTon, dest_npi: c.destNpi,
    dlt: { pe_id: c.dlt.peId, pe_id_tag: `0x${c.dlt.peIdTag.toString(16)}`, template_id_tag: `0x${c.dlt.templateIdTag.toString(16)}` },
    message_ids: c.messageIds, concat: c.concat, enabled: c.enabled,
    routes: c.routes.map((r) => ({ route: r.routeId, priority: r.priority, weight: r.weight })),
  };
}

export function connectorViewJson(v: ConnectorView): Record<string, unknown> {
  return { ...connectorJson(v.connector), live: v.live ? { node_id: v.live.nodeId, at: new Date(v.live.at).toISOString(), ...(v.live.state as object) } : null };
}
