export {
  BRIDGE_METADATA,
  BRIDGE_OPERATIONS,
  bridgeFailure,
  type BridgeEndpoint,
  type BridgeOperation,
  type BridgePort,
  type BridgeRequest,
  type BridgeResponse,
} from './protocol.js';
export {
  encodeBridgeRequest,
  isBase64,
  MAX_REQUEST_BYTES,
  parseBridgeRequest,
  validateBridgeRequest,
  type ParsedRequest,
} from './request.js';
export {
  BRIDGE_ENV,
  BRIDGE_SECRET_ENV,
  bridgeEnvironment,
  registerBridgeSecrets,
  type BridgeEnvVar,
} from './env.js';
