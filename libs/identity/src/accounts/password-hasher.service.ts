import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const ARGON2ID = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * argon2id hashing. Unknown accounts are verified against a fixed hash too, so a sign-in with an
 * unknown email takes as long as one with a wrong password and reveals nothing by timing.
 */
@Injectable()
export class PasswordHasher {
  private readonly decoy: Promise<string> = hash('decoy-password-for-timing-1', ARGON2ID);

  hash(password: string): Promise<string> {
    return hash(password, ARGON2ID);
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    const target = passwordHash ?? (await this.decoy);
    try {
      const matches = await verify(target, password);
      return matches && passwordHash !== null;
    } catch {
      // A malformed stored hash must read as a failed sign-in, not a server error.
      return false;
    }
  }
}
