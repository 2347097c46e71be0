import { PASSWORD_MAX_LENGTH } from '@dify/identity';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

/** Body of `POST /console/api/login`. */
export class LoginRequest {
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(255)
  email!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}
