export { createLab } from './lab.js';
export type { Lab, LabHost } from './lab.js';
export type { HostNetwork, StartHostOptions } from './host.js';
export { ensureImage, labDebian, BUILD_SCRIPT } from './image.js';
export { removeLabResources, LAB_LABEL } from './docker.js';
export type { LabKeyPair } from './ssh-keys.js';
