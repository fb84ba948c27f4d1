/** Where the SDK's `sandbox.filesystem` expects Modal's in-sandbox file tool. */
export const FS_TOOLS_PATH = '/__modal/.bin/modal-sandbox-fs-tools';

// Modal's fs-tools binary, as a POSIX sh script run inside the sandbox (so paths, symlinks and
// permissions are the sandbox's own): same JSON commands, same exit status and stderr JSON errors.
// A write goes to a temporary name and is renamed only once stdin ends, so a write stream cut before
// its EOF never leaves a partial file.
const SCRIPT = String.raw`
err() { printf '{"error_kind":"%s","message":"%s","detail":""}' "$1" "$2" >&2; exit 1; }
op=$1 p=$2 flag=$3
case $op in
ReadFile)
  [ -e "$p" ] || err NotFound "No such file or directory"
  [ -d "$p" ] && err IsDirectory "Is a directory"
  [ -r "$p" ] || err PermissionDenied "Permission denied"
  exec cat -- "$p" ;;
WriteFile)
  [ -d "$p" ] && err IsDirectory "Is a directory"
  d=$(dirname -- "$p")
  mkdir -p -- "$d" 2>/dev/null || err NotDirectory "Not a directory"
  t="$d/.modal-fs-tools-$$"
  cat >"$t" 2>/dev/null || { rm -f -- "$t"; err PermissionDenied "Permission denied"; }
  mv -f -- "$t" "$p" 2>/dev/null || { rm -f -- "$t"; err PermissionDenied "Permission denied"; } ;;
MakeDirectory)
  if [ "$flag" = true ]; then
    [ -e "$p" ] && [ ! -d "$p" ] && err NotDirectory "Not a directory"
    mkdir -p -- "$p" 2>/dev/null || err NotDirectory "Not a directory"
  else
    [ -e "$p" ] && err PathAlreadyExists "File exists"
    [ -d "$(dirname -- "$p")" ] || err NotFound "No such file or directory"
    mkdir -- "$p" 2>/dev/null || err PermissionDenied "Permission denied"
  fi ;;
Remove)
  [ -e "$p" ] || [ -L "$p" ] || err NotFound "No such file or directory"
  if [ -d "$p" ] && [ ! -L "$p" ]; then
    if [ "$flag" = true ]; then rm -rf -- "$p" || err PermissionDenied "Permission denied"
    else rmdir -- "$p" 2>/dev/null || err DirectoryNotEmpty "Directory not empty"; fi
  else rm -f -- "$p" || err PermissionDenied "Permission denied"; fi ;;
*) err NotSupported "the offline Modal does not implement $op" ;;
esac
`;

const FLAGS: Readonly<Record<string, string>> = { MakeDirectory: 'parents', Remove: 'recursive' };

/**
 * The argv that runs an fs-tools call in the sandbox, from the SDK's `[FS_TOOLS_PATH, <json>]`;
 * undefined when `argv` is not an fs-tools call. A malformed request becomes a call the script refuses.
 */
export function fsToolsArgv(argv: readonly string[]): string[] | undefined {
  if (argv[0] !== FS_TOOLS_PATH) return undefined;
  let op = 'Invalid';
  let path = '';
  let flag = '';
  try {
    const request = JSON.parse(argv[1] ?? '') as Record<string, Record<string, unknown>>;
    const [name, body] = Object.entries(request)[0] ?? [];
    if (name !== undefined && typeof body?.path === 'string') {
      op = name;
      path = body.path;
      const key = FLAGS[name];
      flag = key === undefined ? '' : String(body[key] === true);
    }
  } catch {
    // op stays Invalid
  }
  return ['/bin/sh', '-c', SCRIPT, 'modal-sandbox-fs-tools', op, path, flag];
}
