import { readFile } from 'node:fs/promises';
import { parse } from 'shell-quote';
import type { Reply } from './pending-fake-kit.js';
import { daemonError } from './replies.js';
import { runInSandbox, type SandboxContext } from './run.js';
import { demuxLog, SessionTable, type FakeCommand, type FakeSession } from './sessions.js';

const HTTP_TIMEOUT = 408;

/** `POST /process/execute`: the command is quote-split and run without a shell; output is merged. */
export async function executeCommand(context: SandboxContext, body: Record<string, unknown>): Promise<Reply> {
  const { command, cwd, envs, timeout } = body;
  if (typeof command !== 'string' || command.trim() === '') return daemonError(400, 'command is required');
  const words = parse(command);
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

/** The session routes under `/process/session`; undefined when the path is not one of them. */
export async function sessionRoute(
  context: SandboxContext,
  method: string,
  rest: readonly string[],
  body: () => Promise<Record<string, unknown> | undefined>,
): Promise<Reply | undefined> {
  const sessions = context.sandbox.sessions;
  const [sessionId, part, commandId, leaf, ...extra] = rest;
  if (extra.length > 0) return undefined;
  if (sessionId === undefined) {
    if (method === 'GET') return { status: 200, body: sessions.list().map(sessionDto) };
    if (method !== 'POST') return undefined;
    const id = (await body())?.sessionId;
    if (!SessionTable.validId(id))
      return daemonError(400, 'sessionId must be 1-128 letters, digits, ".", "_" or "-"');
    if (sessions.has(id)) return daemonError(409, 'session already exists');
    await sessions.create(id);
    return { status: 201 };
  }
  const session = sessions.get(sessionId);
  if (session === undefined) return daemonError(404, 'session not found');
  if (part === undefined) {
    if (method === 'GET') return { status: 200, body: sessionDto(session) };
    if (method === 'DELETE') {
      await sessions.delete(sessionId);
      return { status: 204 };
    }
    return undefined;
  }
  if (part === 'exec' && commandId === undefined && method === 'POST') {
    const request = await body();
    const text = request?.command;
    if (typeof text !== 'string' || text.trim() === '') return daemonError(400, 'command cannot be empty');
    const runAsync = request?.runAsync === true || request?.async === true;
    const command = await session.execute(text, runAsync, request?.suppressInputEcho === true);
    if (runAsync) return { status: 202, body: { cmdId: command.id } };
    await session.finished(command);
    return { status: 200, body: { cmdId: command.id, exitCode: command.exitCode, ...(await logs(command)) } };
  }
  if (part !== 'command' || commandId === undefined) return undefined;
  const command = session.commands.get(commandId);
  if (command === undefined) return daemonError(404, 'command not found');
  if (leaf === undefined && method === 'GET') return { status: 200, body: commandDto(command) };
  if (leaf === 'logs' && method === 'GET') return { status: 200, body: await logs(command) };
  if (leaf === 'input' && method === 'POST') {
    const data = (await body())?.data;
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
  }
  return undefined;
}
