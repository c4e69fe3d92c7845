import { parseAnsibleYaml } from '../yaml/ansible-yaml.js';
import type { SourceLocation } from '../errors.js';
import { IngressError } from '../errors.js';
import { InventoryBuilder } from '../inventory/builder.js';
import type { InventoryChecks, VarSite } from '../inventory/types.js';
import { KNOWN_ANSIBLE_VARS } from '../inventory/validate.js';
import { readVarsMapping } from '../inventory/yaml-doc.js';
import type { YamlFile } from '../inventory/yaml-doc.js';
import { parseYamlInventory } from '../inventory/yaml-source.js';
import type { Field, Shape } from './schema.js';
import { CONNECTION_VARS_SCHEMA, GROUP_VARS_SCHEMA, HOST_VARS_SCHEMA } from './schema.js';
import { isIdent, scalarProblem } from './value-types.js';

type Step = string | number;

/** One value being checked: the variable's site, the path inside it and its name for messages. */
interface At {
  site: VarSite;
  path: Step[];
  field: string;
}

const SECRET: Field = { shape: { kind: 'secret' } };

function lineOf(at: At): number | undefined {
  return at.site.lineAt?.(at.path) ?? at.site.line;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function configError(at: At, message: string): IngressError {
  const line = lineOf(at);
  return new IngressError('E_CONFIG', `${at.field} ${message}`, {
    location: { file: at.site.file, field: at.field, ...(line === undefined ? {} : { line }) },
  });
}

function inside(at: At, step: Step): At {
  const field = typeof step === 'number' ? `${at.field}[${step}]` : `${at.field}.${step}`;
  return { site: at.site, path: [...at.path, step], field };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkObject(value: unknown, fields: Record<string, Field>, at: At): void {
  if (!isMapping(value)) throw configError(at, 'must be a mapping');
  for (const [key, item] of Object.entries(value)) {
    const spec = fields[key];
    if (!spec) throw configError(inside(at, key), `unknown key (known: ${Object.keys(fields).join(', ')})`);
    checkValue(item, spec.shape, inside(at, key));
  }
  for (const [key, spec] of Object.entries(fields)) {
    if (spec.required && !Object.hasOwn(value, key))
      throw configError({ ...inside(at, key), path: at.path }, 'is required');
  }
}

function checkList(value: unknown, shape: Extract<Shape, { kind: 'list' }>, at: At): void {
  if (!Array.isArray(value)) throw configError(at, 'must be a list');
  const seen = new Map<string, number>();
  value.forEach((item: unknown, index) => {
    checkValue(item, shape.of, inside(at, index));
    if (!shape.uniqueBy || !isMapping(item)) return;
    const key = String(item[shape.uniqueBy] ?? '').toLowerCase();
    const before = seen.get(key);
    if (before !== undefined)
      throw configError(
        { ...inside(inside(at, index), shape.uniqueBy), path: [...at.path, index] },
        `duplicate "${key}" (also at ${at.field}[${before}])`,
      );
    seen.set(key, index);
  });
}

function checkValue(value: unknown, shape: Shape, at: At): void {
  if (shape.kind === 'object') return checkObject(value, shape.fields, at);
  if (shape.kind === 'list') return checkList(value, shape, at);
  if (typeof value === 'object' && value !== null) throw configError(at, 'must be a single value');
  const problem = scalarProblem(shape, value);
  if (problem) throw configError(at, `${problem}, got ${shown(value)}`);
}

/** Which keys a variable may have where it was set. */
function schemaFor(site: VarSite): Record<string, Field> {
  if (site.scope === 'host') return { ...HOST_VARS_SCHEMA, ...CONNECTION_VARS_SCHEMA };
  if (site.varsFile) return { ...GROUP_VARS_SCHEMA, ...CONNECTION_VARS_SCHEMA };
  return { ...GROUP_VARS_SCHEMA, ...HOST_VARS_SCHEMA, ...CONNECTION_VARS_SCHEMA };
}

/** One stack variable with where it was set: a known key with a value of its precise type. */
export function checkStackVariable(name: string, value: unknown, site: VarSite): void {
  const at: At = { site, path: [], field: site.field ?? name };
  // Other connection variables the runner knows are only ever passed to ssh or sudo.
  const spec = schemaFor(site)[name] ?? (KNOWN_ANSIBLE_VARS.includes(name) ? SECRET : undefined);
  if (!spec) throw configError({ ...at, site: { ...site, lineAt: () => site.line } }, 'unknown key');
  checkValue(value, spec.shape, at);
}

/** An inventory host name becomes a certificate name, a file name and a shell word: an identifier only. */
export function checkStackHostName(name: string, where: SourceLocation): void {
  if (isIdent(name)) return;
  const field = where.field ?? name;
  throw new IngressError(
    'E_CONFIG',
    `host name ${shown(name)} must be a lower-case name of letters, digits and "-" (at most 63)`,
    { location: { ...where, field } },
  );
}

/** The checks `ingress up` runs on every variable and host name while the inventory loads. */
export function stackChecks(): InventoryChecks {
  return { variable: checkStackVariable, host: checkStackHostName };
}

function parseYaml(file: string, text: string): YamlFile {
  const { doc, lineOf } = parseAnsibleYaml(text, file, 'E_CONFIG');
  return { file, doc, lineOf };
}

/** A group_vars file: every key must be one the stack knows, with a value of the right type. */
export function validateGroupVarsText(file: string, text: string): void {
  for (const { name, value, line, lineAt } of readVarsMapping(parseYaml(file, text))) {
    const site: VarSite = { file, field: name, scope: 'group', varsFile: true, lineAt };
    checkStackVariable(name, value, line === undefined ? site : { ...site, line });
  }
}

/** A YAML inventory file: its host names and the stack's variables on hosts and groups. */
export function validateHostsText(file: string, text: string): void {
  parseYamlInventory(file, text, new InventoryBuilder([file], stackChecks()));
}
