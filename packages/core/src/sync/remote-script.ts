/** Template literals would read the shell's `${...}` as interpolation: scripts write `$\{` instead. */
function shell(source: string): string {
  return source.replaceAll('$\\{', '${');
}

/**
 * The sandbox side of the listing, one `sh -c` run: POSIX sh only (dash, busybox ash), and tools that
 * GNU and busybox both have (find, stat -c, sha256sum, xargs -0, readlink, tr, mktemp, date +%s).
 *
 * Arguments: workspace folder, `since` (the sandbox clock of the last listing; 0 hashes every file),
 * then pairs of `d|a` and a literal name to prune (`d`: folders only).
 *
 * Output: NUL-terminated tokens, a tag then its fields, so any file name survives:
 *   `T` clock                          the sandbox clock now
 *   `E` path `hexmode size mtime`      one entry (stat %f %s %Y, not following symlinks)
 *   `L` path target                    a symlink's target
 *   `I` path content                   a rule file's content (NUL bytes removed)
 *   `H` path sha256                    a digest (names containing a newline)
 *   `B`                                then `sha256sum` lines for the other files to hash
 * A file is hashed only when `since` is 0 or it was modified in or after the second before `since`;
 * the caller trusts its cached digest for the others whose size and mtime did not change.
 */
export const LIST_SCRIPT = shell(String.raw`
cd "$1" || { echo "agentkernel: cannot enter $1" >&2; exit 90; }
since=$2
shift 2
printf 'T\0%s\0' "$(date +%s)"
tmp=$(mktemp) || exit 91
trap 'rm -f "$tmp"' EXIT
pairs=$(($# / 2))
first=1
while [ "$pairs" -gt 0 ]; do
  kind=$1
  name=$2
  shift 2
  if [ "$first" = 1 ]; then first=0; else set -- "$@" -o; fi
  if [ "$kind" = d ]; then set -- "$@" -type d -name "$name"; else set -- "$@" -name "$name"; fi
  pairs=$((pairs - 1))
done
batch='
since=$1
tmp=$2
shift 2
nl="
"
out=$(stat -c "%f %s %Y" "$@" 2>/dev/null) || out=$(for p; do stat -c "%f %s %Y" "$p" 2>/dev/null || echo "gone 0 0"; done)
for p; do
  read -r f s m || break
  [ "$p" = . ] && continue
  [ "$f" = gone ] && continue
  t=$((0x$f & 61440))
  r=$\{p#./}
  case $t in 32768|16384|40960) ;; *) continue ;; esac
  printf "E\0%s\0%s %s %s\0" "$r" "$f" "$s" "$m"
  if [ "$t" = 40960 ]; then
    l=$(readlink "$p"; echo .)
    printf "L\0%s\0%s\0" "$r" "$\{l%??}"
  elif [ "$t" = 32768 ]; then
    case $\{p##*/} in
      .gitignore|.agentkernelignore) printf "I\0%s\0" "$r"; tr -d "\000" < "$p"; printf "\0" ;;
    esac
    if [ "$since" = 0 ] || [ "$m" -ge $((since - 1)) ]; then
      case $p in
        *"$nl"*) h=$(sha256sum < "$p") && printf "H\0%s\0%s\0" "$r" "$\{h%% *}" ;;
        *) printf "%s\0" "$p" >&3 ;;
      esac
    fi
  fi
done 3>>"$tmp" <<EOF
$out
EOF
'
if [ $# -gt 0 ]; then
  find . \( "$@" \) -prune -o -exec sh -c "$batch" sh "$since" "$tmp" {} +
else
  find . -exec sh -c "$batch" sh "$since" "$tmp" {} +
fi
printf 'B\0'
if [ -s "$tmp" ]; then xargs -0 sha256sum < "$tmp" 2>/dev/null; fi
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
