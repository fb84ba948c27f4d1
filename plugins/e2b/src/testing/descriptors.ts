import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { DescFile, DescService } from '@bufbuild/protobuf';
import { fileDesc } from '@bufbuild/protobuf/codegenv2';
import { file_google_protobuf_timestamp } from '@bufbuild/protobuf/wkt';
import { BackendError } from '@agentkernel/core';

/** The envd services the SDK calls, as the installed SDK itself describes them. */
export interface EnvdDescriptors {
  readonly process: DescService;
  readonly filesystem: DescService;
}

// The SDK bundles its generated `*_pb` modules into one file and exports none of them, so the
// serialized FileDescriptorProtos are read back out of that file. Using the SDK's own bytes keeps the
// fake's wire format identical to what the pinned SDK sends, message for message.
const EMBEDDED = /fileDesc\)?\(\s*"([A-Za-z0-9+/=]+)"/g;

function sdkBundlePath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('e2b');
}

function serviceOf(file: DescFile, name: string, bundle: string): DescService {
  const service = file.services.find((s) => s.typeName === name);
  if (service === undefined) {
    throw new BackendError('e2b', `the installed e2b SDK (${bundle}) has no ${name} service in ${file.name}`);
  }
  return service;
}

let cached: EnvdDescriptors | undefined;

/** Loads the `process.Process` and `filesystem.Filesystem` descriptors from the installed `e2b` package. */
export function loadEnvdDescriptors(): EnvdDescriptors {
  if (cached !== undefined) return cached;
  const bundle = sdkBundlePath();
  const source = readFileSync(bundle, 'utf8');
  const files = new Map<string, DescFile>();
  for (const match of source.matchAll(EMBEDDED)) {
    const encoded = match[1];
    if (encoded === undefined) continue;
    const file = fileDesc(encoded, [file_google_protobuf_timestamp]);
    files.set(file.proto.name, file);
  }
  const processFile = files.get('process/process.proto');
  const filesystemFile = files.get('filesystem/filesystem.proto');
  if (processFile === undefined || filesystemFile === undefined) {
    throw new BackendError(
      'e2b',
      `could not find the envd protocol descriptors embedded in ${bundle} (found: ${[...files.keys()].join(', ') || 'none'})`,
    );
  }
  cached = {
    process: serviceOf(processFile, 'process.Process', bundle),
    filesystem: serviceOf(filesystemFile, 'filesystem.Filesystem', bundle),
  };
  return cached;
}
