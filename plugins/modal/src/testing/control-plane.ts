import { setTimeout as sleep } from 'node:timers/promises';
import { ServerError, Status, type CallContext } from '@agentkernel/fake-kit';
import { checkControlPlane, issueJwt, type Credentials } from './auth.js';
import { GenericStatus, type FakeImage, type FakeModalSandbox, type FakeModalState } from './state.js';

type Message = Record<string, unknown>;

/** What both services of the fake share. */
export interface FakeContext {
  readonly state: FakeModalState;
  readonly credentials: Credentials;
  readonly authTokens: Set<string>;
  /** `https://127.0.0.1:<port>`: the router URL the SDK dials (in plaintext, since the server URL is local). */
  readonly routerUrl: string;
  readonly procDir: string;
}

const NETWORK_BLOCKED = 2;
const DEFAULT_MILLI_CPU = 125;
const DEFAULT_MEMORY_MB = 128;
const LIST_PAGE = 25;
const IMAGE_BUILDER_VERSION = '2024.10';

const notFound = (what: string): ServerError => new ServerError(Status.NOT_FOUND, what);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** The `env` contents of every secret source (named secrets are not part of the fake). */
export function envOfSecretSources(sources: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of Array.isArray(sources) ? (sources as Message[]) : []) {
    if (str(source.secretId) !== '') {
      throw new ServerError(Status.FAILED_PRECONDITION, 'the offline Modal has no named secrets');
    }
    const contents = (source.env as Message | undefined)?.contents as Record<string, string> | undefined;
    Object.assign(env, contents);
  }
  return env;
}

const tagsOf = (tags: unknown): Record<string, string> =>
  Object.fromEntries(
    (Array.isArray(tags) ? (tags as Message[]) : []).map((tag) => [str(tag.tagName), str(tag.tagValue)]),
  );

function sandboxInfo(sandbox: FakeModalSandbox): Message {
  return {
    id: sandbox.sandboxId,
    appId: sandbox.appId,
    createdAt: sandbox.createdAt,
    name: sandbox.name ?? '',
    imageId: sandbox.imageId,
    timeoutSecs: sandbox.timeoutSecs,
    tags: Object.entries(sandbox.tags).map(([tagName, tagValue]) => ({ tagName, tagValue })),
    ...(sandbox.result === undefined ? {} : { taskInfo: { result: sandbox.result } }),
  };
}

/**
 * `modal.client.ModalClient`, the methods the SDK's sandbox API uses; every other method answers
 * UNIMPLEMENTED. Calls are authenticated as Modal does, and a create retried with the same
 * `x-idempotency-key` (the SDK's retries) returns the sandbox the first attempt made.
 */
