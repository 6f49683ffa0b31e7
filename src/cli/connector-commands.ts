// `dakiya connector add|list|remove`: the operator's upstream SMPP connectors. They live in the
// store; a running gateway picks changes up within smpp.upstream.reloadMs.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/config-schema.ts';
import type { ConcatMode, ConnectorRoute, MessageIdFormat } from '../domain/connector.ts';
import { connectorJson, connectorViewJson } from '../api/admin/connector-json.ts';
import type { ConnectorView } from '../services/connector-service.ts';
import { print } from './cli-output.ts';
import { withCore } from './with-core.ts';

interface AddOptions {
  name: string; host: string; port?: string; tls?: boolean; systemId: string; password?: string; passwordFile?: string;
  systemType?: string; bind?: string; binds?: string; window?: string; tps?: string; routes: string;
  sourceTon?: string; sourceNpi?: string; destTon?: string; destNpi?: string;
  dltPeId?: string; dltPeIdTag?: string; dltTemplateIdTag?: string;
  idFormat?: string; receiptIdFormat?: string; concat?: string; disabled?: boolean; json?: boolean;
}

export function connectorCommands(program: Command, config: () => Readonly<Config>): void {
  const connector = program.command('connector').description('upstream SMPP connectors (carriers, aggregators)');
  connector.command('add')
    .description('create a connector, or replace the one of that name')
    .requiredOption('--name <name>', 'a-z, 0-9, _ and -')
    .requiredOption('--host <host>')
    .option('--port <n>', 'default 2775')
    .option('--tls', 'connect over TLS')
    .requiredOption('--system-id <id>')
    .option('--password <password>', 'bind password (visible in the process list: prefer --password-file)')
    .option('--password-file <file>', 'read the bind password from this file')
    .option('--system-type <type>')
    .option('--bind <mode>', 'trx (one transceiver per bind, default) or tx-rx (a transmitter and a receiver)')
    .option('--binds <n>', 'sessions to open (default 1)')
    .option('--window <n>', 'outstanding submit_sm per session (default 50)')
    .option('--tps <n>', 'submit_sm per second across the sessions (default 0 = no limit)')
    .requiredOption('--routes <list>', 'routes served: route[:priority[:weight]],… e.g. transactional,otp:1:3')
    .option('--source-ton <n>').option('--source-npi <n>').option('--dest-ton <n>').option('--dest-npi <n>')
    .option('--dlt-pe-id <id>', 'DLT principal entity id sent with every message')
    .option('--dlt-pe-id-tag <tag>', 'TLV tag of the PE id (default 0x1400)')
    .option('--dlt-template-id-tag <tag>', 'TLV tag of the template id (default 0x1401)')
    .option('--id-format <format>', 'how the carrier writes message ids in submit_sm_resp: hex, decimal or text (default)')
    .option('--receipt-id-format <format>', 'how it writes them in receipts (default: as --id-format)')
    .option('--concat <mode>', 'long messages: udh8 (default), udh16, sar or payload')
    .option('--disabled', 'keep the connector defined but closed')
    .option('--json', 'print one JSON object')
    .action((o: AddOptions) => withCore(config(), async (core) => {
      const password = o.passwordFile !== undefined ? readFileSync(o.passwordFile, 'utf8').replace(/\r?\n$/, '') : o.password;
      if (password === undefined) throw new Error('give the bind password with --password or --password-file');
      const idFormat = o.idFormat as MessageIdFormat | undefined;
      const c = await core.connectors.save({
        name: o.name, host: o.host, systemId: o.systemId, password, routes: parseRoutes(o.routes),
        ...(o.port !== undefined && { port: int('--port', o.port) }),
        ...(o.tls === true && { tls: true }),
        ...(o.systemType !== undefined && { systemType: o.systemType }),
        ...(o.bind !== undefined && { bind: o.bind as 'trx' | 'tx-rx' }),
        ...(o.binds !== undefined && { binds: int('--binds', o.binds) }),
        ...(o.window !== undefined && { window: int('--window', o.window) }),
        ...(o.tps !== undefined && { tps: int('--tps', o.tps) }),
        ...(o.sourceTon !== undefined && { sourceTon: int('--source-ton', o.sourceTon) }),
        ...(o.sourceNpi !== undefined && { sourceNpi: int('--source-npi', o.sourceNpi) }),
        ...(o.destTon !== undefined && { destTon: int('--dest-ton', o.destTon) }),
        ...(o.destNpi !== undefined && { destNpi: int('--dest-npi', o.destNpi) }),
        dlt: {
          ...(o.dltPeId !== undefined && { peId: o.dltPeId }),
          ...(o.dltPeIdTag !== undefined && { peIdTag: int('--dlt-pe-id-tag', o.dltPeIdTag) }),
          ...(o.dltTemplateIdTag !== undefined && { templateIdTag: int('--dlt-template-id-tag', o.dltTemplateIdTag) }),
        },
        messageIds: {
          ...(idFormat !== undefined && { submit: idFormat, receipt: idFormat }),
          ...(o.receiptIdFormat !== undefined && { receipt: o.receiptIdFormat as MessageIdFormat }),
        },
        ...(o.concat !== undefined && { concat: o.concat as ConcatMode }),
        ...(o.disabled === true && { enabled: false }),
      });
      print(o.json === true, { connector: connectorJson(c) }, `connector ${c.name} saved (${c.host}:${c.port}, routes ${c.routes.map((r) => r.routeId).join(', ')})`);
    }));

  connector.command('list').description('connectors with their live state').option('--json')
    .action((o: { json?: boolean }) => withCore(config(), async (core) => {
      const views = await core.connectors.list();
      print(o.json === true, { connectors: views.map(connectorViewJson) }, views.length === 0 ? 'no connectors' : views.map(viewLine).join('\n'));
    }));

  connector.command('remove').requiredOption('--name <name>').option('--json')
    .action((o: { name: string; json?: boolean }) => withCore(config(), async (core) => {
      await core.connectors.remove(o.name);
      print(o.json === true, { removed: o.name }, `connector ${o.name} removed`);
    }));
}

function int(flag: string, value: string): number {
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(value)) throw new Error(`${flag} expects a whole number, got ${value}`);
  return Number(value);
}

function parseRoutes(list: string): ConnectorRoute[] {
  return list.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((item) => {
    const [routeId, priority, weight] = item.split(':');
    return {
      routeId: routeId!,
      priority: priority === undefined ? 0 : int('--routes priority', priority),
      weight: weight === undefined ? 1 : int('--routes weight', weight),
    };
  });
}

function viewLine(v: ConnectorView): string {
  const c = v.connector;
  const state = v.live?.state as { up?: boolean; bound?: number; outstanding?: number; throughput?: number } | undefined;
  const live = state ? `${state.up ? 'up' : 'DOWN'}, ${state.bound} bound, ${state.outstanding} outstanding, ${state.throughput}/s on ${v.live!.nodeId}` : 'no live state (no node holds the binds)';
  return `${c.name}\t${c.host}:${c.port}\t${c.enabled ? '' : 'disabled\t'}${c.routes.map((r) => r.routeId).join(',')}\t${live}`;
}
