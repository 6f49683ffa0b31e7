// `dakiya serve`: run the gateway; on an empty database print the operator token, the demo API
// key and a curl line once.
import { type Command, Option } from 'commander';
import type { Config } from '../config/config-schema.ts';
import { firstStart, startGateway } from '../gateway.ts';

export function serveCommand(program: Command, config: () => Readonly<Config>): void {
  program.command('serve')
    .description('run the gateway (HTTP API, dispatch and receipt workers)')
    .option('--port <port>', 'listen port (also PORT / DAKIYA_SERVER_PORT)')
    .addOption(new Option('--role <role>', 'what this node does (also DAKIYA_NODE_ROLE)').choices(['all', 'api', 'worker']))
    .option('--node-id <id>', 'this node\'s name in leases (also DAKIYA_NODE_ID)')
    .action(async (options: { port?: string; role?: 'all' | 'api' | 'worker'; nodeId?: string }) => {
      let cfg = config();
      if (options.port !== undefined) cfg = { ...cfg, server: { ...cfg.server, port: Number(options.port) } };
      if (options.role !== undefined) cfg = { ...cfg, node: { ...cfg.node, role: options.role } };
      if (options.nodeId !== undefined) {
        if (!/^[A-Za-z0-9._-]{1,100}$/.test(options.nodeId)) throw new Error('--node-id takes 1 to 100 letters, digits, dots, dashes or underscores');
        cfg = { ...cfg, node: { ...cfg.node, id: options.nodeId } };
      }
      const gateway = await startGateway(cfg);
      const first = await firstStart(gateway.core);
      const port = new URL(gateway.url).port;
      if (first) {
        const lines = [
          '',
          'Dakiya is running with a fresh database. Shown once, keep them safe:',
          `  operator token (admin API):  ${first.operatorToken}`,
        ];
        if (first.demo) {
          const body = JSON.stringify({ to: '919876543210', sender: first.demo.sender, template_id: first.demo.templateId, message: first.demo.message, category: 'transactional' });
          lines.push(
            `  demo account:               ${first.demo.accountId}`,
            `  demo API key:               ${first.demo.apiKey}`,
            '',
            'Send an SMS through the sandbox carrier:',
            `  curl -s -X POST http://localhost:${port}/v1/sms/send -H 'Authorization: Bearer ${first.demo.apiKey}' -H 'Content-Type: application/json' -d '${body}'`,
            'then read its status (use the message_id it returns):',
            `  curl -s http://localhost:${port}/v1/messages/MESSAGE_ID -H 'Authorization: Bearer ${first.demo.apiKey}'`,
          );
        }
        process.stdout.write(`${lines.join('\n')}\n\n`);
      }
      gateway.logger.info({ url: gateway.url, store: gateway.core.store.driver, node: gateway.nodeId, role: cfg.node.role }, 'dakiya listening');
      const shutdown = (signal: string) => {
        gateway.logger.info({ signal }, 'shutting down');
        gateway.stop().then(() => process.exit(0), (error: unknown) => {
          gateway.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
}
