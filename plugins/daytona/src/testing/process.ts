import { readFile } from 'node:fs/promises';
import { parse } from 'shell-quote';
import { readJsonObject, type Reply, type RouteRequest } from '@agentkernel/fake-kit';
import { daemonError } from './replies.js';
import { runInSandbox, type SandboxContext } from './run.js';
import { demuxLog, SessionTable, type FakeCommand, type FakeSession } from './sessions.js';

const HTTP_TIMEOUT = 408;

/** `POST /process/execute`: the command is quote-split and run without a shell; output is merged. */
export async function executeCommand(context: SandboxContext, body: Record<string, unknown>): Promise<Reply> {
  const { command, cwd, envs, timeout } = body;
  if (typeof command !== 'string' || command.trim() === '') return daemonError(400, 'command is required');
  // Quote-split only: no variable is expanded and no operator is run (there is no shell).
  const words = parse(command, (name) => `$${name}`);
  if (words.some((word) => typeof word !== 'string')) {
    return daemonError(400, 'the command has shell operators; run it through sh -c');
  }
  const env =
    typeof envs === 'object' && envs !== null
      ? Object.fromEntries(
          Object.entries(envs).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
        )
      : {};
  const seconds = typeof timeout === 'number' && timeout > 0 ? timeout : undefined;
  const result = await runInSandbox(context, words as string[], {
    ...(typeof cwd === 'string' && cwd !== '' ? { cwd } : {}),
    env,
    ...(seconds === undefined ? {} : { timeoutMs: seconds * 1000 }),
  });
  if (result.timedOut)
    return daemonError(
      HTTP_TIMEOUT,
      `command timed out after ${seconds} seconds`,
      'PROCESS_EXECUTION_TIMEOUT',
    );
  return {
    status: 200,
    body: {
      exitCode: result.exitCode,
      result: Buffer.concat([result.stdout, result.stderr]).toString('utf8'),
    },
  };
}

const commandDto = (command: FakeCommand): Record<string, unknown> => ({
  id: command.id,
  command: command.command,
  ...(command.exitCode === undefined ? {} : { exitCode: command.exitCode }),
});

const sessionDto = (session: FakeSession): Record<string, unknown> => ({
  sessionId: session.id,
  commands: [...session.commands.values()].map(commandDto),
});

async function logs(command: FakeCommand): Promise<{ output: string; stdout: string; stderr: string }> {
  const log = await readFile(command.logPath).catch(() => Buffer.alloc(0));
  const { stdout, stderr } = demuxLog(log);
  return { output: log.toString('utf8'), stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') };
}

type Request = RouteRequest & SandboxContext;

export function listSessions({ sandbox }: Request): Reply {
  return { status: 200, body: sandbox.sessions.list().map(sessionDto) };
}

export async function createSession({ sandbox, req }: Request): Promise<Reply> {
  const id = (await readJsonObject(req))?.sessionId;
  if (!SessionTable.validId(id))
    return daemonError(400, 'sessionId must be 1-128 letters, digits, ".", "_" or "-"');
  if (sandbox.sessions.has(id)) return daemonError(409, 'session already exists');
  await sandbox.sessions.create(id);
  return { status: 201 };
}

/** A handler of `/process/session/:sessionId...`: the session, or the daemon's 404. */
export const onSession =
  (handler: (session: FakeSession, request: Request) => Reply | Promise<Reply>) =>
  (request: Request): Reply | Promise<Reply> => {
    const session = request.sandbox.sessions.get(request.params.sessionId ?? '');
    return session === undefined ? daemonError(404, 'session not found') : handler(session, request);
  };

/** A handler of `/process/session/:sessionId/command/:commandId...`. */
export const onCommand = (
  handler: (command: FakeCommand, session: FakeSession, request: Request) => Reply | Promise<Reply>,
) =>
  onSession((session, request) => {
    const command = session.commands.get(request.params.commandId ?? '');
    return command === undefined ? daemonError(404, 'command not found') : handler(command, session, request);
  });

export const getSession = onSession((session) => ({ status: 200, body: sessionDto(session) }));

export const deleteSession = onSession(async (session, { sandbox }) => {
  await sandbox.sessions.delete(session.id);
  return { status: 204 };
});

export const executeInSession = onSession(async (session, { req }) => {
  const request = await readJsonObject(req);
  const text = request?.command;
  if (typeof text !== 'string' || text.trim() === '') return daemonError(400, 'command cannot be empty');
  const runAsync = request?.runAsync === true || request?.async === true;
  const command = await session.execute(text, runAsync, request?.suppressInputEcho === true);
  if (runAsync) return { status: 202, body: { cmdId: command.id } };
  await session.finished(command);
  return { status: 200, body: { cmdId: command.id, exitCode: command.exitCode, ...(await logs(command)) } };
});

export const getCommand = onCommand((command) => ({ status: 200, body: commandDto(command) }));

export const getCommandLogs = onCommand(async (command) => ({ status: 200, body: await logs(command) }));

export const sendInput = onCommand(async (command, session, { req }) => {
  const data = (await readJsonObject(req))?.data;
  if (typeof data !== 'string') return daemonError(400, 'data is required');
  if (command.exitCode !== undefined) {
    return daemonError(
      410,
      `command has already completed with exit code ${command.exitCode}`,
      'COMMAND_ALREADY_COMPLETED',
    );
  }
  await session.sendInput(command, data);
  return { status: 204 };
});
