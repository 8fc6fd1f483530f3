import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import pino from 'pino';
import { listAgents } from '../accounts/agents.ts';
import { addAgent, createAccount, setAgentPassword } from '../accounts/service.ts';
import { channels, isChannel, type Channel } from '../allowlist/policy.ts';
import { cliActor } from '../audit/audit-log.ts';
import { ConfigError, configOptions, loadConfig, sqlitePathFor, type Config } from '../config.ts';
import { GatehouseError } from '../errors.ts';
import { createGatehouse, type Gatehouse } from '../gatehouse.ts';
import { startServer } from '../http/server.ts';
import { readOutbox } from '../mail/outbox.ts';
import { createLogger } from '../logger.ts';
import { migrateToLatest, openStore } from '../store/database.ts';

/** Bad usage: exit status 2. */
class UsageError extends Error {
  override name = 'UsageError';
}

const usage = `Usage: gatehouse COMMAND [options]

Commands:
  serve [options]                          run the server (options below, or environment variables)
  migrate                                  apply pending database migrations
  account create NAME --admin-email EMAIL [--admin-name NAME] [--admin-password PW] [--json]
  account list [--json]
  agent add --account ID --email EMAIL [--name N] [--role agent|admin] [--manage-security] [--password PW] [--json]
  agent list --account ID [--json]
  agent set-password --account ID --email EMAIL [--password PW] [--json]   # prints a generated password; ends the agent's sessions
  allowlist show    --account ID [--json]
  allowlist enable  --account ID
  allowlist disable --account ID
  allowlist add     --account ID INPUT [--label L] [--expires-at TIME]
  allowlist remove  --account ID RANGE_ID
  allowlist check   --account ID ADDRESS [--channel control-panel|agent-console|mobile-app] [--json]
  outbox [--last N]                        print the newest messages of the mail outbox (DATA_DIR/outbox), decoded

INPUT is one address, START-END, or a CIDR such as 203.0.113.0/24.
Every command reads DATABASE_URL and GATEHOUSE_DATA_DIR like the server.
Exit status: 0 on success, 1 when the request is refused or invalid, 2 on bad usage.

Server options (each also an environment variable):
${configOptions.map((option) => `  ${`${option.flag} VALUE`.padEnd(36)} ${option.env}: ${option.help}`).join('\n')}
`;

interface Output {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

function parse(args: string[], options: ParseArgsConfig['options']): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args, options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function requireOption(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`Missing --${name}.`);
  return value;
}

function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? `Missing ${what}.` : `Expected one ${what}, got ${positionals.length}.`);
  return positionals[0] as string;
}

async function withGatehouse<T>(config: Config, run: (gatehouse: Gatehouse) => Promise<T>): Promise<T> {
  // Log lines go to standard error, so standard output carries only the command's result.
  const gatehouse = await createGatehouse(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2)));
  try {
    return await run(gatehouse);
  } finally {
    await gatehouse.close();
  }
}

