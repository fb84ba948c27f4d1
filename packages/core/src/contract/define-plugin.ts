import {
  SPECIFICATION_VERSION,
  type BackendCapabilities,
  type BackendPlugin,
  type CapabilityName,
} from './backend.js';
import { CAPABILITY_NAMES, LATER_CAPABILITY_NAMES } from './capabilities.js';

/** What {@link definePlugin} builds a plugin object from: its capabilities are the names of those it has. */
export interface PluginDefinition extends Omit<BackendPlugin, 'specificationVersion' | 'capabilities'> {
  readonly capabilities: readonly CapabilityName[];
}

/**
 * The plugin object for this specification version: each capability listed is `true` and every other
 * flag of v1 `false`; a flag added later is left out unless listed (leaving it out means `false`, as
 * for a plugin written before it). Pure, so a plugin module may call it at module scope.
 */
export function definePlugin(definition: PluginDefinition): BackendPlugin {
  const { capabilities: has, ...plugin } = definition;
  const capabilities: Partial<Record<CapabilityName, boolean>> = {};
  for (const name of CAPABILITY_NAMES) {
    if (has.includes(name) || !LATER_CAPABILITY_NAMES.includes(name)) capabilities[name] = has.includes(name);
  }
  return {
    specificationVersion: SPECIFICATION_VERSION,
    ...plugin,
    capabilities: capabilities as BackendCapabilities,
  };
}
