/** Where the PKI files live on every node; the runtime API updates them by these exact paths. */
export interface NodePkiPaths {
  dir: string;
  /** Certificate followed by its key, as HAProxy's `crt` wants it (built on the node). */
  combinedPem: string;
  caFile: string;
  crlFile: string;
}

/** The layout playbooks/templates/haproxy-*.cfg.j2 name in their `crt`, `ca-file` and `crl-file`. */
export const NODE_PKI_PATHS: NodePkiPaths = {
  dir: '/etc/ingress/pki',
  combinedPem: '/etc/ingress/pki/node.pem',
  caFile: '/etc/ingress/pki/ca.pem',
  crlFile: '/etc/ingress/pki/crl.pem',
};
