import { shq } from './quote.js';
import type { Fact } from './types.js';

/** The sysctl file's text and the key's live value, in one exec. */
export interface SysctlFacts {
  fileExists: boolean;
  fileContent: string;
  /** The running kernel's value; undefined when the key is unknown here. */
  current?: string;
}

const MARK = '--ingress-sysctl-file--';

export function parseSysctlFacts(stdout: string): SysctlFacts {
  const at = stdout.indexOf(`${MARK}\n`);
  const head = at < 0 ? stdout : stdout.slice(0, at);
  const currentLine = head.split('\n').find((l) => l.startsWith('current '));
  const current = currentLine === undefined ? undefined : currentLine.slice(8);
  const fileContent = at < 0 ? '' : stdout.slice(at + MARK.length + 1);
  return { fileExists: at >= 0, fileContent, ...(current !== undefined ? { current } : {}) };
}

export function sysctlFact(name: string, file: string): Fact<SysctlFacts> {
  return {
    name: 'sysctl',
    command: () =>
      `if v=$(sysctl -n -- ${shq(name)} 2>/dev/null); then printf 'current %s\\n' "$v"; fi; ` +
      `if [ -f ${shq(file)} ]; then echo '${MARK}'; cat -- ${shq(file)}; fi`,
    parse: (result) => parseSysctlFacts(result.stdout),
  };
}
