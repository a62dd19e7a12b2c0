import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildIntegrationDeclaration } from '@storebridge/shopimind-declaration';

/**
 * `nx run gateway:manifest [--args="--out=path --external-auth"]`: writes the declaration the gateway serves
 * at /manifest.json, for registering the integration with ShopiMind.
 */
const args = process.argv.slice(2);
const out = args.find((arg) => arg.startsWith('--out='))?.slice('--out='.length) ?? 'dist/manifest.json';
const requiresExternalAuth =
  args.includes('--external-auth') || /^(true|1|yes)$/i.test(process.env['SHOPIMIND_EXTERNAL_AUTH'] ?? '');

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(buildIntegrationDeclaration({ requiresExternalAuth }), null, 2)}\n`);
process.stdout.write(`Wrote ${out} (${requiresExternalAuth ? 'Type B' : 'Type A'})\n`);
