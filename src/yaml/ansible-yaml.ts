import { LineCounter, parseDocument } from 'yaml';
import type { Document, DocumentOptions, Node, ParseOptions, SchemaOptions } from 'yaml';
import { IngressError, type ErrorCode } from '../errors.js';

/**
 * The one set of YAML rules for every file and value the project reads: Ansible's, that
 * is YAML 1.1 through PyYAML. `yes`/`no`/`on`/`off` are booleans but, unlike the 1.1
 * spec, a lone `y` or `n` stays a string; `0644` is octal (420); `<<` merges.
 */
const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

export const ANSIBLE_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: true,
  customTags: (tags) =>
    tags.map((tag) => {
      if (typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:bool' || !('test' in tag) || !tag.test)
        return tag;
      return { ...tag, test: tag.test.test('true') ? PY_TRUE : PY_FALSE };
    }),
};

/** A parsed YAML text that can tell the line of any of its nodes. */
export interface YamlText {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** 1-based line of a node, or undefined for a node without a position. */
  lineOf(node: unknown): number | undefined;
}

/** Parses with Ansible's rules; a syntax error becomes IngressError(code) at its file, line and column. */
export function parseAnsibleYaml(text: string, file: string, code: ErrorCode): YamlText {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...ANSIBLE_YAML_OPTIONS, lineCounter: lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    throw new IngressError(code, `YAML syntax error: ${first.message.split('\n')[0] ?? first.message}`, {
      cause: first,
      location: { file, line: pos.line, column: pos.col },
    });
  }
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lines.linePos(range[0]).line : undefined;
  };
  return { file, doc, lines, lineOf };
}

/** The plain value of a YAML text read with Ansible's rules. */
export function loadAnsibleYaml(text: string, file: string, code: ErrorCode): unknown {
  return parseAnsibleYaml(text, file, code).doc.toJS() as unknown;
}
