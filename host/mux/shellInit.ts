import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensurePrivateFile, stateDir, writePrivateFile } from '../core/paths.js';
import { shellQuote } from '../core/shellQuote.js';

/**
 * picode's shell integration: OSC 133 command-boundary marks, the convention shared by
 * terminals (FinalTerm, iTerm2, kitty, WezTerm, VS Code):
 *
 *   ESC ] 133 ; A BEL                      a prompt starts
 *   ESC ] 133 ; B BEL                      the prompt ends, the user types the command
 *   ESC ] 133 ; C ; cmdline_url=<url> BEL  the command line is executed (kitty's cmdline_url)
 *   ESC ] 133 ; D ; <exit> BEL             the command finished with that exit status
 *
 * tmux passes these through to `%output` unchanged (it does not interpret OSC 133 in 3.3a),
 * so the host sees them in the pane's bytes and turns them into command.started/finished.
 * The snippets only print marks: they never change the user's prompt text or history.
 */

export type SupportedShell = 'bash' | 'zsh' | 'fish';
export const supportedShells: readonly SupportedShell[] = ['bash', 'zsh', 'fish'];

const bashSnippet = String.raw`# picode shell integration for bash: OSC 133 command marks (see 'picode shell-init').
if [[ $- == *i* && -z ${'$'}{__picode_marks:-} ]]; then
  __picode_marks=1
  __picode_armed=
  __picode_running=
  __picode_histno=
  __picode_prev_debug=
  __picode_urlencode() {
    local LC_ALL=C s=$1 out= c i
    for (( i = 0; i < ${'$'}{#s}; i++ )); do
      c=${'$'}{s:i:1}
      case $c in
        [a-zA-Z0-9.~_/-]) out+=$c ;;
        *) printf -v c '%%%02X' "'$c"; out+=$c ;;
      esac
    done
    printf '%s' "$out"
  }
  __picode_precmd() {
    if [[ -n $__picode_running ]]; then printf '\033]133;D;%s\007' "$__picode_status"; fi
    __picode_running=
    __picode_histno=$(HISTTIMEFORMAT= builtin history 1)
    __picode_histno=${'$'}{__picode_histno%%[!0-9 ]*}
    printf '\033]133;A\007'
    __picode_armed=1
  }
  # The DEBUG trap runs before every simple command; the first one after a prompt is the
  # command line the user entered. PROMPT_COMMAND's own first command disarms it, so an
  # empty command line (Enter alone) produces no marks.
  __picode_preexec() {
    if [[ -n $__picode_armed ]]; then
      __picode_armed=
      if [[ $BASH_COMMAND != '__picode_status=$?' && -z ${'$'}{COMP_LINE:-} ]]; then
        __picode_running=1
        local line
        line=$(HISTTIMEFORMAT= builtin history 1)
        if [[ ${'$'}{line%%[!0-9 ]*} == "$__picode_histno" ]]; then
          line=$BASH_COMMAND  # not recorded in history (ignorespace, HISTCONTROL): the simple command
        else
          line=${'$'}{line#"${'$'}{line%%[!0-9 ]*}"}
        fi
        printf '\033]133;C;cmdline_url=%s\007' "$(__picode_urlencode "$line")"
      fi
    fi
    if [[ -n $__picode_prev_debug ]]; then eval "$__picode_prev_debug"; fi
  }
  __picode_chain_debug() { eval "set -- $(trap -p DEBUG)"; __picode_prev_debug=${'$'}{3:-}; }
  __picode_chain_debug
  trap '__picode_preexec' DEBUG
  if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == 'declare -a'* ]]; then
    PROMPT_COMMAND=('__picode_status=$?' "${'$'}{PROMPT_COMMAND[@]}" '__picode_precmd')
  else
    PROMPT_COMMAND='__picode_status=$?'$'\n'"${'$'}{PROMPT_COMMAND:-}"$'\n''__picode_precmd'
  fi
  PS1="$PS1"'\[\033]133;B\007\]'
fi
`;

const zshSnippet = String.raw`# picode shell integration for zsh: OSC 133 command marks (see 'picode shell-init').
if [[ -o interactive && -z ${'$'}{__picode_marks-} ]]; then
  typeset -g __picode_marks=1 __picode_running=
  __picode_urlencode() {
    local LC_ALL=C s=$1 out= c i
    for (( i = 1; i <= ${'$'}{#s}; i++ )); do
      c=${'$'}{s[i]}
      case $c in
        ([a-zA-Z0-9.~_/-]) out+=$c ;;
        (*) out+=$(printf '%%%02X' "'$c") ;;
      esac
    done
    print -rn -- "$out"
  }
  __picode_precmd() {
    local s=$?
    if [[ -n $__picode_running ]]; then printf '\033]133;D;%s\007' "$s"; fi
    __picode_running=
    printf '\033]133;A\007'
  }
  __picode_preexec() {
    __picode_running=1
    printf '\033]133;C;cmdline_url=%s\007' "$(__picode_urlencode "$1")"
  }
  autoload -Uz add-zsh-hook
  add-zsh-hook precmd __picode_precmd
  add-zsh-hook preexec __picode_preexec
  PS1="$PS1"$'%{\e]133;B\a%}'
fi
`;

