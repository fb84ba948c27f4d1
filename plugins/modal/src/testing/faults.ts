import { GrpcFaults, Status, type GrpcFaultSpec } from './grpc-server.js';
import type { ModalProtocol } from './sdk-protocol.js';

const RETRY_POLICY_TYPE = 'type.googleapis.com/modal.client.RPCRetryPolicy';

/**
 * The `grpc-status-details-bin` trailer with which Modal throttles: a `google.rpc.Status` carrying an
 * `RPCRetryPolicy`, which the SDK honours by waiting `retryAfterSecs` and retrying.
 */
export function retryAfterTrailer(
  protocol: ModalProtocol,
  code: Status,
  message: string,
  retryAfterSecs: number,
): Record<string, Uint8Array> {
  const policy = protocol.RPCRetryPolicy.encode(
    protocol.RPCRetryPolicy.fromPartial({ retryAfterSecs }),
  ).finish();
  const status = protocol.RPCStatus.encode(
    protocol.RPCStatus.fromPartial({
      code,
      message,
      details: [{ typeUrl: RETRY_POLICY_TYPE, value: policy }],
    }),
  ).finish();
  return { 'grpc-status-details-bin': status };
}

/**
 * The faults of a fake Modal. Drawn at random (with `rate`), a call gets what a busy Modal gives:
 * UNAVAILABLE, INTERNAL, RESOURCE_EXHAUSTED (half of them with a retry-after hint), a dropped
 * connection before or after the call was handled, or 50-300 ms of latency.
 */
export function modalFaults(protocol: ModalProtocol, rate: number): GrpcFaults {
  const faults = new GrpcFaults();
  faults.randomRate = rate;
  const choices: (() => GrpcFaultSpec)[] = [
    () => ({ kind: 'status', match: '', code: Status.UNAVAILABLE, message: 'injected: service unavailable' }),
    () => ({ kind: 'status', match: '', code: Status.INTERNAL, message: 'injected: internal error' }),
    () => ({
      kind: 'status',
      match: '',
      code: Status.RESOURCE_EXHAUSTED,
      message: 'injected: rate limit exceeded',
    }),
    () => ({
      kind: 'status',
      match: '',
      code: Status.RESOURCE_EXHAUSTED,
      message: 'injected: rate limit exceeded',
      trailer: retryAfterTrailer(protocol, Status.RESOURCE_EXHAUSTED, 'rate limit exceeded', 0.05),
    }),
    () => ({ kind: 'drop', match: '' }),
    () => ({ kind: 'drop-response', match: '' }),
    () => ({ kind: 'latency', match: '', delayMs: 50 + Math.floor(Math.random() * 250) }),
  ];
  faults.draw = () => choices[Math.floor(Math.random() * choices.length)]!();
  return faults;
}
