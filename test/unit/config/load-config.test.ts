// loadConfig's layering (defaults < file < environment < flags), config file errors and the
// frozen result. Environment coercion is in load-config-env.test.ts.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, type ConfigSources } from '../../../src/config/load-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'dakiya-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(contents: unknown): string {
  const path = join(dir, `config-${++files}.json`);
  writeFileSync(path, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return path;
}

function configError(sources: ConfigSources): ConfigError {
  try {
    loadConfig(sources);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('loadConfig accepted the configuration');
}

describe('precedence', () => {
  test('uses the schema defaults when no source sets anything', () => {
    const config = loadConfig({});
    assert.equal(config.server.port, 8080);
    assert.equal(config.store.sqlite.synchronous, 'full');
    assert.equal(config.security.adminToken, undefined);
  });

  test('lets the config file override a default and keeps the section\'s other defaults', () => {
    const config = loadConfig({ file: configFile({ server: { port: 9000 } }) });
    assert.equal(config.server.port, 9000);
    assert.equal(config.server.host, '0.0.0.0');
  });

  test('lets a DAKIYA_ variable override the config file', () => {
    const config = loadConfig({ file: configFile({ server: { port: 9000 } }), env: { DAKIYA_SERVER_PORT: '9100' } });
    assert.equal(config.server.port, 9100);
  });

  test('lets a flag override the environment', () => {
    const config = loadConfig({
      file: configFile({ server: { port: 9000 } }),
      env: { DAKIYA_SERVER_PORT: '9100' },
      flags: { 'server.port': 9200 },
    });
    assert.equal(config.server.port, 9200);
  });

  test('skips flags whose value is undefined', () => {
    const config = loadConfig({ env: { DAKIYA_SERVER_PORT: '9100' }, flags: { 'server.port': undefined } });
    assert.equal(config.server.port, 9100);
  });

  test('reads the file named by DAKIYA_CONFIG when no file is given', () => {
    const config = loadConfig({ env: { DAKIYA_CONFIG: configFile({ log: { level: 'debug' } }) } });
    assert.equal(config.log.level, 'debug');
  });

  test('prefers the given file over DAKIYA_CONFIG', () => {
    const config = loadConfig({
      file: configFile({ log: { level: 'warn' } }),
      env: { DAKIYA_CONFIG: configFile({ log: { level: 'debug' } }) },
    });
    assert.equal(config.log.level, 'warn');
  });
});

describe('config file errors', () => {
  test('rejects an unknown key, naming the file and the closest known path', () => {
    const file = configFile({ server: { prot: 9000 } });
    const error = configError({ file });
    assert.deepEqual(error.problems, [{ path: 'server.prot', source: `config file ${file}`, message: 'unknown key; did you mean server.port?' }]);
  });

  test('rejects an unknown top-level section', () => {
    const error = configError({ file: configFile({ smtp: { windowSize: 10 } }) });
    assert.equal(error.problems[0]?.path, 'smtp');
    assert.match(error.message, /unknown key/);
  });

  test('rejects invalid JSON, naming the file', () => {
    const file = configFile('{ "server": ');
    const error = configError({ file });
    assert.equal(error.problems.length, 1);
    assert.ok(error.message.includes(`config file ${file}: invalid JSON`), error.message);
  });

  test('rejects a missing file, naming it', () => {
    const file = join(dir, 'absent.json');
    assert.ok(configError({ file }).message.includes(`config file ${file}: cannot be read`));
  });

  test('rejects a file whose root is not an object', () => {
    assert.match(configError({ file: configFile([1, 2]) }).message, /must hold a JSON object/);
  });

  test('rejects a section that is not an object', () => {
    const error = configError({ file: configFile({ server: 9000 }) });
    assert.deepEqual(error.problems.map((problem) => [problem.path, problem.message]), [['server', 'must be an object']]);
  });

  test('blames the file for a value of the wrong type, naming path and variable', () => {
    const file = configFile({ server: { port: '9000' } });
    assert.ok(
      configError({ file }).message.includes(`server.port (DAKIYA_SERVER_PORT) from config file ${file}: must be integer, got "9000"`),
    );
  });
});

describe('the result', () => {
  test('is deeply frozen', () => {
    const config = loadConfig({});
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.server));
    assert.ok(Object.isFrozen(config.store.sqlite));
    assert.throws(() => {
      (config.server as { port: number }).port = 1;
    }, TypeError);
  });

  test('reports every problem of every layer in one error', () => {
    const error = configError({
      file: configFile({ server: { prot: 1 } }),
      env: { DAKIYA_SERVER_PORT: 'x', DAKIYA_LOG_LEVLE: 'info' },
      flags: { 'messages.maxSegments': 300 },
    });
    assert.equal(error.problems.length, 4);
    assert.equal(error.code, 'ERR_CONFIG_INVALID');
    assert.match(error.message, /^Invalid configuration \(4 problems\)/);
  });
});