const fishSnippet = String.raw`# picode shell integration for fish: OSC 133 command marks (see 'picode shell-init').
if status is-interactive; and not set -q __picode_marks
  set -g __picode_marks 1
  function __picode_prompt --on-event fish_prompt
    printf '\e]133;A\a'
  end
  function __picode_preexec --on-event fish_preexec
    printf '\e]133;C;cmdline_url=%s\a' (string escape --style=url -- "$argv")
  end
  function __picode_postexec --on-event fish_postexec
    printf '\e]133;D;%s\a' $status
  end
end
`;

/** The snippet `picode shell-init SHELL` prints (to source from the shell's rc file). */
export function shellInitSnippet(shell: SupportedShell): string {
  switch (shell) {
    case 'bash': return bashSnippet;
    case 'zsh': return zshSnippet;
    case 'fish': return fishSnippet;
  }
}

/** `bash`, `/usr/bin/zsh`, `fish -l` -> the supported shell it names, if any. */
export function shellKind(shell: string): SupportedShell | undefined {
  const name = basename(shell.trim().split(/\s+/)[0] ?? '');
  return (supportedShells as readonly string[]).includes(name) ? (name as SupportedShell) : undefined;
}

/**
 * The argv that starts `shell` interactively with the user's own rc files first and picode's
 * marks after them (so a prompt framework set up in the rc file is already in place), or
 * undefined for a shell picode has no integration for (sh, dash, ...).
 *
 * The init files are written to `<state>/shell/` (rewritten only when they change), because
 * bash and zsh take their rc file by path.
 */
export function shellInitCommand(shell: string, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const kind = shellKind(shell);
  if (!kind) return undefined;
  const program = shell.trim().split(/\s+/)[0]!;
  const dir = join(stateDir(env), 'shell');
  switch (kind) {
    case 'bash': {
      const rc = writeIfChanged(join(dir, 'picode.bashrc'),
        '# Written by picode: the user\'s ~/.bashrc, then picode\'s OSC 133 marks.\n' +
        'if [ -f ~/.bashrc ]; then . ~/.bashrc; fi\n' + bashSnippet, env);
      return [program, '--rcfile', rc, '-i'];
    }
    case 'zsh': {
      // zsh reads $ZDOTDIR/.zshenv first: ours puts the user's ZDOTDIR back, sources their
      // .zshenv (zsh then reads their .zshrc itself), and installs the marks at the first prompt,
      // i.e. after every rc file ran.
      const zdot = join(dir, 'zsh');
      writeIfChanged(join(zdot, '.zshenv'),
        '# Written by picode: restores the user\'s ZDOTDIR, then adds OSC 133 marks at the first prompt.\n' +
        'if [[ -n ${PICODE_USER_ZDOTDIR-} ]]; then ZDOTDIR=$PICODE_USER_ZDOTDIR; else unset ZDOTDIR; fi\n' +
        'unset PICODE_USER_ZDOTDIR\n' +
        '[[ -f ${ZDOTDIR:-$HOME}/.zshenv ]] && source ${ZDOTDIR:-$HOME}/.zshenv\n' +
        `__picode_install() { add-zsh-hook -d precmd __picode_install; source ${shellQuote(join(zdot, 'marks.zsh'))}; __picode_precmd; }\n` +
        'if [[ -o interactive ]]; then autoload -Uz add-zsh-hook; add-zsh-hook precmd __picode_install; fi\n', env);
      writeIfChanged(join(zdot, 'marks.zsh'), zshSnippet, env);
      const userZdot = env.ZDOTDIR ?? '';
      return ['env', `PICODE_USER_ZDOTDIR=${userZdot}`, `ZDOTDIR=${zdot}`, program, '-i'];
    }
    case 'fish': {
      const file = writeIfChanged(join(dir, 'picode.fish'), fishSnippet, env);
      return [program, '-i', '--init-command', `source ${shellQuote(file)}`];
    }
  }
}

function writeIfChanged(file: string, content: string, env: NodeJS.ProcessEnv): string {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) {
    ensurePrivateFile(file, { create: false });
    return file;
  }
  writePrivateFile(file, content, env);
  return file;
}



/**
 * The line `picode run` types into a shell without picode's marks: the command between two
 * printf'd OSC 133 marks (C, then D with its exit status) carrying the run's nonce. printf's
 * octal escapes are not escape characters on the typed line, so the echo of the line is never
 * mistaken for a mark.
 *
 * The wrapper must not end up in the shell's history as the user's command:
 * - bash (which keeps every line unless HISTCONTROL says otherwise, and by default it does
 *   not): `history -s COMMAND` first replaces the history entry of the line being run with the
 *   command alone, as if the user had typed it. bash removes the last entry only when it is
 *   the line being run, so with HISTCONTROL=ignorespace (the line never saved) nothing the user
 *   typed is lost;
 * - fish leaves out lines that start with a space, zsh with HIST_IGNORE_SPACE: the leading space;
 * - sh and dash keep no history of typed lines.
 * A shell with picode's integration (`shellInit: true`) is typed the command alone.
 */
export function sentinelLine(command: string, nonce: string, shellProgram: string): string {
  const kind = shellKind(shellProgram);
  const status = kind === 'fish' ? '$status' : '$?';
  const history = kind === 'bash' ? `history -s -- ${shellQuote(command)}; ` : '';
  return ` ${history}printf '\\033]133;C;picode=${nonce}\\007'; ${command}; printf '\\033]133;D;%s;picode=${nonce}\\007' "${status}"`;
}
