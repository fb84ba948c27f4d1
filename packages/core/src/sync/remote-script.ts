import { TEMP_PREFIX } from './ignore-rules.js';

/** Template literals would read the shell's `${...}` as interpolation: scripts write `$\{` instead. */
function shell(source: string): string {
  return source.replaceAll('$\\{', '${');
}

/**
 * The sandbox side of the listing, one `sh -c` run: POSIX sh only (dash, busybox ash), and tools that
 * GNU and busybox both have (find -newer/-prune/-path, stat -c, sha256sum, readlink, tr, mktemp,
 * touch -d @N, date +%s).
 *
 * Arguments: workspace folder, `since` (the sandbox clock of the last listing; 0 hashes every file,
 * -1 opens no file at all: nothing is hashed and no rule file is read), the digest of the listing
 * expected (`-` for none), then pairs of `d|a` and a literal name to prune (`d`: folders only).
 *
 * Output: NUL-terminated tokens, a tag then its fields, so any file name survives:
 *   `T` clock                          the sandbox clock now
 *   `U` or `X`                         with an expected digest, in place of the listing: it is the one
 *                                      expected (`U`) or not (`X`)
 *   `S` lines                          `stat -c '%f %s %Y %n'` lines of every entry whose path has no
 *                                      newline (fifos, sockets and devices too, so they can be named),
 *                                      mixed with `sha256sum` lines of the files hashed
 *   `E` path `hexmode size mtime`      an entry whose path holds a newline
 *   `L` path target                    a symlink's target
 *   `I` path content                   a rule file's content (NUL bytes removed)
 *   `H` path sha256                    a digest (paths holding a newline)
 * Per entry the work is done by find, stat and sha256sum in batches; the shell only loops over the
 * few special paths (symlinks, rule files, names with newlines). A file is hashed only when `since` is
 * 0 or it was modified after `since - 2`; the caller trusts its cached digest for the others whose size
 * and mtime did not change. Only paths find saw as regular files are opened; one swapped for a fifo
 * in between can still block a read, which is why the caller bounds the run and falls back to -1.
 * Listed twice with the same `since` and prune names, an unchanged workspace gives the same output
 * after `T` (find meets an unchanged folder's entries in the same order), so a caller that kept the
 * sha256 of that output learns that nothing changed from a few bytes: the listing stays in the sandbox.
 */
export const LIST_SCRIPT = shell(String.raw`
cd "$1" || { echo "agentkernel: cannot enter $1" >&2; exit 90; }
since=$2
expect=$3
shift 3
now=$(date +%s)
printf 'T\0%s\0' "$now"
tmp=$(mktemp) || exit 91
out=
trap 'rm -f "$tmp" $\{out:+"$out"}' EXIT
# Hash everything on a first listing, after a clock jump, or if the reference time cannot be set.
newer=
nohash=
if [ "$since" -lt 0 ]; then nohash=yes
elif [ "$since" -gt 0 ] && [ "$since" -le "$now" ] && touch -d "@$((since - 2))" "$tmp" 2>/dev/null; then newer=yes; fi
pairs=$(($# / 2))
set -- "$@" ! -path '*'
while [ "$pairs" -gt 0 ]; do
  if [ "$1" = d ]; then set -- "$@" -o -type d -name "$2"; else set -- "$@" -o -name "$2"; fi
  shift 2
  pairs=$((pairs - 1))
done
nl='
'
# One walk for stat lines and sha256sum lines (each batch command finishes before find goes on).
# busybox find ignores an -exec + inside parentheses, so the actions are chained at the top level.
listing() {
printf 'S\0'
if [ -n "$nohash" ]; then
  find . \( "$@" \) -prune -o ! -path "*$nl*" -exec stat -c '%f %s %Y %n' {} + 2>/dev/null
elif [ -n "$newer" ]; then
  find . \( "$@" \) -prune -o ! -path "*$nl*" -exec stat -c '%f %s %Y %n' {} + -type f -newer "$tmp" -exec sha256sum {} + 2>/dev/null
else
  find . \( "$@" \) -prune -o ! -path "*$nl*" -exec stat -c '%f %s %Y %n' {} + -type f -exec sha256sum {} + 2>/dev/null
fi
printf '\0'
special='
since=$1
newer=$2
tmp=$3
nohash=$4
shift 4
nl="
"
for p; do
  r=$\{p#./}
  case $p in
    *"$nl"*)
      s=$(stat -c "%f %s %Y" "$p" 2>/dev/null) || continue
      printf "E\0%s\0%s\0" "$r" "$s"
      if [ -z "$nohash" ] && [ -f "$p" ] && [ ! -L "$p" ] && { [ -z "$newer" ] || [ "$p" -nt "$tmp" ]; }; then
        h=$(sha256sum < "$p") && printf "H\0%s\0%s\0" "$r" "$\{h%% *}"
      fi ;;
  esac
  if [ -L "$p" ]; then
    l=$(readlink "$p"; echo .)
    printf "L\0%s\0%s\0" "$r" "$\{l%??}"
  elif [ -z "$nohash" ] && [ -f "$p" ]; then
    case $\{p##*/} in
      .gitignore|.agentkernelignore) printf "I\0%s\0" "$r"; tr -d "\000" < "$p"; printf "\0" ;;
    esac
  fi
done
'
find . \( "$@" \) -prune -o \( -type l -o -name .gitignore -o -name .agentkernelignore -o -path "*$nl*" \) -exec sh -c "$special" sh "$since" "$newer" "$tmp" "$nohash" {} +
}
# Compared, the listing is never sent: a mismatch makes the caller list again, straight to stdout, so a
# listing cut short by a full disk can never pass for the sandbox's content.
if [ "$expect" = - ]; then listing "$@"; exit 0; fi
out=$(mktemp) || exit 91
listing "$@" > "$out"
digest=$(sha256sum < "$out") || exit 92
if [ "$\{digest%% *}" = "$expect" ]; then printf 'U\0'; else printf 'X\0'; fi
exit 0
`);

