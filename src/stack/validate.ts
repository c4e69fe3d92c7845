import { parseAnsibleYaml } from '../yaml/ansible-yaml.js';
import type { SourceLocation } from '../errors.js';
import { IngressError } from '../errors.js';
import { InventoryBuilder } from '../inventory/builder.js';
import type { InventoryChecks, VarSite } from '../inventory/types.js';
import { KNOWN_ANSIBLE_VARS } from '../inventory/validate.js';
import { readVarsMapping } from '../inventory/yaml-doc.js';
import type { YamlFile } from '../inventory/yaml-doc.js';
import { parseYamlInventory } from '../inventory/yaml-source.js';
import { checkShape, shapeError, shown } from '../yaml/check-shape.js';
import type { ShapeAt } from '../yaml/check-shape.js';
import { isIdent } from '../yaml/scalars.js';
import type { Field } from '../yaml/shape.js';
import { CONNECTION_VARS_SCHEMA, GROUP_VARS_SCHEMA, HOST_VARS_SCHEMA } from './schema.js';

const SECRET: Field = { shape: { kind: 'secret' } };

/** Which keys a variable may have where it was set. */
function schemaFor(site: VarSite): Record<string, Field> {
  if (site.scope === 'host') return { ...HOST_VARS_SCHEMA, ...CONNECTION_VARS_SCHEMA };
  if (site.varsFile) return { ...GROUP_VARS_SCHEMA, ...CONNECTION_VARS_SCHEMA };
  return { ...GROUP_VARS_SCHEMA, ...HOST_VARS_SCHEMA, ...CONNECTION_VARS_SCHEMA };
}

/** One stack variable with where it was set: a known key with a value of its precise type. */
export function checkStackVariable(name: string, value: unknown, site: VarSite): void {
  const lineAt = (path: readonly (string | number)[]): number | undefined => site.lineAt?.(path) ?? site.line;
  const at: ShapeAt = { file: site.file, lineAt, path: [], field: site.field ?? name };
  // Other connection variables the runner knows are only ever passed to ssh or sudo.
  const spec = schemaFor(site)[name] ?? (KNOWN_ANSIBLE_VARS.includes(name) ? SECRET : undefined);
  if (!spec) throw shapeError({ ...at, lineAt: () => site.line }, 'unknown key');
  checkShape(value, spec.shape, at);
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
