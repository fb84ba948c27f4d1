import { COMPLETE_COMMAND, type CompletionShell } from './shells.js';

// Each script hands the words typed so far (the one under the cursor last, possibly empty) to
// `agentkernel __complete`, which prints one candidate a line as `word<TAB>description`. No candidate
// means "complete file names", as a sandbox command's arguments and `sandbox cp` paths need.
// The scripts are String.raw so their backslashes stay; a shell's own `${` is written `\${` there, and
// `shellText` drops that backslash.
const shellText = (text: string): string => text.replaceAll('\\${', '${');

const BASH =
  shellText(String.raw`# agentkernel completion for bash. Install: agentkernel completion bash >> ~/.bashrc
_agentkernel_complete() {
  local line
  COMPREPLY=()
  while IFS= read -r line; do
    COMPREPLY+=("\${line%%$'\t'*}")
  done < <(agentkernel ${COMPLETE_COMMAND} "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  return 0
}
complete -o default -F _agentkernel_complete agentkernel
`);

const ZSH = shellText(String.raw`#compdef agentkernel
# agentkernel completion for zsh. Install: agentkernel completion zsh > "\${fpath[1]}/_agentkernel"
# (or source it from ~/.zshrc after compinit).
_agentkernel() {
  local -a lines candidates
  local line word desc
  lines=("\${(@f)$(agentkernel ${COMPLETE_COMMAND} "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  for line in "\${lines[@]}"; do
    [[ -z $line ]] && continue
    word=\${line%%$'\t'*}
    desc=\${line#*$'\t'}
    word=\${word//:/\\:}
    if [[ $line == *$'\t'* && -n $desc ]]; then candidates+=("$word:$desc"); else candidates+=("$word"); fi
  done
  if (( \${#candidates} )); then
    _describe -t agentkernel 'agentkernel' candidates
  else
    _files
  fi
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _agentkernel "$@"
else
  compdef _agentkernel agentkernel
fi
`);

const FISH =
  shellText(String.raw`# agentkernel completion for fish. Install: agentkernel completion fish > ~/.config/fish/completions/agentkernel.fish
function __agentkernel_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l found (agentkernel ${COMPLETE_COMMAND} $words (commandline -ct) 2>/dev/null)
    if test (count $found) -eq 0
        __fish_complete_path (commandline -ct)
    else
        printf '%s\n' $found
    end
end
complete -c agentkernel -f -a '(__agentkernel_complete)'
`);

const SCRIPTS: Readonly<Record<CompletionShell, string>> = { bash: BASH, zsh: ZSH, fish: FISH };

export function completionScript(shell: CompletionShell): string {
  return SCRIPTS[shell];
}