/**
 * Hashes the files named on stdin (NUL-separated, `./`-prefixed) inside folder `$1`, printing
 * `sha256sum` lines: used when a digest the listing skipped turns out to matter.
 */
export const HASH_SCRIPT = shell(String.raw`
cd "$1" || exit 90
xargs -0 sha256sum 2>/dev/null
exit 0
`);

/**
 * Applies a delete list read from stdin (NUL-separated, `./`-prefixed, children before parents) in
 * folder `$1`, printing one `.` per path removed. Folders are removed only when empty, so ignored
 * files inside them survive.
 */
export const DELETE_SCRIPT = shell(String.raw`
cd "$1" || exit 90
xargs -0 sh -c 'for p; do if [ -d "$p" ] && [ ! -L "$p" ]; then rmdir "$p" 2>/dev/null && printf .; elif [ -e "$p" ] || [ -L "$p" ]; then rm -f "$p" && printf .; fi; done; exit 0' sh
exit 0
`);

/** Sets modes given as `mode path` argument pairs after folder `$1`. */
export const CHMOD_SCRIPT = String.raw`
cd "$1" || exit 90
shift
while [ $# -gt 1 ]; do chmod "$1" "$2" || exit 1; shift 2; done
exit 0
`;

/** Names of an upload's staging folder and archive (sync ignores them, see `TEMP_PREFIX`). */
export const PUT_PREFIX = `${TEMP_PREFIX}put-`;

/**
 * Unpacks a gzip tar into the current folder so that an interrupted upload leaves every file old or
 * new (DESIGN.md section 3): tar writes into a staging folder beside the targets, then each entry is
 * renamed into place (a rename within one folder tree is atomic). A folder missing from the target
 * moves whole; one that exists is merged entry by entry and keeps its own mode. POSIX sh, GNU or
 * busybox tools.
 *
 * Arguments: the staging folder's name, the archive (a file in the current folder, removed afterwards,
 * or `-` for stdin), then options for tar. Staging leftovers of killed uploads older than a minute are
 * removed first.
 */
export const UNPACK_SCRIPT = shell(String.raw`
st=$1; src=$2; shift 2
find . -maxdepth 1 -name '${PUT_PREFIX}*' -mmin +1 -exec rm -rf {} + 2>/dev/null
mkdir "$st" || exit 91
if [ "$src" = - ]; then tar -xzf - -C "$st" "$@"; else tar -xzf "$src" -C "$st" "$@"; fi
status=$?
[ "$src" = - ] || rm -f "$src"
if [ "$status" -ne 0 ]; then rm -rf "$st"; exit "$status"; fi
merge() {
  for c in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$c" ] || [ -L "$c" ] || continue
    t=$\{c#"$st"/}
    # mv onto a symlink to a folder would move into that folder.
    if [ -L "$t" ]; then rm -f "$t" || return 1; fi
    if [ -d "$c" ] && [ ! -L "$c" ]; then
      if [ -d "$t" ]; then merge "$c" || return 1; continue; fi
      rm -f "$t" 2>/dev/null
    elif [ -d "$t" ]; then
      rmdir "$t" || return 1
    fi
    mv -f "$c" "$t" || return 1
  done
}
merge "$st"
status=$?
rm -rf "$st"
exit $status
`);
