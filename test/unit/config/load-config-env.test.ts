// How loadConfig reads the environment and string flags: strict coercion per leaf type, the PORT
// alias, and unknown DAKIYA_ variables.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, type ConfigSources } from '../../../src/config/load-config.ts';

function problemsOf(sources: ConfigSources): string[] {
  try {
    loadConfig(sources);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message.split('\n').slice(1).map((line) => line.replace(/^ {2}- /, ''));
  }
  assert.fail('loadConfig accepted the configuration');
}

describe('coercion', () => {
  test('turns integer, number and boolean variables into their types', () => {
    const config = loadConfig({
      env: { DAKIYA_DISPATCH_BATCH_SIZE: '250', DAKIYA_STORE_GROUP_COMMIT_MAX_DELAY_MS: '2.5', DAKIYA_SERVER_TRUST_PROXY: 'true' },
    });
    assert.equal(config.dispatch.batchSize, 250);
    assert.equal(config.store.groupCommit.maxDelayMs, 2.5);
    assert.equal(config.server.trustProxy, true);
  });

  test('accepts 1 and 0 as booleans', () => {
    const config = loadConfig({ env: { DAKIYA_SERVER_TRUST_PROXY: '1', DAKIYA_LOG_REDACT: '0' } });
    assert.equal(config.server.trustProxy, true);
    assert.equal(config.log.redact, false);
  });

  test('accepts a literal from the allowed set', () => {
    assert.equal(loadConfig({ env: { DAKIYA_STORE_SQLITE_SYNCHRONOUS: 'normal' } }).store.sqlite.synchronous, 'normal');
  });

  test('treats an empty variable as unset', () => {
    assert.equal(loadConfig({ env: { DAKIYA_SERVER_PORT: '' } }).server.port, 8080);
  });

  test('rejects an integer with trailing garbage, naming path and variable', () => {
    assert.deepEqual(problemsOf({ env: { DAKIYA_SERVER_PORT: '12abc' } }), [
      'server.port (DAKIYA_SERVER_PORT) from env DAKIYA_SERVER_PORT: expected an integer, got "12abc"',
    ]);
  });

  test('rejects a fraction for an integer', () => {
    assert.match(problemsOf({ env: { DAKIYA_DISPATCH_BATCH_SIZE: '1.5' } })[0] ?? '', /expected an integer/);
  });

  test('rejects a number with trailing garbage', () => {
    assert.match(problemsOf({ env: { DAKIYA_STORE_GROUP_COMMIT_MAX_DELAY_MS: '5ms' } })[0] ?? '', /expected a number, got "5ms"/);
  });

  test('rejects a boolean other than true, false, 1 or 0', () => {
    assert.deepEqual(problemsOf({ env: { DAKIYA_DLT_ENFORCE: 'yes' } }), [
      'dlt.enforce (DAKIYA_DLT_ENFORCE) from env DAKIYA_DLT_ENFORCE: expected true, false, 1 or 0, got "yes"',
    ]);
  });

  test('rejects a value outside a literal union, listing the allowed values', () => {
    assert.deepEqual(problemsOf({ env: { DAKIYA_STORE_SQLITE_SYNCHRONOUS: 'off' } }), [
      'store.sqlite.synchronous (DAKIYA_STORE_SQLITE_SYNCHRONOUS) from env DAKIYA_STORE_SQLITE_SYNCHRONOUS: must be one of "full", "normal", got "off"',
    ]);
  });

  test('rejects a store URL that is not a PostgreSQL URL', () => {
    assert.match(problemsOf({ env: { DAKIYA_STORE_URL: 'mysql://x' } })[0] ?? '', /^store\.url \(DAKIYA_STORE_URL\) .*must match pattern/);
  });

  test('rejects an integer outside its range', () => {
    assert.deepEqual(problemsOf({ env: { DAKIYA_MESSAGES_MAX_SEGMENTS: '256' } }), [
      'messages.maxSegments (DAKIYA_MESSAGES_MAX_SEGMENTS) from env DAKIYA_MESSAGES_MAX_SEGMENTS: must be <= 255, got 256',
    ]);
  });

  test('rejects a promotional window bound that is not HH:MM', () => {
    assert.match(problemsOf({ env: { DAKIYA_PROMOTIONAL_WINDOW_START: '9:00' } })[0] ?? '', /^promotionalWindow\.start .*must match pattern/);
  });

  test('coerces string flags like environment values', () => {
    assert.equal(loadConfig({ flags: { 'server.port': '9300' } }).server.port, 9300);
    assert.match(problemsOf({ flags: { 'server.port': 'abc' } })[0] ?? '', /from flag server\.port: expected an integer/);
  });

  test('rejects an unknown flag, naming the closest path', () => {
    assert.deepEqual(problemsOf({ flags: { 'server.prot': 1 } }), ['server.prot from flag server.prot: unknown setting; did you mean server.port?']);
  });
});

describe('unknown variables', () => {
  test('rejects an unknown DAKIYA_ variable, naming the closest known one', () => {
    assert.deepEqual(problemsOf({ env: { DAKIYA_SERVR_PORT: '9000' } }), [
      'env DAKIYA_SERVR_PORT: unknown variable; did you mean DAKIYA_SERVER_PORT?',
    ]);
  });

  test('does not treat DAKIYA_CONFIG as an unknown setting', () => {
    // Empty, so no file is read: only the unknown-variable check is exercised.
    assert.equal(loadConfig({ env: { DAKIYA_CONFIG: '' } }).server.port, 8080);
  });

  test('ignores variables without the DAKIYA_ prefix', () => {
    assert.equal(loadConfig({ env: { HOME: '/root', NODE_ENV: 'test', DAKIYAX: '1' } }).server.port, 8080);
  });
});

describe('the PORT alias', () => {
  test('sets server.port', () => {
    assert.equal(loadConfig({ env: { PORT: '3000' } }).server.port, 3000);
  });

  test('loses to DAKIYA_SERVER_PORT', () => {
    assert.equal(loadConfig({ env: { PORT: '3000', DAKIYA_SERVER_PORT: '4000' } }).server.port, 4000);
  });

  test('is not checked when DAKIYA_SERVER_PORT wins', () => {
    assert.equal(loadConfig({ env: { PORT: 'junk', DAKIYA_SERVER_PORT: '4000' } }).server.port, 4000);
  });

  test('loses to a flag', () => {
    assert.equal(loadConfig({ env: { PORT: '3000' }, flags: { 'server.port': 5000 } }).server.port, 5000);
  });

  test('is named when its value is not an integer', () => {
    assert.deepEqual(problemsOf({ env: { PORT: 'http' } }), [
      'server.port (DAKIYA_SERVER_PORT) from env PORT: expected an integer, got "http"',
    ]);
  });
});
