import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@dify/identity';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** Body of `POST /console/api/setup` and `POST /console/api/register`. */
export class NewAccountRequest {
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(255)
  email!: string;

  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(255)
  name!: string;

  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  @Matches(/\p{L}/u, { message: 'password must contain a letter' })
  @Matches(/\p{Nd}/u, { message: 'password must contain a digit' })
  password!: string;
}
