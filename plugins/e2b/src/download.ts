import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { E2BModule, SdkSandbox } from './runtime.js';

/** How long a signed download URL stays valid. */
const SIGNATURE_TTL_SECONDS = 300;
const ENVD_PORT = '49983';

async function failure(sdk: E2BModule, response: Response, target: string): Promise<Error> {
  let message = response.statusText;
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not a JSON error body
  }
  // The SDK's own error classes, so retries and error mapping treat them as they treat the SDK's.
  switch (response.status) {
    case 404:
      return new sdk.FileNotFoundError(`${target}: ${message}`);
    case 401:
      return new sdk.AuthenticationError(message);
    case 429:
      return new sdk.RateLimitError(message);
    case 502:
      return new sdk.TimeoutError(`${message}: the sandbox may have stopped or been killed`);
    default: {
      const error = new sdk.SandboxError(`${response.status}: ${message}`);
      error.statusCode = response.status;
      return error;
    }
  }
}

/**
 * Downloads a sandbox file through the SDK's signed download URL, asking for it uncompressed.
 *
 * `files.read` lets fetch negotiate gzip, which envd honours, and undici's fetch decompresses large
 * incompressible bodies pathologically slowly (nodejs/undici#2014: minutes for 50 MB). The signed URL
 * is the SDK's own way to hand a download to another HTTP client, so the bytes and the authorisation
 * are the same; only the encoding differs.
 */
export async function downloadFile(
  sdk: E2BModule,
  sandbox: SdkSandbox,
  target: string,
  requestTimeoutMs: number,
): Promise<Readable> {
  const url = await sandbox.downloadUrl(target, { useSignatureExpiration: SIGNATURE_TTL_SECONDS });
  const controller = new AbortController();
  // The timeout bounds getting the answer started, not reading a large body.
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer in ${requestTimeoutMs} ms`, 'TimeoutError')),
    requestTimeoutMs,
  );
  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        'accept-encoding': 'identity',
        'e2b-sandbox-id': sandbox.sandboxId,
        'e2b-sandbox-port': ENVD_PORT,
      },
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) throw await failure(sdk, response, target);
  if (response.body === null) return Readable.from([]);
  return Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
}
