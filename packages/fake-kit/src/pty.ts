// A provider's PTY process runs on a real pseudo-terminal in the fake sandbox: this python3 helper
// (python3 is in every Debian-based image, and fakes run on such hosts) opens one, runs the program on
// it as the session leader, copies the terminal's output to stdout and takes framed messages on stdin:
// "d" + length + bytes is input typed at the terminal, "r" + length + cols + rows (uint16 each) a
// resize, which the program gets as SIGWINCH. Lengths are uint32, big-endian. It exits with the
// program's code (128 + N after signal N), once the terminal has no more output.
const HELPER = String.raw`
import os, sys, fcntl, termios, struct, select
cols, rows = int(sys.argv[1]), int(sys.argv[2])
argv = sys.argv[3:]
def size(fd, c, r):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', r, c, 0, 0))
def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]
# The size is set before the program starts, so nothing can undo a resize that comes early.
master, slave = os.openpty()
size(slave, cols, rows)
pid = os.fork()
if pid == 0:
    os.close(master)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    if slave > 2:
        os.close(slave)
    try:
        os.execvp(argv[0], argv)
    except OSError as error:
        sys.stderr.write('%s: %s\n' % (argv[0], error.strerror))
        os._exit(127)
# Only the program holds the terminal now: once it (and what it started) is gone, reads end.
os.close(slave)
pending = b''
reading = True
while True:
    ready = select.select([master] + ([0] if reading else []), [], [])[0]
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b''
        if not data:
            break
        write_all(1, data)
    if 0 in ready:
        chunk = os.read(0, 65536)
        if not chunk:
            reading = False
        pending += chunk
        while len(pending) >= 5:
            length = struct.unpack('>I', pending[1:5])[0]
            if len(pending) < 5 + length:
                break
            kind, body, pending = pending[0:1], pending[5:5 + length], pending[5 + length:]
            if kind == b'd':
                write_all(master, body)
            elif kind == b'r' and length == 4:
                size(master, *struct.unpack('>HH', body))
status = os.waitpid(pid, 0)[1]
code = os.waitstatus_to_exitcode(status)
sys.exit(128 - code if code < 0 else code)
`;

/** A terminal size in character cells. */
export interface PtySize {
  readonly cols: number;
  readonly rows: number;
}

function checkedSize({ cols, rows }: PtySize): PtySize {
  for (const [name, value] of [
    ['cols', cols],
    ['rows', rows],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 0xffff)
      throw new RangeError(`a terminal's ${name} must be an integer from 1 to 65535, not ${value}`);
  }
  return { cols, rows };
}

/**
 * The argv that runs `argv` on a pseudo-terminal of `size` (start it with stdin piped, and write to
 * it only what {@link ptyInput} and {@link ptyResize} make).
 */
export function ptyArgv(argv: readonly string[], size: PtySize): string[] {
  if (argv.length === 0) throw new Error('a PTY needs a program to run');
  const { cols, rows } = checkedSize(size);
  return ['python3', '-c', HELPER, String(cols), String(rows), ...argv];
}

function frame(kind: 'd' | 'r', body: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.write(kind, 0, 'latin1');
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

/** The message that types `data` at the terminal of a {@link ptyArgv} process. */
export function ptyInput(data: Uint8Array): Buffer {
  return frame('d', data);
}

/** The message that resizes the terminal of a {@link ptyArgv} process. */
export function ptyResize(size: PtySize): Buffer {
  const { cols, rows } = checkedSize(size);
  const body = Buffer.alloc(4);
  body.writeUInt16BE(cols, 0);
  body.writeUInt16BE(rows, 2);
  return frame('r', body);
}
