import { classify } from '@agentkernel/core';
import { describe, expect, it } from 'vitest';
import { classifyE2BError } from '../src/classify.js';

const named = (name: string, message = name, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(message), { name }, extra);
const transience = (error: unknown) => classify(error, classifyE2BError).transience;

describe('classifyE2BError', () => {
  it('classifies the SDK errors, envd status prefixes and transport failures', () => {
    expect(transience(named('RateLimitError'))).toBe('rejected');
    expect(transience(named('ServiceBusyError'))).toBe('rejected');
    expect(transience(named('SandboxError', '500: boom', { statusCode: 500 }))).toBe('ambiguous');
    expect(transience(named('SandboxError', '504: gateway'))).toBe('ambiguous');
    expect(transience(named('SandboxError', '429: slow down'))).toBe('rejected');
    expect(transience(new DOMException('timed out', 'TimeoutError'))).toBe('ambiguous');
    expect(transience(named('SandboxError', '2: [unknown] terminated'))).toBe('ambiguous');
    expect(transience(named('SandboxError', '2: [unknown] HTTP 500'))).toBe('ambiguous');
    expect(transience(named('SandboxError', '14: [unavailable] HTTP 503'))).toBe('rejected');
    expect(transience(named('AuthenticationError', 'Unauthorized'))).toBe('final');
    expect(transience(named('SandboxNotFoundError'))).toBe('final');
    expect(transience(named('SandboxError', '400: bad', { statusCode: 400 }))).toBe('final');
  });

  it('never retries a 502: the proxy cannot reach the sandbox', () => {
    expect(transience(named('TimeoutError', '502: sandbox timeout'))).toBe('final');
    expect(transience(named('SandboxError', 'bad gateway', { statusCode: 502 }))).toBe('final');
  });
});