async function runServe(args: string[], output: Output): Promise<number> {
  const flagOptions = Object.fromEntries(configOptions.map((option) => [option.flag.slice(2), { type: 'string' as const }]));
  const { values } = parse(args, flagOptions);
  if (values.help) {
    output.out(usage);
    return 0;
  }
  const overrides: Record<string, string> = {};
  for (const option of configOptions) {
    const value = values[option.flag.slice(2)];
    if (typeof value === 'string') overrides[option.env] = value;
  }
  const server = await startServer(loadConfig(process.env, overrides), { printDemo: output.out });
  await new Promise<void>((resolvePromise) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolvePromise, resolvePromise);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

async function runAllowlist(config: Config, args: string[], output: Output): Promise<number> {
  const [action = '', ...rest] = args;
  const { values, positionals } = parse(rest, {
    account: { type: 'string' },
    label: { type: 'string' },
    'expires-at': { type: 'string' },
    channel: { type: 'string' },
  });
  if (!['show', 'enable', 'disable', 'add', 'remove', 'check'].includes(action)) {
    const problem = action === '' ? 'Missing allowlist command' : `Unknown allowlist command "${action}"`;
    throw new UsageError(`${problem}: expected show, enable, disable, add, remove or check.`);
  }
  const accountId = requireOption(values, 'account');
  const context = { actor: cliActor };

  return withGatehouse(config, async ({ allowlist }) => {
    switch (action) {
      case 'show': {
        if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
        const view = await allowlist.view(accountId);
        if (values.json) {
          output.out(JSON.stringify(view, null, 2));
          return 0;
        }
        output.out(`IP Allowlist: ${view.enabled ? 'on' : 'off'}   mobile access: ${view.mobileEnforced ? 'enforced' : 'not enforced'}   signed-in sessions: ${view.enforceOnSessions ? 'checked on every request' : 'checked at sign-in only'}   version ${view.version}`);
        if (view.notice) output.out(view.notice);
        if (view.ranges.length === 0) output.out('No IP ranges.');
        for (const range of view.ranges) {
          const bounds = range.cidr ?? (range.start === range.end ? range.start : `${range.start}-${range.end}`);
          let expiry = '';
          if (range.expiresAt) expiry = `  ${range.expired ? 'expired' : 'expires'} ${range.expiresAt}`;
          output.out(`${range.id}  ${bounds.padEnd(39)}  ${range.label}  (${range.source}, ${range.createdBy.name}, ${range.createdAt})${expiry}`);
        }
        return 0;
      }
      case 'enable':
      case 'disable': {
        if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
        const view = await allowlist.updateSettings(accountId, { enabled: action === 'enable' }, context);
        output.out(`IP Allowlist is ${view.enabled ? 'on' : 'off'}.`);
        if (view.notice) output.out(view.notice);
        return 0;
      }
      case 'add': {
        const input = onePositional(positionals, 'INPUT (an address, START-END or CIDR)');
        const range = await allowlist.addRange(
          accountId,
          { input, ...(typeof values.label === 'string' ? { label: values.label } : {}), ...(typeof values['expires-at'] === 'string' ? { expiresAt: values['expires-at'] } : {}) },
          'cli',
          context,
        );
        output.out(values.json ? JSON.stringify({ range }, null, 2) : `Added ${range.cidr ?? `${range.start}-${range.end}`} as ${range.id}.`);
        return 0;
      }
      case 'remove': {
        const rangeId = onePositional(positionals, 'RANGE_ID');
        await allowlist.deleteRange(accountId, rangeId, context);
        output.out(`Removed ${rangeId}.`);
        return 0;
      }
      case 'check': {
        const address = onePositional(positionals, 'ADDRESS');
        const channel = values.channel;
        if (channel !== undefined && !isChannel(channel)) throw new UsageError(`Invalid --channel "${String(channel)}": expected ${channels.join(', ')}.`);
        const result = await allowlist.check(accountId, address);
        const selected: Channel[] = channel === undefined ? [...channels] : [channel as Channel];
        if (values.json) {
          output.out(JSON.stringify({ address: result.address, decisions: Object.fromEntries(selected.map((name) => [name, result.decisions[name]])) }, null, 2));
        } else {
          for (const name of selected) {
            const decision = result.decisions[name];
            output.out(`${name.padEnd(14)} ${decision.allowed ? 'allowed' : 'denied '}  ${decision.reason}${decision.rangeId ? ` (range ${decision.rangeId})` : ''}`);
          }
        }
        return selected.every((name) => result.decisions[name].allowed) ? 0 : 1;
      }
      default:
        throw new UsageError(`Unknown allowlist command "${action}": expected show, enable, disable, add, remove or check.`);
    }
  });
}

async function runAccount(config: Config, args: string[], output: Output): Promise<number> {
  const [action = '', ...rest] = args;
  const { values, positionals } = parse(rest, {
    'admin-email': { type: 'string' },
    'admin-name': { type: 'string' },
    'admin-password': { type: 'string' },
  });
  return withGatehouse(config, async ({ store }) => {
    if (action === 'list') {
      const accounts = await store.db.selectFrom('accounts').select(['id', 'name', 'created_at']).orderBy('id').execute();
      if (values.json) output.out(JSON.stringify({ accounts: accounts.map((a) => ({ id: a.id, name: a.name, createdAt: a.created_at })) }, null, 2));
      else for (const account of accounts) output.out(`${account.id}  ${account.name}`);
      return 0;
    }
    if (action !== 'create') throw new UsageError(`Unknown account command "${action}": expected create or list.`);
    const name = onePositional(positionals, 'NAME');
    const adminEmail = requireOption(values, 'admin-email');
    const result = await createAccount(
      store.db,
      {
        name,
        adminEmail,
        ...(typeof values['admin-name'] === 'string' ? { adminName: values['admin-name'] } : {}),
        ...(typeof values['admin-password'] === 'string' ? { adminPassword: values['admin-password'] } : {}),
      },
      cliActor,
    );
    const generated = result.generatedPassword ? { adminPassword: result.password } : {};
    if (values.json) {
      output.out(JSON.stringify({ accountId: result.account.id, adminId: result.admin.id, ...generated }, null, 2));
    } else {
      output.out(`Created account ${result.account.id} (${result.account.name}) with admin ${result.admin.email} (${result.admin.id}).`);
      if (result.generatedPassword) output.out(`Admin password (shown once): ${result.password}`);
    }
    return 0;
  });
}

async function runAgent(config: Config, args: string[], output: Output): Promise<number> {
  const [action = '', ...rest] = args;
  const { values, positionals } = parse(rest, {
    account: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    'manage-security': { type: 'boolean' },
    password: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  if (!['add', 'list', 'set-password'].includes(action)) {
    const problem = action === '' ? 'Missing agent command' : `Unknown agent command "${action}"`;
    throw new UsageError(`${problem}: expected add, list or set-password.`);
  }
  const accountId = requireOption(values, 'account');
  return withGatehouse(config, async ({ store }) => {
    if (action === 'list') {
      const agents = await listAgents(store.db, accountId);
      if (values.json) output.out(JSON.stringify({ agents }, null, 2));
      else for (const agent of agents) output.out(`${agent.id}  ${agent.email}  ${agent.name}  ${agent.role}${agent.manageSecurity ? ' +manage_security' : ''}${agent.disabled ? ' (disabled)' : ''}`);
      return 0;
    }
    if (action === 'set-password') {
      const result = await setAgentPassword(
        store.db,
        accountId,
        requireOption(values, 'email'),
        typeof values.password === 'string' ? values.password : undefined,
        cliActor,
      );
      if (values.json) output.out(JSON.stringify({ agentId: result.agent.id, ...(result.generatedPassword ? { password: result.password } : {}) }, null, 2));
      else {
        output.out(`Set a new password for ${result.agent.email} and ended their sessions.`);
        if (result.generatedPassword) output.out(`Password (shown once): ${result.password}`);
      }
      return 0;
    }
    if (action !== 'add') throw new UsageError(`Unknown agent command "${action}": expected add, list or set-password.`);
    const role = values.role ?? 'agent';
    if (role !== 'agent' && role !== 'admin') throw new UsageError(`Invalid --role "${String(role)}": expected agent or admin.`);
    const result = await addAgent(
      store.db,
      {
        accountId,
        email: requireOption(values, 'email'),
        ...(typeof values.name === 'string' ? { name: values.name } : {}),
        role,
        manageSecurity: values['manage-security'] === true,
        ...(typeof values.password === 'string' ? { password: values.password } : {}),
      },
      cliActor,
    );
    const generated = result.generatedPassword ? { password: result.password } : {};
    if (values.json) {
      output.out(JSON.stringify({ agentId: result.agent.id, accountId, ...generated }, null, 2));
    } else {
      output.out(`Added ${result.agent.role} ${result.agent.email} (${result.agent.id}).`);
      if (result.generatedPassword) output.out(`Password (shown once): ${result.password}`);
    }
    return 0;
  });
}

async function runOutbox(config: Config, args: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(args, { last: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const last = values.last === undefined ? 1 : Number(values.last);
  if (!Number.isInteger(last) || last < 1) throw new UsageError(`Invalid --last "${String(values.last)}": expected a whole number of 1 or more.`);
  const messages = await readOutbox(join(config.dataDir, 'outbox'), last);
  if (values.json) {
    output.out(JSON.stringify({ messages }, null, 2));
    return 0;
  }
  if (messages.length === 0) output.out(`No messages in ${join(config.dataDir, 'outbox')}.`);
  for (const message of messages) {
    output.out(`File: ${message.file}\nDate: ${message.date}\nTo: ${message.to}\nSubject: ${message.subject}\n\n${message.text.trimEnd()}\n`);
  }
  return 0;
}

/** Runs the CLI and returns the exit status; errors go to `output.err`. */
export async function main(argv: string[], output: Output = processOutput): Promise<number> {
  const [command = '', ...rest] = argv;
  try {
    if (command === '' || command === 'help' || command === '--help' || command === '-h') {
      output.out(usage);
      return command === '' ? 2 : 0;
    }
    if (command === 'serve') return await runServe(rest, output);

    const config = loadConfig();
    switch (command) {
      case 'migrate': {
        const store = openStore({ databaseUrl: config.databaseUrl, defaultSqlitePath: sqlitePathFor(config) });
        try {
          const result = await migrateToLatest(store);
          const applied = result.results?.map((migration) => migration.migrationName) ?? [];
          output.out(applied.length === 0 ? 'The database is up to date.' : `Applied ${applied.join(', ')}.`);
        } finally {
          await store.close();
        }
        return 0;
      }
      case 'account':
        return await runAccount(config, rest, output);
      case 'agent':
        return await runAgent(config, rest, output);
      case 'allowlist':
        return await runAllowlist(config, rest, output);
      case 'outbox':
        return await runOutbox(config, rest, output);
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`gatehouse: ${error.message}\nRun "gatehouse help" for usage.`);
      return 2;
    }
    if (error instanceof GatehouseError || error instanceof ConfigError) {
      output.err(`gatehouse: ${error.message}`);
      return 1;
    }
    output.err(`gatehouse: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
