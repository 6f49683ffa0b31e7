// `dakiya content-filter list|add|remove`: the patterns operators store at run time, the same as
// the admin API. A running node applies a change within contentFilter.refreshMs.
import type { Command } from 'commander';
import type { Config } from '../config/config-schema.ts';
import { contentPatternJson } from '../api/admin/admin-content-filter-routes.ts';
import { print } from './cli-output.ts';
import { withCore } from './with-core.ts';

export function contentFilterCommands(program: Command, config: () => Readonly<Config>): void {
  const filter = program.command('content-filter')
    .description('blocked-content patterns kept in the store (beside contentFilter.patterns in the config file); sends matching one are refused ERR_CONTENT_BLOCKED');
  filter.command('list').option('--json', 'print one JSON object')
    .action((o: { json?: boolean }) => withCore(config(), async (core) => {
      const list = await core.contentFilterAdmin.list();
      const off = core.contentFilterAdmin.enabled ? '' : '\n(contentFilter.enabled is false: no pattern applies)';
      print(o.json === true, { patterns: list.map(contentPatternJson), filter_enabled: core.contentFilterAdmin.enabled },
        (list.length === 0 ? 'no stored patterns' : list.map((p) => `${p.id}\t${p.pattern}\t${p.description}`).join('\n')) + off);
    }));
  filter.command('add')
    .description('store a pattern (a JavaScript regular expression, matched case-insensitively; put -- before one that starts with -)')
    .argument('<pattern>')
    .option('--description <text>', 'why it is blocked (at most 200 characters)')
    .option('--json', 'print one JSON object')
    .action((pattern: string, o: { description?: string; json?: boolean }) => withCore(config(), async (core) => {
      const p = await core.contentFilterAdmin.add({ pattern, ...(o.description !== undefined && { description: o.description }) });
      print(o.json === true, { pattern: contentPatternJson(p) }, `pattern ${p.id} stored: ${p.pattern}`);
    }));
  filter.command('remove').argument('<id>').option('--json', 'print one JSON object')
    .action((id: string, o: { json?: boolean }) => withCore(config(), async (core) => {
      await core.contentFilterAdmin.remove(id);
      print(o.json === true, { removed: id }, `pattern ${id} removed`);
    }));
}
