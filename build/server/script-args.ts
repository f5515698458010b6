// Typed tool arguments -> the script's flags (lib-sh/options.sh, the option table).

type Value = string | number | boolean | string[] | undefined;

/** Each argument with a value of its own and the flag it becomes. */
const VALUED: Record<string, string> = {
  name: '--name',
  cores: '--cores',
  memory: '--memory',
  disk: '--disk',
  os: '--os',
  image_url: '--image-url',
  image_sha256: '--image-sha256',
  node: '--node',
  storage: '--storage',
  bridge: '--bridge',
  vlan: '--vlan',
  ip: '--ip',
  gateway: '--gateway',
  user: '--user',
  vmid: '--vmid',
  network_timeout: '--network-timeout',
  ssh_timeout: '--ssh-timeout',
};

/** The switches: true adds the flag, false or absent leaves it out. */
const SWITCHES: Record<string, string> = {
  template_cache: '--template-cache',
  no_host_key: '--no-host-key',
  dry_run: '--dry-run',
  reuse_existing: '--reuse-existing',
  keep_on_failure: '--keep-on-failure',
};

/** Arguments of the tools that are no option of the script. */
const OWN = new Set(['follow_seconds', 'job']);

/** The flags for ARGS, in a fixed order (the tables'), for a provision or a preflight. */
export function scriptFlags(args: Record<string, Value>): string[] {
  const out: string[] = [];
  for (const [k, flag] of Object.entries(VALUED)) {
    const v = args[k];
    if (v !== undefined) out.push(flag, String(v));
  }
  if (args.dns !== undefined) out.push('--dns', (args.dns as string[]).join(','));
  if (args.ssh_keys !== undefined) out.push('--ssh-key', (args.ssh_keys as string[]).join('\n'));
  for (const [k, flag] of Object.entries(SWITCHES)) if (args[k] === true) out.push(flag);
  const known = (k: string): boolean => k in VALUED || k in SWITCHES || OWN.has(k) || k === 'dns' || k === 'ssh_keys';
  const unknown = Object.keys(args).filter((k) => !known(k));
  if (unknown.length > 0) throw new Error(`internal error: no script option for ${unknown.join(', ')}`);
  return out;
}

/** `status`/`destroy` target: VMID, or --name NAME; exactly one of them. */
export function targetArgs(tool: string, a: { vmid?: number; name?: string }): string[] {
  if (a.vmid !== undefined && a.name !== undefined) throw new Error(`${tool}: give vmid or name, not both`);
  if (a.vmid !== undefined) return [String(a.vmid)];
  if (a.name !== undefined) return ['--name', a.name];
  throw new Error(`${tool}: give vmid or name`);
}
