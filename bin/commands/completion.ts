import type { Command } from 'commander';
import { ChainNodeError } from '../../src/errors.js';

/** A command path (e.g. `tx send`) with its options and subcommands, taken from the commander tree. */
interface Node {
  path: string[];
  subcommands: string[];
  options: string[];
}

function walk(cmd: Command, path: string[], out: Node[]): void {
  const options = cmd.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined);
  out.push({ path, subcommands: cmd.commands.map((c) => c.name()), options });
  for (const c of cmd.commands) walk(c, [...path, c.name()], out);
}

function tree(program: Command): { nodes: Node[]; globals: string[] } {
  const nodes: Node[] = [];
  walk(program, [], nodes);
  return { nodes, globals: [...nodes[0]!.options, '--help'] };
}

function bash(program: Command): string {
  const { nodes, globals } = tree(program);
  const cases = nodes
    .map(
      (n) => `    '${n.path.join(' ')}') words="${[...n.subcommands, ...n.options, ...(n.path.length > 0 ? globals : ['--help', '--version'])].join(' ')}" ;;`,
    )
    .join('\n');
  const names = [...new Set(nodes.flatMap((n) => n.subcommands))].join(' ');
  return `# chain-node bash completion: source it, or save it as /etc/bash_completion.d/chain-node
#   chain-node completion bash > ~/.local/share/bash-completion/completions/chain-node
_chain_node() {
  local cur path="" w words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case " ${names} " in *" $w "*) path="\${path:+$path }$w" ;; esac
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  if [ \${#COMPREPLY[@]} -eq 0 ]; then COMPREPLY=( $(compgen -f -- "$cur") ); fi
}
complete -o default -F _chain_node chain-node
`;
}

function zsh(program: Command): string {
  // zsh runs bash completion functions through bashcompinit.
  return `#compdef chain-node
# chain-node zsh completion: chain-node completion zsh > "\${fpath[1]}/_chain-node" (or source it from ~/.zshrc)
autoload -U +X bashcompinit && bashcompinit
${bash(program)
  .split('\n')
  .filter((l) => !l.startsWith('#'))
  .join('\n')}`;
}

function fish(program: Command): string {
  const { nodes, globals } = tree(program);
  const lines = ['# chain-node fish completion: chain-node completion fish > ~/.config/fish/completions/chain-node.fish', 'complete -c chain-node -f'];
  for (const n of nodes) {
    const cond = n.path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${n.path.at(-1)}`;
    for (const s of n.subcommands) lines.push(`complete -c chain-node -n '${cond}' -a '${s}'`);
    for (const o of n.options) if (o.startsWith('--')) lines.push(`complete -c chain-node -n '${cond}' -l '${o.slice(2)}'`);
  }
  for (const o of globals) if (o.startsWith('--')) lines.push(`complete -c chain-node -l '${o.slice(2)}'`);
  return `${[...new Set(lines)].join('\n')}\n`;
}

/** `chain-node completion bash|zsh|fish`: a completion script generated from the command tree itself. */
export function registerCompletion(program: Command): void {
  program
    .command('completion <shell>')
    .description('print a shell completion script (bash, zsh or fish); e.g. `source <(chain-node completion bash)`')
    .action((shell: string) => {
      const make = { bash, zsh, fish }[shell];
      if (make === undefined) throw new ChainNodeError('BAD_OPTION', `unknown shell '${shell}' (expected bash, zsh or fish)`);
      process.stdout.write(make(program));
    });
}
