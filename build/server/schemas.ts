// The tools' input and output schemas (zod; the SDK publishes them as JSON Schema). Types,
// ranges and enums are checked here; what needs the host (a node's CPU count, a storage that
// exists) and the finer formats are the script's own validators, which answer with their
// messages. The output schemas describe the LINUS_JSON object of each action: known fields
// typed, any other field the script adds kept.
import { z } from 'zod';

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const IPV4_CIDR = new RegExp(`${IPV4.source.slice(0, -1)}/([0-9]|[12][0-9]|3[0-2])$`);
const SIZE_MIB = /^[0-9]+ ?([MmGgTt]([Ii]?[Bb])?)?$/;
const SIZE_GIB = /^[0-9]+ ?([GgTt]([Ii]?[Bb])?)?$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const vmid = z.number().int().min(100).max(999_999_999).describe('Proxmox VM id, 100 .. 999999999');
const vmName = z.string().min(1).max(253)
  .describe("the VM's name: a DNS name (letters, digits, '-', dot-separated labels)");

/** The options of a provision (and of preflight, which checks the same settings). */
export function settingsShape(osKeys: [string, ...string[]]) {
  return {
    name: vmName.optional().describe("the VM's name, a DNS name (letters, digits, '-'); default linus-vm-<vmid>"),
    cores: z.number().int().min(1).max(1024).optional().describe("CPU cores, 1 .. the node's CPU count; default 2"),
    memory: z.union([z.number().int().min(512).max(4_194_304), z.string().regex(SIZE_MIB)]).optional()
      .describe('memory in MiB (integer >= 512), or a size such as "8G" or "8192M" (binary units); default 2048'),
    disk: z.union([z.number().int().min(1).max(65_536), z.string().regex(SIZE_GIB)]).optional()
      .describe('disk in GiB (integer), or "50G" / "1T"; not below the image\'s size; default 20'),
    os: z.enum(osKeys).optional().describe(`the OS, a catalog key (resource linus://catalog); default ${osKeys[0]}`),
    image_url: z.string().url().max(2048).optional()
      .describe('a custom cloud image (http/https URL) instead of os; needs image_sha256'),
    image_sha256: z.string().regex(/^(sha256:)?[0-9a-fA-F]{64}$/).optional()
      .describe('the sha256 of image_url, as its vendor publishes it'),
    node: z.string().regex(ID).max(63).optional()
      .describe('the cluster node to create it on (online); default the node the script runs on'),
    storage: z.string().regex(ID).max(100).optional()
      .describe('storage for the disk (content images); default local-lvm'),
    bridge: z.string().regex(ID).max(15).optional().describe('network bridge; default vmbr0'),
    vlan: z.number().int().min(1).max(4094).optional().describe('VLAN tag 1 .. 4094; default none'),
    ip: z.union([z.literal('dhcp'), z.string().regex(IPV4_CIDR)]).optional()
      .describe('"dhcp" (default) or a static IPv4 address with prefix, a.b.c.d/nn (then gateway is required)'),
    gateway: z.string().regex(IPV4).optional().describe('IPv4 gateway inside the ip subnet; required with a static ip'),
    dns: z.array(z.string().min(2).max(45).regex(/^[0-9A-Fa-f.:]+$/)).min(1).max(8).optional()
      .describe("DNS server addresses (IPv4/IPv6); default the host's resolvers"),
    user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/).optional()
      .describe('the login user of the VM; default per OS (catalog)'),
    ssh_keys: z.array(z.string().min(16).max(16_384).regex(/^[^\r\n]+$/)).min(1).max(32).optional()
      .describe('OpenSSH public keys allowed to log in (one key a string); ' +
        "default the public key beside the server's --key"),
    vmid: vmid.optional().describe('the VM id; default the next free one'),
    network_timeout: z.number().int().min(1).max(86_400).optional()
      .describe("seconds to wait for the VM's IP; default 300"),
    ssh_timeout: z.number().int().min(1).max(86_400).optional()
      .describe('seconds to wait for SSH and cloud-init; default 180'),
    template_cache: z.boolean().optional()
      .describe('clone a cached Proxmox template of the image (built on first use) instead of importing it'),
    no_host_key: z.boolean().optional()
      .describe("do not add the host root's key (the SSH check then only proves sshd answers)"),
  };
}

export function provisionShape(osKeys: [string, ...string[]]) {
  return {
    ...settingsShape(osKeys),
    dry_run: z.boolean().optional().describe('validate and return the plan; change nothing (result DRY_RUN)'),
    reuse_existing: z.boolean().optional()
      .describe('a VM of this name made by this tool exists: report it (reused: 1) instead of failing with exit 7'),
    keep_on_failure: z.boolean().optional().describe('leave a failed VM in place for debugging (default: removed)'),
    follow_seconds: z.number().int().min(0).max(86_400).optional()
      .describe('how long this call follows the job before it answers RUNNING with the job id (then vm_status ' +
        "with job); default: the server's --follow-seconds (1800 unless set)"),
  };
}

export const statusShape = {
  vmid: vmid.optional().describe('the VM id (or give name, or job)'),
  name: vmName.optional().describe('the VM name (or give vmid, or job)'),
  job: z.string().regex(/^[0-9]{8}T[0-9]{6}Z-[A-Za-z0-9]{8}$/).optional()
    .describe('a provision job id (from provision_vm): its result, or RUNNING with its step'),
};

export const destroyShape = {
  vmid: vmid.optional().describe('the VM id (or give name)'),
  name: vmName.optional().describe('the VM name (or give vmid)'),
};

/** Fields every LINUS_JSON object may have (a failure's fields on every action). */
const common = {
  result: z.enum(['SUCCESS', 'FAILURE', 'DRY_RUN', 'STARTED', 'RUNNING']).describe('the outcome'),
  error_code: z.number().int().optional()
    .describe('the exit code of a failure (1 bad value .. 7 conflict, 130 interrupted)'),
  error_step: z.string().optional(),
  error: z.string().optional().describe('what went wrong'),
  remediation: z.string().optional().describe('what to do about it'),
  cleanup: z.string().optional().describe('destroyed, kept or none'),
};

const vmFields = {
  vm_id: z.number().int().optional(),
  vm_name: z.string().optional(),
  vm_node: z.string().optional(),
  vm_ip: z.string().optional(),
  vm_user: z.string().optional(),
  vm_state: z.string().optional(),
};

export const provisionOutput = z.looseObject({
  ...common,
  ...vmFields,
  vm_os: z.string().optional(),
  vm_cpu: z.number().optional(),
  vm_ram: z.number().optional().describe('MiB'),
  vm_disk: z.number().optional().describe('GiB'),
  ssh_check: z.string().optional().describe('login: a real login as the VM user worked'),
  vm_host_key: z.string().optional().describe("the VM's SSH host key fingerprint"),
  ssh_command: z.string().optional(),
  job: z.string().optional().describe('the job id of a detached provision'),
  step: z.string().optional().describe('the current step of a running job'),
  elapsed_seconds: z.number().optional(),
});

export const statusOutput = provisionOutput;

export const preflightOutput = z.looseObject({
  ...common,
  pve_version: z.string().optional(),
  vm_node: z.string().optional(),
});

export const listOutput = z.looseObject({
  ...common,
  count: z.number().int().optional(),
  vms: z.array(z.looseObject(vmFields)).optional(),
});

export const destroyOutput = z.looseObject({ ...common, ...vmFields });
