import { BackendNotAvailableError } from '../errors/errors.js';

/**
 * Imports a vendor SDK lazily. A missing SDK becomes an actionable error naming the package to install
 * instead of a bare `ERR_MODULE_NOT_FOUND`.
 */
export async function importVendor<T>(
  load: () => Promise<T>,
  packageName: string,
  backend: string,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new BackendNotAvailableError(backend, `the vendor SDK ${packageName} is not installed`, {
        cause: error,
        hint: `install it: npm install ${packageName}`,
      });
    }
    throw error;
  }
}
