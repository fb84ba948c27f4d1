import type { FaultSpec, GrpcFaultTrailer, Status } from '@agentkernel/fake-kit';
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

/** A `status` fault with `retryAfterSeconds` carries Modal's retry-after hint, as Modal's throttling does. */
export function modalFaultTrailer(protocol: ModalProtocol): GrpcFaultTrailer {
  return (code, message, fault: FaultSpec) =>
    fault.retryAfterSeconds === undefined
      ? {}
      : retryAfterTrailer(protocol, code, message, fault.retryAfterSeconds);
}
