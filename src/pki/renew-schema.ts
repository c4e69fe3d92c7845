import type { Shape } from '../yaml/shape.js';
import { SHAPES, object, opt, req } from '../yaml/shape.js';
import { KEY_TYPES } from './crypto.js';

const { path } = SHAPES;

/**
 * Every key of the renewal agent's file (playbooks/tasks/pki-renewal.yml writes it), with
 * its type: a misspelt key fails instead of silently leaving a default in place.
 */
export const RENEW_CONFIG_SCHEMA: Shape = object({
  // A certificate name; store.ts's own rule is checked by the reader.
  name: req({ kind: 'text' }),
  signer: req(object({ url: req({ kind: 'https-url' }), serverName: opt({ kind: 'host' }) })),
  pki: opt(object({ dir: opt(path), combinedPem: opt(path), caFile: opt(path), crlFile: opt(path) })),
  haproxy: opt(
    object({
      enabled: opt({ kind: 'yaml-bool' }),
      adminSocket: opt(path),
      // A systemd unit, passed to systemctl as one argument.
      unit: opt({ kind: 'text' }),
    }),
  ),
  keyType: opt({ kind: 'enum', values: KEY_TYPES }),
  // Renew once this share of the lifetime has passed: 0 would renew at once, 1 too late.
  renewFraction: opt({ kind: 'number', above: 0, below: 1 }),
});
