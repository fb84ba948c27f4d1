import { describe, expect, it } from 'vitest';
import { BackendError, NotFoundError, providerErrors, UsageError } from '../../src/index.js';

const errors = providerErrors({
  backend: 'acme',
  provider: 'Acme',
  code: 'ACME',
  authHint: 'check ACME_KEY',
});
const doing = { action: 'reading /w/a', sandboxId: 'sb-1', path: '/w/a' };
const cause = new Error('vendor');

describe('providerErrors', () => {
  it('says where, in the provider’s word for a sandbox', () => {
    expect(errors.where(doing)).toBe(' in sandbox sb-1');
    expect(errors.where({ action: 'listing' })).toBe('');
    const devboxes = providerErrors({
      backend: 'acme',
      provider: 'Acme',
      code: 'ACME',
      authHint: '',
      sandbox: 'devbox',
    });
    expect(devboxes.where(doing)).toBe(' in devbox sb-1');
  });

  it('words each kind of failure, with its class, code, hint and cause', () => {
    const auth = errors.rejectedCredentials(doing, '401', cause);
    expect(auth).toBeInstanceOf(BackendError);
    expect(auth).toMatchObject({ code: 'ACME_AUTH', hint: 'check ACME_KEY', cause });
    expect(auth.message).toBe('[agentkernel] [acme] Acme rejected the credentials while reading /w/a: 401');

    const missing = errors.missingPath(doing, cause);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.detail).toBe('/w/a does not exist in sandbox sb-1');
    expect(errors.missingPath({ action: 'x' }, cause).detail).toBe('the path does not exist');
    expect(errors.notFound(doing, 'no such thing', cause).detail).toBe(
      'reading /w/a in sandbox sb-1: no such thing',
    );

    const refused = errors.refused(doing, 'bad', cause);
    expect(refused).toBeInstanceOf(UsageError);
    expect(refused.detail).toBe('Acme refused reading /w/a in sandbox sb-1: bad');

    expect(errors.rateLimited(doing, '429', cause)).toMatchObject({
      code: 'ACME_RATE_LIMITED',
      hint: 'wait a little and retry, or raise [remote.acme] max_retries',
    });
    expect(errors.rateLimited(doing, '429', cause, 'throttling').detail).toBe(
      'Acme kept throttling reading /w/a in sandbox sb-1: 429',
    );

    expect(errors.failed(doing, '503', true, cause)).toMatchObject({
      code: 'ACME_UNAVAILABLE',
      detail: 'reading /w/a in sandbox sb-1 failed after retries: 503',
    });
    expect(errors.failed(doing, 'boom', false, cause)).toMatchObject({
      code: 'ACME_ERROR',
      detail: 'reading /w/a in sandbox sb-1 failed: boom',
    });
  });
});
