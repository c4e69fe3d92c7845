import { IngressError } from '../errors.js';
import type { StackHostName, StackNetwork } from './topology.js';
import { STACK_HOSTS } from './topology.js';

/** The parts `ingress lab fail|heal` can cut and restore. */
export const LAB_PARTS = ['wan1', 'wan2', 'mesh', 'ingress-1', 'ingress-2', 'dns'] as const;
export type LabPart = (typeof LAB_PARTS)[number];

/** A WAN or the mesh is one of the local proxy's networks; a node or DNS is a whole container. */
export type PartAction =
  { kind: 'network'; host: 'proxy'; network: StackNetwork } | { kind: 'container'; host: StackHostName };

const ACTIONS: Record<LabPart, PartAction> = {
  wan1: { kind: 'network', host: 'proxy', network: 'wan1' },
  wan2: { kind: 'network', host: 'proxy', network: 'wan2' },
  // The mesh's underlay: Yggdrasil peers over it, so cutting it takes the mesh path away.
  mesh: { kind: 'network', host: 'proxy', network: 'underlay' },
  'ingress-1': { kind: 'container', host: 'ingress-1' },
  'ingress-2': { kind: 'container', host: 'ingress-2' },
  dns: { kind: 'container', host: 'dns' },
};

export function parseLabPart(name: string): LabPart {
  if ((LAB_PARTS as readonly string[]).includes(name)) return name as LabPart;
  throw new IngressError('E_USAGE', `unknown lab part "${name}": choose one of ${LAB_PARTS.join(', ')}`, {
    location: { file: '(command line)', field: 'part' },
  });
}

export function partAction(part: LabPart): PartAction {
  return ACTIONS[part];
}

export function parseLabNode(name: string): StackHostName {
  if ((STACK_HOSTS as readonly string[]).includes(name)) return name as StackHostName;
  throw new IngressError('E_USAGE', `unknown lab node "${name}": choose one of ${STACK_HOSTS.join(', ')}`, {
    location: { file: '(command line)', field: 'node' },
  });
}

/** --base: the second octet of 10.x.0.0/16 the lab's networks take. */
export function parseLabBase(text: string): number {
  const base = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(base >= 0 && base <= 255))
    throw new IngressError('E_USAGE', `--base must be an integer 0-255 (got "${text}")`, {
      location: { file: '(command line)', field: '--base' },
    });
  return base;
}
