import { AsyncResource } from 'node:async_hooks';

const INSTALLED = Symbol.for('dify.http-edge.leanAsyncResourceBind');

type Callable = (...args: unknown[]) => unknown;
/** `bind` as Node implements it: the typings leave out the `thisArg` it takes. */
type NodeBind = (this: AsyncResource, fn: Callable, thisArg?: unknown) => Callable;
type PatchableResource = AsyncResource & { [INSTALLED]?: true };

/**
 * Makes `AsyncResource#bind` stop building the deprecated `asyncResource` accessor (DEP0172) on
 * every bound function. Fastify binds one for every request body it parses, and on Node 20 that
 * accessor costs two `util.deprecate` wrappers each time: 5–7 % of auth's CPU on the pending poll
 * (bench/README.md, "Where the time goes"). The bound function is otherwise what Node builds:
 * it runs `fn` in the resource's async scope (so AsyncLocalStorage stores carry into it), with
 * the caller's `this` unless a `thisArg` was given, and keeps `fn`'s `length`. Nothing in the
 * services reads the deprecated property. Idempotent.
 */
export function useLeanAsyncResourceBind(): void {
  const prototype = AsyncResource.prototype as PatchableResource;
  if (prototype[INSTALLED]) return;
  const nodeBind = Object.getOwnPropertyDescriptor(prototype, 'bind')?.value as NodeBind;
  const leanBind: NodeBind = function bind(fn, thisArg) {
    // Node's own argument checks and errors for anything that is not a function.
    if (typeof fn !== 'function') return nodeBind.call(this, fn, thisArg);
    return boundInScope(this, fn, thisArg);
  };
  Object.defineProperty(prototype, 'bind', { ...propertyOf(prototype, 'bind'), value: leanBind });
  Object.defineProperty(prototype, INSTALLED, { value: true });
}

function propertyOf(target: object, name: string): PropertyDescriptor {
  return Object.getOwnPropertyDescriptor(target, name) ?? { configurable: true, writable: true };
}

function boundInScope(resource: AsyncResource, fn: Callable, thisArg: unknown): Callable {
  const bound =
    thisArg === undefined
      ? function (this: unknown, ...args: unknown[]): unknown {
          return resource.runInAsyncScope(fn, this, ...args);
        }
      : (...args: unknown[]): unknown => resource.runInAsyncScope(fn, thisArg, ...args);
  Object.defineProperty(bound, 'length', {
    configurable: true,
    enumerable: false,
    value: fn.length,
    writable: false,
  });
  return bound;
}