export function controlPlane(
  fake: FakeContext,
): Record<string, (request: Message, context: CallContext) => unknown> {
  const { state } = fake;
  const creates = new Map<string, Promise<Message>>();

  const sandboxOf = async (request: Message): Promise<FakeModalSandbox> => {
    const sandbox = await state.get(str(request.sandboxId));
    if (sandbox === undefined) throw notFound(`Sandbox ${str(request.sandboxId)} not found`);
    return sandbox;
  };
  const imageOf = (imageId: string): FakeImage => {
    const image = state.images.get(imageId);
    if (image === undefined) throw notFound(`Could not find image with ID ${imageId}`);
    return image;
  };

  const create = async (request: Message): Promise<Message> => {
    const appId = str(request.appId);
    if (![...state.apps.values()].includes(appId)) throw notFound(`App ${appId} not found`);
    const definition = (request.definition ?? {}) as Message;
    const resources = (definition.resources ?? {}) as Message;
    const ports = ((definition.openPorts as Message | undefined)?.ports ?? []) as Message[];
    const environmentName = [...state.apps.entries()].find(([, id]) => id === appId)?.[0].split('/')[0] ?? '';
    const sandbox = await state.create({
      appId,
      environmentName,
      image: imageOf(str(definition.imageId)),
      name: str(definition.name) || undefined,
      tags: tagsOf(request.tags),
      env: envOfSecretSources(request.secretSources),
      workdir: str(definition.workdir) || undefined,
      network: num((definition.networkAccess as Message | undefined)?.networkAccessType) !== NETWORK_BLOCKED,
      ports: ports.map((port) => num(port.port)),
      timeoutSecs: num(definition.timeoutSecs) || 300,
      idleTimeoutSecs: num(definition.idleTimeoutSecs) || undefined,
      milliCpu: num(resources.milliCpu) || DEFAULT_MILLI_CPU,
      memoryMb: num(resources.memoryMb) || DEFAULT_MEMORY_MB,
      jwt: issueJwt('router'),
    });
    return {
      sandboxId: sandbox.sandboxId,
      taskId: sandbox.taskId,
      tunnels: sandbox.tunnels,
      commandRouterAccess: { url: fake.routerUrl, jwt: sandbox.jwt },
    };
  };

  return {
    authTokenGet: () => {
      const token = issueJwt('auth');
      fake.authTokens.add(token);
      return { token };
    },
    environmentGetOrCreate: (request) => ({
      environmentId: 'en-offline',
      metadata: {
        name: str(request.deploymentName) || 'main',
        settings: { imageBuilderVersion: IMAGE_BUILDER_VERSION },
      },
    }),
    appGetOrCreate: (request) => {
      const appId = state.app(
        str(request.environmentName),
        str(request.appName),
        num(request.objectCreationType) !== 0,
      );
      if (appId === undefined) throw notFound(`App '${str(request.appName)}' not found`);
      return { appId };
    },
    imageGetOrCreate: (request) => {
      const image = (request.image ?? {}) as Message;
      const commands = (image.dockerfileCommands ?? []) as string[];
      const bases = (image.baseImages ?? []) as Message[];
      const base = bases.find((entry) => str(entry.dockerTag) === 'base');
      if (base !== undefined && commands.length === 1 && commands[0] === 'FROM base') {
        return { imageId: imageOf(str(base.imageId)).imageId, result: { status: GenericStatus.success } };
      }
      const built = state.registryImage(commands);
      const extra = commands.filter((command) => !/^FROM\s/i.test(command));
      if (extra.length > 0) {
        return {
          imageId: built.imageId,
          result: {
            status: GenericStatus.failure,
            exception: `the offline Modal cannot run Dockerfile commands (${extra[0]})`,
          },
        };
      }
      return { imageId: built.imageId, result: { status: GenericStatus.success } };
    },
    imageFromId: (request) => ({ imageId: imageOf(str(request.imageId)).imageId }),
    imageDelete: async (request) => {
      await state.deleteImage(imageOf(str(request.imageId)));
      return {};
    },
    sandboxCreateV2: (request, context) => {
      const key = context.metadata.get('x-idempotency-key');
      if (typeof key !== 'string' || key === '') return create(request);
      let pending = creates.get(key);
      if (pending === undefined) {
        pending = create(request);
        creates.set(key, pending);
        pending.catch(() => creates.delete(key));
      }
      return pending;
    },
    sandboxGetTaskIdV2: async (request) => {
      const sandbox = await sandboxOf(request);
      return sandbox.result === undefined ? { taskId: sandbox.taskId } : { taskResult: sandbox.result };
    },
    sandboxGetCommandRouterAccess: async (request) => {
      const sandbox = await sandboxOf(request);
      if (sandbox.result !== undefined) {
        throw new ServerError(Status.FAILED_PRECONDITION, `Sandbox ${sandbox.sandboxId} has finished`);
      }
      return { url: fake.routerUrl, jwt: sandbox.jwt };
    },
    sandboxListV2: async (request) => {
      const wanted = tagsOf(request.tags);
      const before = num(request.beforeTimestamp);
      const appId = str(request.appId);
      const environment = str(request.environmentName);
      const matching: FakeModalSandbox[] = [];
      for (const id of [...state.sandboxes.keys()]) {
        const sandbox = await state.get(id);
        if (sandbox === undefined) continue;
        if (sandbox.result !== undefined && request.includeFinished !== true) continue;
        if (
          appId !== ''
            ? sandbox.appId !== appId
            : environment !== '' && sandbox.environmentName !== environment
        )
          continue;
        if (before > 0 && sandbox.createdAt >= before) continue;
        if (Object.entries(wanted).some(([key, value]) => sandbox.tags[key] !== value)) continue;
        matching.push(sandbox);
      }
      matching.sort((a, b) => b.createdAt - a.createdAt);
      return { sandboxes: matching.slice(0, LIST_PAGE).map(sandboxInfo) };
    },
    sandboxGetFromNameV2: async (request) => {
      const appId = state.app(str(request.environmentName), str(request.appName), false);
      const found = [...state.sandboxes.values()].find(
        (sandbox) =>
          sandbox.appId === appId &&
          sandbox.name === str(request.sandboxName) &&
          sandbox.result === undefined,
      );
      if (found === undefined) throw notFound(`Sandbox '${str(request.sandboxName)}' not found`);
      return { sandboxId: found.sandboxId };
    },
    sandboxTerminateV2: async (request) => {
      await state.finish(await sandboxOf(request), GenericStatus.terminated);
      return {};
    },
    sandboxWaitV2: async (request, context) => {
      const sandbox = await sandboxOf(request);
      const deadline = Date.now() + Math.min(num(request.timeout), 55) * 1000;
      while (sandbox.result === undefined && Date.now() < deadline && !context.signal.aborted) {
        await sleep(Math.min(200, deadline - Date.now()));
        await state.get(sandbox.sandboxId);
      }
      return sandbox.result === undefined ? {} : { result: sandbox.result };
    },
    sandboxGetTunnelsV2: async (request) => ({ tunnels: (await sandboxOf(request)).tunnels }),
    sandboxTagsGetV2: async (request) => ({
      tags: Object.entries((await sandboxOf(request)).tags).map(([tagName, tagValue]) => ({
        tagName,
        tagValue,
      })),
    }),
    sandboxTagsSetV2: async (request) => {
      (await sandboxOf(request)).tags = tagsOf(request.tags);
      return {};
    },
  };
}

/** Wraps handlers with the control plane's authentication. */
export function authenticated(
  fake: FakeContext,
  handlers: Record<string, (request: Message, context: CallContext) => unknown>,
): Record<string, (request: Message, context: CallContext) => unknown> {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (request: Message, context: CallContext) => {
        checkControlPlane(context, fake.credentials, fake.authTokens, name === 'authTokenGet');
        return handler(request, context);
      },
    ]),
  );
}
