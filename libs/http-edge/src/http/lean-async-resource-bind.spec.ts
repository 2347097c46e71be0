import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { useLeanAsyncResourceBind } from './lean-async-resource-bind';

function codeThrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'nothing thrown';
}

describe('useLeanAsyncResourceBind', () => {
  beforeAll(() => {
    useLeanAsyncResourceBind();
    // A second call changes nothing.
    useLeanAsyncResourceBind();
  });

  it('runs the bound function in the resource’s async scope', () => {
    const storage = new AsyncLocalStorage<string>();
    const resource = storage.run('inside', () => new AsyncResource('test'));
    const bound = resource.bind(() => storage.getStore());
    expect(storage.run('elsewhere', () => bound())).toBe('inside');
    expect(bound()).toBe('inside');
  });

  it('passes arguments and the answer, and keeps the caller’s this without a thisArg', () => {
    const resource = new AsyncResource('test');
    function add(this: { base: number }, a: number, b: number): number {
      return this.base + a + b;
    }
    const bound = resource.bind(add);
    expect(bound.call({ base: 1 }, 2, 3)).toBe(6);
    expect(bound.length).toBe(2);
  });

  it('uses the thisArg when one is given', () => {
    const resource = new AsyncResource('test') as unknown as {
      bind(fn: () => unknown, thisArg: unknown): () => unknown;
    };
    const bound = resource.bind(
      function (this: { name: string }) {
        return this.name;
      },
      { name: 'given' },
    );
    expect(bound.call({ name: 'caller' })).toBe('given');
  });

  it('builds no deprecated asyncResource accessor', () => {
    const bound = new AsyncResource('test').bind(() => 1);
    expect(Object.getOwnPropertyDescriptor(bound, 'asyncResource')).toBeUndefined();
  });

  it('still refuses what is not a function, as Node does', () => {
    const resource = new AsyncResource('test');
    expect(codeThrownBy(() => resource.bind('nope' as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeThrownBy(() => AsyncResource.bind(42 as never))).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('lets exceptions through', () => {
    const bound = new AsyncResource('test').bind(() => {
      throw new Error('boom');
    });
    expect(() => bound()).toThrow('boom');
  });
});
