import { DomainError } from './domain.error';

class SampleError extends DomainError {
  constructor() {
    super('sample_code', 'sample message', { field: 'x' });
  }
}

describe('DomainError', () => {
  it('carries code, message and details', () => {
    const error = new DomainError('some_code', 'something happened', { a: 1 });

    expect(error.code).toBe('some_code');
    expect(error.message).toBe('something happened');
    expect(error.details).toEqual({ a: 1 });
  });

  it('leaves details undefined when none are given', () => {
    expect(new DomainError('c', 'm').details).toBeUndefined();
  });

  it('is an Error and keeps the subclass identity and name', () => {
    const error = new SampleError();

    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(SampleError);
    expect(error.name).toBe('SampleError');
    expect(error.code).toBe('sample_code');
  });
});
