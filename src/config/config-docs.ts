// Renders docs/reference/config.md from the schema, so the reference cannot drift from the code;
// test/unit/config/config-docs.test.ts fails when the committed file differs.
import { CONFIG_FILE_ENV, configLeaves, envAliases, envNameFor } from './load-config.ts';

export function renderConfigDocs(): string {
  const aliasesOf = (path: string) => Object.keys(envAliases).filter((alias) => envAliases[alias] === path);
  const rows = configLeaves().map((leaf) => {
    const env = [leaf.env, ...aliasesOf(leaf.path)].map(code).join(' or ');
    const fallback = leaf.default === undefined ? 'unset' : code(JSON.stringify(leaf.default));
    return `| ${code(leaf.path)} | ${env} | ${code(leaf.type)} | ${fallback} | ${cell(leaf.description)} |`;
  });
  const aliasNotes = Object.entries(envAliases)
    .map(([alias, path]) => ` (\`${alias}\` is also read for \`${path}\`, but \`${envNameFor(path)}\` wins)`)
    .join('');
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config/config-schema.ts by renderConfigDocs(); do not edit by hand. -->',
    '',
    'Dakiya reads its configuration once at boot, validates it against one schema',
    '(`src/config/config-schema.ts`) and hands the frozen result down. Each setting takes the first',
    'value found, from highest precedence to lowest:',
    '',
    '1. a command-line flag naming the setting by its path;',
    `2. its environment variable${aliasNotes};`,
    `3. the JSON config file given on the command line or named by \`${CONFIG_FILE_ENV}\`, nested by path`,
    '   (`{ "server": { "port": 9000 } }`);',
    '4. the default below.',
    '',
    'Environment values are text: integers and numbers must be plain decimals (`12abc` is rejected),',
    'booleans `true`, `false`, `1` or `0`; an empty value counts as unset. Unknown keys in the file and',
    'unknown `DAKIYA_*` variables stop the boot with a suggestion of the closest known name.',
    '',
    'Operational data (accounts, keys, routes, credits, templates, DND) lives in the store and is',
    'managed through the admin API and CLI, never in configuration.',
    '',
    '| Path | Environment variable | Type | Default | Description |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function code(text: string): string {
  return `\`${cell(text)}\``;
}

// A pipe inside a table cell ends the cell, even inside backticks (GFM).
function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}
