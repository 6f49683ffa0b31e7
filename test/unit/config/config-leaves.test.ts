// The schema walk: environment names derive mechanically from paths, and every leaf is documented
// and reachable through exactly one variable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configLeaves, envNameFor } from '../../../src/config/load-config.ts';

test('derives environment names from paths by splitting dots and camelCase humps', () => {
  assert.equal(envNameFor('smpp.windowSize'), 'DAKIYA_SMPP_WINDOW_SIZE');
  assert.equal(envNameFor('webhooks.allowPrivateNetworks'), 'DAKIYA_WEBHOOKS_ALLOW_PRIVATE_NETWORKS');
  assert.equal(envNameFor('dataDir'), 'DAKIYA_DATA_DIR');
  assert.equal(envNameFor('dispatch.maxInFlight'), 'DAKIYA_DISPATCH_MAX_IN_FLIGHT');
});

test('gives every leaf a distinct environment variable', () => {
  const names = configLeaves().map((leaf) => leaf.env);
  assert.equal(new Set(names).size, names.length);
});

test('gives every leaf a description, and a default unless it is optional', () => {
  for (const leaf of configLeaves()) {
    assert.ok(leaf.description.length > 0, `${leaf.path} has no description`);
    assert.ok(leaf.default !== undefined || leaf.type.endsWith('(optional)'), `${leaf.path} has no default`);
  }
});

test('lists leaves with their type, default and derived variable', () => {
  const port = configLeaves().find((leaf) => leaf.path === 'server.port');
  assert.deepEqual(port, {
    path: 'server.port',
    env: 'DAKIYA_SERVER_PORT',
    type: 'integer 0..65535',
    default: 8080,
    description: 'TCP port the HTTP server listens on (0 picks a free port).',
  });
});
